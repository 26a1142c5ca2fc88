/* Mustache parser: template text to a flat tree, with standalone lines. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "csmap/mem.h"
#include "mustache_int.h"

#define MAX_NESTING 256
#define MAX_DELIM 32

/* A token of the source before standalone lines are removed. */
struct ptok {
    char sigil; /* 0 for text, else the tag's first character */
    const char *name;
    size_t name_len;
    size_t start, end; /* offsets of the whole token in the source */
    int line, column;
    bool raw, dynamic, removed, standalone;
    const char *ws;
    size_t ws_len;
};

struct parser {
    const char *name;
    const char *src;
    size_t len;
    size_t pos;
    int line;
    size_t line_start;
    char otag[MAX_DELIM + 1], ctag[MAX_DELIM + 1];
    size_t olen, clen;
    struct ptok *toks;
    size_t n, cap;
    struct tpl_error *err;
};

void tpl_set_error(struct tpl_error *err, const char *name, int line,
                   int column, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return;
    snprintf(err->template_name, sizeof(err->template_name), "%s",
             name ? name : "");
    err->line = line;
    err->column = column;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
    return is_blank(c) || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Move to offset to, keeping the line and column count. */
static void advance(struct parser *p, size_t to)
{
    for (; p->pos < to; p->pos++) {
        if (p->src[p->pos] == '\n') {
            p->line++;
            p->line_start = p->pos + 1;
        }
    }
}

static int column_of(const struct parser *p)
{
    return (int)(p->pos - p->line_start) + 1;
}

static const char *find(const struct parser *p, size_t from, const char *s,
                        size_t n)
{
    if (n == 0 || from > p->len)
        return NULL;
    return memmem(p->src + from, p->len - from, s, n);
}

static struct ptok *new_tok(struct parser *p)
{
    struct ptok *t;

    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        t = mem_realloc(p->toks, cap * sizeof(*t));
        if (!t)
            return NULL;
        p->toks = t;
        p->cap = cap;
    }
    t = &p->toks[p->n++];
    memset(t, 0, sizeof(*t));
    t->start = p->pos;
    t->line = p->line;
    t->column = column_of(p);
    return t;
}

/* Text up to the next tag, split after each newline. */
static enum csmap_rc scan_text(struct parser *p, size_t stop)
{
    while (p->pos < stop) {
        const char *nl = memchr(p->src + p->pos, '\n', stop - p->pos);
        size_t end = nl ? (size_t)(nl - p->src) + 1 : stop;
        struct ptok *t = new_tok(p);

        if (!t)
            return CS_NOMEM;
        t->name = p->src + p->pos;
        t->name_len = end - p->pos;
        advance(p, end);
        t->end = end;
    }
    return CS_OK;
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_space(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_space((*s)[*n - 1]))
        (*n)--;
}

static enum csmap_rc set_delimiters(struct parser *p, struct ptok *t,
                                    const char *s, size_t n)
{
    const char *a, *b, *tag = s;
    size_t an = 0, bn, tag_len = n;

    if (n < 2 || s[n - 1] != '=')
        goto bad;
    s++;
    n -= 2;
    trim(&s, &n);
    a = s;
    while (an < n && !is_space(a[an]))
        an++;
    b = a + an;
    bn = n - an;
    trim(&b, &bn);
    for (size_t i = 0; i < bn; i++)
        if (is_space(b[i]))
            goto bad;
    if (!an || !bn || an > MAX_DELIM || bn > MAX_DELIM || memchr(a, '=', an) ||
        memchr(b, '=', bn))
        goto bad;
    memcpy(p->otag, a, an);
    p->otag[an] = '\0';
    p->olen = an;
    memcpy(p->ctag, b, bn);
    p->ctag[bn] = '\0';
    p->clen = bn;
    return CS_OK;

bad:
    tpl_set_error(p->err, p->name, t->line, t->column,
                  "bad delimiter tag '%.*s'",
                  (int)(tag_len < 60 ? tag_len : 60), tag);
    return CS_ERR;
}

/* Split a tag's content into its sigil (unless triple) and its name. */
static enum csmap_rc tag_name(struct parser *p, struct ptok *t, bool triple,
                              const char *s, size_t n)
{
    t->sigil = 'v';
    if (triple)
        t->raw = true;
    else if (n && s[0] && strchr("#^/><$&", s[0])) {
        t->sigil = s[0];
        s++;
        n--;
    }
    trim(&s, &n);
    if ((t->sigil == '>' || t->sigil == '<') && n && s[0] == '*') {
        t->dynamic = true;
        s++;
        n--;
        trim(&s, &n);
    }
    t->name = s;
    t->name_len = n;
    if (t->sigil == '&') {
        t->sigil = 'v';
        t->raw = true;
    }
    if (n == 0) {
        tpl_set_error(p->err, p->name, t->line, t->column, "empty tag");
        return CS_ERR;
    }
    for (size_t i = 0; i < n; i++) {
        if (is_space(s[i])) {
            tpl_set_error(p->err, p->name, t->line, t->column,
                          "bad tag name '%.*s'", (int)(n < 60 ? n : 60), s);
            return CS_ERR;
        }
    }
    return CS_OK;
}

/* One tag starting at p->pos (on the opening delimiter). */
static enum csmap_rc scan_tag(struct parser *p)
{
    struct ptok *t = new_tok(p);
    size_t body = p->pos + p->olen, close_len = p->clen;
    const char *close;
    bool triple = false;
    enum csmap_rc rc;

    if (!t)
        return CS_NOMEM;
    if (body < p->len && p->src[body] == '{') {
        char want[MAX_DELIM + 2];

        triple = true;
        want[0] = '}';
        memcpy(want + 1, p->ctag, p->clen);
        close_len = p->clen + 1;
        body++;
        close = find(p, body, want, close_len);
    } else {
        close = find(p, body, p->ctag, p->clen);
    }
    if (!close) {
        tpl_set_error(p->err, p->name, t->line, t->column, "unclosed tag '%s'",
                      p->otag);
        return CS_ERR;
    }
    t->end = (size_t)(close - p->src) + close_len;

    if (triple) {
        const char *s = p->src + body;
        size_t n = (size_t)(close - s);

        rc = tag_name(p, t, true, s, n);
    } else if (close > p->src + body && p->src[body] == '!') {
        t->sigil = '!';
        rc = CS_OK;
    } else if (close > p->src + body && p->src[body] == '=') {
        t->sigil = '=';
        rc = set_delimiters(p, t, p->src + body,
                            (size_t)(close - p->src) - body);
    } else {
        const char *s = p->src + body;

        rc = tag_name(p, t, false, s, (size_t)(close - s));
    }
    advance(p, t->end);
    return rc;
}

static enum csmap_rc tokenize(struct parser *p)
{
    enum csmap_rc rc = CS_OK;

    while (p->pos < p->len && rc == CS_OK) {
        const char *open = find(p, p->pos, p->otag, p->olen);
        size_t stop = open ? (size_t)(open - p->src) : p->len;

        rc = scan_text(p, stop);
        if (rc == CS_OK && open)
            rc = scan_tag(p);
    }
    return rc;
}

static bool is_text(const struct ptok *t)
{
    return t->sigil == 0;
}

static bool ends_line(const struct ptok *t)
{
    return is_text(t) && t->name_len && t->name[t->name_len - 1] == '\n';
}

static bool blank_text(const struct ptok *t, bool allow_newline)
{
    size_t n = t->name_len;

    if (allow_newline && n && t->name[n - 1] == '\n') {
        n--;
        if (n && t->name[n - 1] == '\r')
            n--;
    }
    for (size_t i = 0; i < n; i++)
        if (!is_blank(t->name[i]))
            return false;
    return true;
}

static bool can_stand_alone(const struct ptok *t)
{
    return t->sigil && t->sigil != 'v';
}

static bool is_parent_tag(const struct parser *p, const struct ptok *t)
{
    if (t->sigil == '<')
        return true;
    if (t->sigil != '/')
        return false;
    for (const struct ptok *u = t; u > p->toks; u--) {
        const struct ptok *v = u - 1;

        if (v->sigil == '<' && v->name_len == t->name_len &&
            memcmp(v->name, t->name, t->name_len) == 0)
            return true;
    }
    return false;
}

/*
 * Whether tokens [a, b) -- one line, b past its newline token or at the
 * end -- are a standalone line: blanks and tags that print nothing, one
 * tag, or several when one of them opens or closes a parent.
 */
static bool standalone_line(const struct parser *p, size_t a, size_t b)
{
    size_t tags = 0;

    for (size_t i = a; i < b; i++) {
        const struct ptok *t = &p->toks[i];

        if (is_text(t) ? !blank_text(t, i == b - 1) : !can_stand_alone(t))
            return false;
        tags += !is_text(t);
    }
    if (tags < 2)
        return tags == 1;
    for (size_t i = a; i < b; i++)
        if (is_parent_tag(p, &p->toks[i]))
            return true;
    return false;
}

/* The blanks at the start of the source line beginning at offset pos. */
static void line_indent(const struct parser *p, size_t pos, const char **ws,
                        size_t *n)
{
    size_t i = pos;

    while (i < p->len && is_blank(p->src[i]))
        i++;
    *ws = p->src + pos;
    *n = i - pos;
}

/* Whether the block opened at token i closes before token b. */
static bool closes_before(const struct parser *p, size_t i, size_t b)
{
    const struct ptok *t = &p->toks[i];

    for (size_t j = i + 1; j < b; j++) {
        const struct ptok *u = &p->toks[j];

        if (u->sigil == '/' && u->name_len == t->name_len &&
            memcmp(u->name, t->name, t->name_len) == 0)
            return true;
    }
    return false;
}

/*
 * Remove the standalone line [a, b): its blanks and newline go, its tags
 * learn the line's indentation.  A block that stays open past the line
 * takes the indentation of the next line, its first line of content.
 */
static void strip_line(struct parser *p, size_t a, size_t b)
{
    const struct ptok *first = &p->toks[a];
    const char *ws = is_text(first) ? first->name : "";
    size_t ws_len = is_text(first) ? first->name_len : 0;

    for (size_t i = a; i < b; i++) {
        struct ptok *t = &p->toks[i];

        if (is_text(t)) {
            t->removed = true;
            continue;
        }
        t->standalone = true;
        t->ws = ws;
        t->ws_len = ws_len;
        if (t->sigil == '$' && !closes_before(p, i, b))
            line_indent(p, p->toks[b - 1].end, &t->ws, &t->ws_len);
    }
}

/* Block tags that are not standalone take the blanks before them. */
static void inline_block_indent(struct parser *p, size_t i)
{
    struct ptok *t = &p->toks[i];
    const char *s = p->src + t->start;

    while (s > p->src && is_blank(s[-1]))
        s--;
    if (s == p->src || s[-1] == '\n') {
        t->ws = s;
        t->ws_len = (size_t)(p->src + t->start - s);
    }
}

static void mark_standalone(struct parser *p)
{
    size_t a = 0;

    for (size_t i = 0; i < p->n; i++) {
        if (ends_line(&p->toks[i]) || i == p->n - 1) {
            if (standalone_line(p, a, i + 1))
                strip_line(p, a, i + 1);
            a = i + 1;
        }
    }
    for (size_t i = 0; i < p->n; i++)
        if (p->toks[i].sigil == '$' && !p->toks[i].standalone)
            inline_block_indent(p, i);
}

static enum tpl_kind kind_of(char sigil)
{
    switch (sigil) {
    case '#':
        return TPL_SECTION;
    case '^':
        return TPL_INVERTED;
    case '>':
        return TPL_PARTIAL;
    case '<':
        return TPL_PARENT;
    case '$':
        return TPL_BLOCK;
    case 'v':
        return TPL_VAR;
    default:
        return TPL_TEXT;
    }
}

static const char *kind_word(enum tpl_kind k)
{
    return k == TPL_PARENT ? "parent" : k == TPL_BLOCK ? "block" : "section";
}

struct builder {
    struct tpl_tree *tree;
    size_t stack[MAX_NESTING];
    size_t depth;
    bool pending_bol;
};

static enum csmap_rc close_node(struct parser *p, struct builder *b,
                                const struct ptok *t)
{
    struct tpl_node *open;

    if (b->depth == 0) {
        tpl_set_error(p->err, p->name, t->line, t->column,
                      "closing tag '%.*s' has no opening tag", (int)t->name_len,
                      t->name);
        return CS_ERR;
    }
    open = &b->tree->nodes[b->stack[b->depth - 1]];
    if (open->len != t->name_len || memcmp(open->str, t->name, t->name_len)) {
        tpl_set_error(p->err, p->name, t->line, t->column,
                      "%s '%.*s' closed by '%.*s'", kind_word(open->kind),
                      (int)open->len, open->str, (int)t->name_len, t->name);
        return CS_ERR;
    }
    open->end = b->tree->n;
    b->depth--;
    return CS_OK;
}

static enum csmap_rc add_node(struct parser *p, struct builder *b,
                              const struct ptok *t)
{
    struct tpl_node *nd = &b->tree->nodes[b->tree->n];
    bool at_bol = t->start == 0 || p->src[t->start - 1] == '\n';

    memset(nd, 0, sizeof(*nd));
    nd->kind = kind_of(t->sigil);
    nd->str = t->name;
    nd->len = t->name_len;
    nd->ws = t->ws;
    nd->ws_len = t->ws_len;
    nd->line = t->line;
    nd->column = t->column;
    nd->raw = t->raw;
    nd->dynamic = t->dynamic;
    nd->standalone = t->standalone;
    nd->bol = !t->standalone && (at_bol || b->pending_bol);
    nd->end = b->tree->n + 1;
    b->pending_bol = false;
    b->tree->n++;

    if (nd->kind == TPL_SECTION || nd->kind == TPL_INVERTED ||
        nd->kind == TPL_PARENT || nd->kind == TPL_BLOCK) {
        if (b->depth == MAX_NESTING) {
            tpl_set_error(p->err, p->name, t->line, t->column,
                          "sections nested more than %d deep", MAX_NESTING);
            return CS_ERR;
        }
        b->stack[b->depth++] = b->tree->n - 1;
    }
    return CS_OK;
}

static enum csmap_rc build(struct parser *p, struct tpl_tree *tree)
{
    struct builder *b = mem_calloc(1, sizeof(*b));
    enum csmap_rc rc = CS_OK;

    if (!b)
        return CS_NOMEM;
    b->tree = tree;
    tree->nodes = mem_alloc((p->n ? p->n : 1) * sizeof(*tree->nodes));
    if (!tree->nodes) {
        rc = CS_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < p->n && rc == CS_OK; i++) {
        const struct ptok *t = &p->toks[i];
        bool at_bol = t->start == 0 || p->src[t->start - 1] == '\n';

        if (t->removed)
            continue;
        if (t->sigil == '!' || t->sigil == '=')
            b->pending_bol = !t->standalone && (at_bol || b->pending_bol);
        else if (t->sigil == '/')
            rc = close_node(p, b, t);
        else
            rc = add_node(p, b, t);
    }
    if (rc == CS_OK && b->depth) {
        const struct tpl_node *open = &tree->nodes[b->stack[b->depth - 1]];

        tpl_set_error(p->err, p->name, open->line, open->column,
                      "unclosed %s '%.*s'", kind_word(open->kind),
                      (int)open->len, open->str);
        rc = CS_ERR;
    }

out:
    mem_free(b);
    return rc;
}

enum csmap_rc tpl_parse(const char *name, const char *text, size_t len,
                        struct tpl_tree *tree, struct tpl_error *err)
{
    struct parser p = {0};
    enum csmap_rc rc;

    memset(tree, 0, sizeof(*tree));
    tree->name = name;
    tree->text = text;
    tree->len = len;
    p.name = name;
    p.src = text;
    p.len = len;
    p.line = 1;
    p.err = err;
    strcpy(p.otag, "{{");
    strcpy(p.ctag, "}}");
    p.olen = p.clen = 2;

    rc = tokenize(&p);
    if (rc)
        goto out;
    mark_standalone(&p);
    rc = build(&p, tree);

out:
    if (rc == CS_NOMEM)
        tpl_set_error(err, name, 0, 0, "out of memory");
    mem_free(p.toks);
    if (rc) {
        mem_free(tree->nodes);
        tree->nodes = NULL;
        tree->n = 0;
    }
    return rc;
}

void tpl_tree_release(struct tpl_tree *tree)
{
    mem_free(tree->nodes);
    mem_free(tree->src);
    memset(tree, 0, sizeof(*tree));
}
