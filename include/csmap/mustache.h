/* The Mustache template engine over cJSON data, with a prompt-safe escape. */
#ifndef CSMAP_MUSTACHE_H
#define CSMAP_MUSTACHE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "csmap/buf.h"
#include "csmap/rc.h"

/*
 * The engine implements the Mustache specification's core modules
 * (interpolation, sections, inverted sections, comments, partials, set
 * delimiters) plus inheritance ({{<parent}} and {{$block}}) and dynamic
 * names ({{>*name}}).  Lambdas are not supported.
 *
 * Numbers render in the shortest form that reads back to the same double:
 * 85 -> "85", 1.5 -> "1.5", 1.21 -> "1.21"; integral values held as double
 * have no ".0".  true and false render as "true" and "false", null and a
 * missing name as nothing; an array or object renders as its compact JSON.
 *
 * A section {{#x}} renders once per element of a non-empty list, once with
 * x pushed on the context stack for any other value except false, null,
 * "" and a missing name (which, like an empty list, skip it; 0 does not).
 * An inverted section {{^x}} renders exactly when {{#x}} would not.
 *
 * Inheritance follows the specification's tests, including their
 * re-indentation of blocks: a block whose opening tag stands alone on its
 * line is indented like that line's next line, and an argument passed to
 * it loses its own indentation and takes the block's.  A line holding only
 * tags and blanks is standalone when one of the tags opens or closes a
 * parent.  Partials and parents nest at most 64 deep.
 */

/* How an interpolated value is escaped before it enters the output. */
enum tpl_escape {
    /*
     * The specification's: {{x}} turns & < > " into &amp; &lt; &gt; &quot;,
     * {{{x}}} and {{&x}} insert the value as it is.
     */
    TPL_ESCAPE_HTML,
    /* Every value goes in as it is. */
    TPL_ESCAPE_NONE,
    /*
     * For text that goes to a language model.  Every interpolation --
     * {{x}}, {{{x}}} and {{&x}} alike, since customer text must never get
     * into a prompt raw -- goes through tpl_escape_prompt() below.
     */
    TPL_ESCAPE_PROMPT,
};

/* Where and why rendering failed. */
struct tpl_error {
    char template_name[128]; /* the template or partial the error is in */
    int line;                /* 1-based; 0 when there is no position */
    int column;              /* 1-based byte column */
    char message[256];       /* lower case, no final full stop */
};

struct tpl_options {
    enum tpl_escape escape;
    /*
     * false: a partial or parent the loader cannot find renders as empty,
     * as the specification says.  true: it is an error (CS_NOTFOUND).
     */
    bool strict_partials;
    /*
     * The partial loader: looks up the partial called name.  When it
     * exists, it stores a copy of its text in *text (allocated with
     * mem_alloc; the engine frees it with mem_free) and its length in *len
     * and returns CS_OK.  When it does not exist it returns CS_NOTFOUND.
     * Any other code (CS_IO, CS_NOMEM...) stops rendering and is what
     * tpl_render() returns.  NULL: no partial exists.  The engine calls it
     * once per name per render.
     */
    enum csmap_rc (*load)(void *ctx, const char *name, char **text,
                          size_t *len);
    void *load_ctx; /* passed to load */
    /* The most bytes one tpl_render() call may append; 0 is 64 MB. */
    size_t max_output;
};

/*
 * Render template text (len bytes, need not be NUL-terminated) with data
 * as the root context, appending the result to out.  name is the
 * template's name for error messages ("health.mustache").  opt may be
 * NULL for the defaults: html escape, lenient partials, no loader, 64 MB.
 * data may be NULL (an empty context).
 *
 * Returns CS_OK, or on failure fills *err (when err is not NULL) and
 * returns:
 *   CS_ERR       a syntax error (unclosed section or tag, mismatched end
 *                tag, bad delimiter...) or partials and parents nested
 *                more than 64 deep;
 *   CS_NOTFOUND  a missing partial with strict_partials;
 *   CS_TOOBIG    the output passed max_output (or out's own cap);
 *   CS_NOMEM     an allocation failed;
 *   whatever the loader returned when it failed.
 * After a failure out holds an unspecified prefix of the output (or is
 * empty); the caller still owns and releases it.  Nothing is logged: the
 * caller decides how to report err, usually as
 * "NAME:LINE:COLUMN: MESSAGE".
 */
enum csmap_rc tpl_render(const char *name, const char *text, size_t len,
                         const cJSON *data, const struct tpl_options *opt,
                         struct buf *out, struct tpl_error *err);

/*
 * Append n bytes of s to out in the prompt escape, so that the inserted
 * text can neither close a fence the template put around it nor pass for
 * a role or instruction marker:
 *
 *  1. Invalid UTF-8 (bad bytes, overlong forms, surrogates, values past
 *     U+10FFFF) becomes U+FFFD, one per bad byte.
 *  2. Control characters are dropped: C0 except \n and \t (so \r goes),
 *     DEL, C1 (U+0080..U+009F), and the bidirectional overrides and
 *     isolates U+202A..U+202E and U+2066..U+2069.
 *  3. '<' becomes U+2039 and '>' becomes U+203A, so "</ticket>" can never
 *     close a <ticket> fence and "<|im_start|>" is no longer a token.
 *  4. In a run of three or more backticks or three or more tildes, a space
 *     follows every second one ("```" -> "`` `"), so no ``` or ~~~ fence
 *     can be opened or closed.  A run continues one that out already ends
 *     with.
 *  5. A line that starts -- after spaces and tabs, where "line" is judged
 *     on out, so text inserted mid-line is not at a line start -- with a
 *     role or instruction marker gets "\u203A " (the single right-pointing
 *     angle quotation mark and a space) put before the marker.  The
 *     markers, matched without regard to ASCII case:
 *       - a role word followed by optional spaces and ':' -- system,
 *         developer, assistant, user, human, ai, model, bot, tool,
 *         function, instruction, instructions, context, prompt;
 *       - one or more '#' and optional spaces, then any of those words or
 *         "response" or "input" ("### Instruction", "## system:");
 *       - '[' followed by optional '/' and letters and ']' ("[INST]",
 *         "[/INST]", "[SYS]");
 *       - "<|" or "<<" ("<|im_start|>", "<<SYS>>"), already defused by 3.
 *
 * Returns CS_OK, CS_TOOBIG or CS_NOMEM (out is then released, as with
 * every buf function).
 */
enum csmap_rc tpl_escape_prompt(struct buf *out, const char *s, size_t n);

/* Append s in the specification's HTML escape. */
enum csmap_rc tpl_escape_html(struct buf *out, const char *s, size_t n);

#endif
