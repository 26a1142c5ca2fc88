/* Prompt files: headers, built-in and workspace copies, rendering. */
#ifndef CSMAP_PROMPT_H
#define CSMAP_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "csmap/rc.h"

/*
 * A prompt file is a Mustache template that starts with a header, a
 * comment block (docs/artifacts.md has the full format):
 *
 *   {{!
 *   name: health-brief
 *   version: 1
 *   stage: health
 *   scope: account
 *   output: markdown
 *   audience: CS lead
 *   description: narrative health brief, not just a score
 *   sections:
 *     - Summary
 *     - Next steps
 *   }}
 *
 * Keys: name, version, stage, scope and output are required; sections
 * (markdown) or json_keys (json, at least one) list what the answer must
 * hold; audience and description are optional.  An unknown key, a
 * repeated key or a bad value is an error at FILE:LINE.
 *
 * Rendered, a prompt is two messages: everything before a line that is
 * exactly PROMPT_USER_MARK is the system message, everything after it the
 * user message.  Every value is interpolated in the prompt escape, which
 * turns '<' and '>' into look-alikes, so customer text can neither close
 * a fence nor fake that line.
 *
 * Files whose name starts with '_' are partials (the base prompt, shared
 * pieces); they have no header and are not artifacts.
 */
#define PROMPT_USER_MARK "<<<user>>>"

enum prompt_scope { PROMPT_SCOPE_ACCOUNT, PROMPT_SCOPE_SEGMENT };
enum prompt_output { PROMPT_OUTPUT_MARKDOWN, PROMPT_OUTPUT_JSON };
enum prompt_source { PROMPT_BUILTIN, PROMPT_WORKSPACE };

/* A parsed header; every string is owned by the header. */
struct prompt_header {
    char *name;
    int version;
    char *stage; /* a map stage, or "all" */
    enum prompt_scope scope;
    enum prompt_output output;
    char *audience;    /* NULL when not given */
    char *description; /* NULL when not given */
    char **sections;
    size_t n_sections;
    char **json_keys;
    size_t n_json_keys;
};

/*
 * Parse the header at the start of text (len bytes); file names the file
 * in messages.  Errors are reported as "FILE:LINE: what is wrong" and
 * return CS_DATA (CS_NOMEM when memory runs out).  On success the caller
 * releases *out with prompt_header_release(); on failure *out is empty.
 */
enum csmap_rc prompt_header_parse(const char *file, const char *text,
                                  size_t len, struct prompt_header *out);

void prompt_header_release(struct prompt_header *h);

/* One artifact's prompt, owned by the library it came from. */
struct prompt {
    struct prompt_header hdr;
    const char *text; /* the whole file */
    size_t len;
    const char *path; /* the file: "prompts/NAME.mustache" when built in */
    enum prompt_source source;
};

/*
 * The prompt library: the workspace folder dir (usually "prompts",
 * relative to the working folder; it need not exist) over the prompts
 * compiled into csmap.  A workspace file NAME.mustache replaces the
 * built-in one of the same name, partials included.  Files are read once
 * and kept.  dir NULL means built-ins only.  Free with prompt_lib_free().
 */
struct prompt_lib;

enum csmap_rc prompt_lib_open(const char *dir, struct prompt_lib **out);
void prompt_lib_free(struct prompt_lib *lib);

/*
 * The prompt of artifact name.  An unknown name is reported with the
 * close names ("did you mean ...") and returns CS_NOTFOUND; a file with a
 * bad header is reported and returns CS_DATA; a header whose name differs
 * from the file's is CS_DATA too.  *out belongs to lib.
 */
enum csmap_rc prompt_lib_get(struct prompt_lib *lib, const char *name,
                             const struct prompt **out);

/*
 * The raw text of file name (an artifact or a partial) and where it came
 * from, without reporting anything: CS_NOTFOUND when neither place has
 * it.  The text belongs to lib.
 */
enum csmap_rc prompt_lib_file(struct prompt_lib *lib, const char *name,
                              const char **text, size_t *len,
                              enum prompt_source *source);

/*
 * The names of every file in both places, sorted, each once; partials
 * (leading '_') only when with_partials; the array also ends with a
 * NULL (none when *n is 0).  The caller frees them with
 * prompt_lib_names_free().
 */
enum csmap_rc prompt_lib_names(struct prompt_lib *lib, bool with_partials,
                               char ***names, size_t *n);
void prompt_lib_names_free(char **names, size_t n);

/* Up to three known names close to name, as "a, b, c" (caller frees), or
 * NULL when none is close. */
char *prompt_lib_close_names(struct prompt_lib *lib, const char *name);

/* The two messages of a rendered prompt; both NUL-terminated. */
struct prompt_messages {
    char *system;
    size_t system_len;
    char *user;
    size_t user_len;
};

/*
 * Render p with context (the JSON of docs/artifacts.md) into the system
 * and user messages, with partials from lib.  Missing partials are
 * errors.  Errors are reported as "FILE:LINE:COLUMN: message" and return
 * CS_DATA (syntax, missing partial, no user mark), CS_TOOBIG or CS_NOMEM.
 * The caller releases *out with prompt_messages_release().
 */
enum csmap_rc prompt_render(struct prompt_lib *lib, const struct prompt *p,
                            const cJSON *context, struct prompt_messages *out);

void prompt_messages_release(struct prompt_messages *m);

/*
 * Check an answer against p's header with ground_check(): sections,
 * JSON keys, and numbers grounded in context and the rendered messages m
 * (may be NULL).  The caller owns *out.
 */
enum csmap_rc prompt_check(const struct prompt *p, const char *answer,
                           size_t len, const cJSON *context,
                           const struct prompt_messages *m, cJSON **out);

const char *prompt_scope_name(enum prompt_scope s);
const char *prompt_output_name(enum prompt_output o);
const char *prompt_source_name(enum prompt_source s);

#endif
