/* The Mustache engine's parse tree, shared by its parser and renderer. */
#ifndef CSMAP_MUSTACHE_INT_H
#define CSMAP_MUSTACHE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "csmap/mustache.h"

enum tpl_kind {
    TPL_TEXT,     /* literal text, at most one line */
    TPL_VAR,      /* {{x}}, {{{x}}}, {{&x}} */
    TPL_SECTION,  /* {{#x}}...{{/x}} */
    TPL_INVERTED, /* {{^x}}...{{/x}} */
    TPL_PARTIAL,  /* {{>x}} */
    TPL_PARENT,   /* {{<x}}...{{/x}} */
    TPL_BLOCK,    /* {{$x}}...{{/x}} */
};

/*
 * The tree is a flat array in document order: a container's children are
 * the nodes after it up to, not including, node end; for a leaf end is its
 * own index plus one.
 */
struct tpl_node {
    enum tpl_kind kind;
    const char *str; /* text, or the tag's name; points into the source */
    size_t len;
    const char *ws; /* indentation, see below; points into the source */
    size_t ws_len;
    size_t end;
    int line, column; /* of the tag or text in the source */
    bool raw;         /* TPL_VAR: {{{x}}} or {{&x}} */
    bool dynamic;     /* TPL_PARTIAL, TPL_PARENT: {{>*x}} */
    bool bol;         /* the node starts a line of the source */
    /*
     * TPL_PARTIAL, TPL_PARENT: the tag stood alone on its line, which was
     * removed; ws is the whitespace before it, the partial's indentation.
     * TPL_BLOCK: the opening tag's line was removed; ws is the block's
     * intrinsic indentation (that of the line after the tag, or of the tag
     * itself when the block closes on the same line).  When it is false and
     * only blanks precede the tag, ws is those blanks.
     */
    bool standalone;
};

/* A parsed template; the nodes point into src. */
struct tpl_tree {
    const char *name; /* not owned */
    char *src;        /* owned when the tree owns its text */
    const char *text;
    size_t len;
    struct tpl_node *nodes;
    size_t n;
};

/*
 * Parse text into *tree (which keeps pointers into text: the text must
 * outlive the tree).  On a syntax error fills err and returns CS_ERR.
 */
enum csmap_rc tpl_parse(const char *name, const char *text, size_t len,
                        struct tpl_tree *tree, struct tpl_error *err);

/* Free what tpl_parse() allocated, and src when set; name is not freed. */
void tpl_tree_release(struct tpl_tree *tree);

/* Fill err (which may be NULL) with a position and a formatted message. */
void tpl_set_error(struct tpl_error *err, const char *name, int line,
                   int column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Append a number in its shortest round-trip form ("85", "1.21"). */
enum csmap_rc tpl_format_number(struct buf *out, double v);

#endif
