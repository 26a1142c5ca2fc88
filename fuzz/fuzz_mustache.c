/* libFuzzer harness: the Mustache engine and its two escapes.  The input
 * is a JSON data document, a "\n---\n" line, then the template. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "csmap/buf.h"
#include "csmap/ingest.h"
#include "csmap/mem.h"
#include "csmap/mustache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OUTPUT ((size_t)1 << 20)

struct tpl_text {
    const char *p;
    size_t n;
};

/* Partials: "self" is the template itself (so recursion is reachable),
 * two fixed ones use sections and the prompt fence, the rest are
 * missing. */
static enum csmap_rc load(void *ctx, const char *name, char **text, size_t *len)
{
    const struct tpl_text *self = ctx;
    const char *p;
    size_t n;

    if (strcmp(name, "self") == 0) {
        p = self->p;
        n = self->n;
    } else if (strcmp(name, "item") == 0) {
        p = "- {{name}}: {{#tags}}{{.}} {{/tags}}{{^tags}}none{{/tags}}\n";
        n = strlen(p);
    } else if (strcmp(name, "_fence") == 0) {
        p = "<ticket>\n{{{.}}}\n</ticket>\n{{$extra}}{{/extra}}";
        n = strlen(p);
    } else {
        return CS_NOTFOUND;
    }
    if (!(*text = mem_strndup(p, n)))
        return CS_NOMEM;
    *len = n;
    return CS_OK;
}

static void render(struct tpl_text *t, const cJSON *doc, enum tpl_escape escape,
                   bool strict)
{
    struct tpl_options opt = {.escape = escape,
                              .strict_partials = strict,
                              .load = load,
                              .load_ctx = t,
                              .max_output = MAX_OUTPUT};
    struct tpl_error err;
    struct buf out;

    buf_init(&out, 0);
    tpl_render("fuzz.mustache", t->p, t->n, doc, &opt, &out, &err);
    if (out.len > MAX_OUTPUT)
        abort();
    buf_release(&out);
}

/* What the prompt escape promises, checked on its output. */
static void check_prompt_escape(const char *s, size_t n)
{
    struct buf out;
    size_t bad;

    buf_init(&out, 0);
    if (tpl_escape_prompt(&out, s, n) == CS_OK && out.len) {
        const char *o = buf_str(&out);
        if (memmem(o, out.len, "```", 3) || memmem(o, out.len, "~~~", 3) ||
            memchr(o, '<', out.len) || memchr(o, '>', out.len) ||
            memchr(o, '\r', out.len) || !ingest_utf8_valid(o, out.len, &bad))
            abort();
    }
    buf_release(&out);
}

/* The HTML escape leaves no markup character but in an entity. */
static void check_html_escape(const char *s, size_t n)
{
    struct buf out;

    buf_init(&out, 0);
    if (tpl_escape_html(&out, s, n) == CS_OK && out.len) {
        const char *o = buf_str(&out);
        if (memchr(o, '<', out.len) || memchr(o, '>', out.len) ||
            memchr(o, '"', out.len))
            abort();
    }
    buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    const uint8_t *doc_p, *tpl_p;
    size_t doc_n, tpl_n;
    struct tpl_text t;
    cJSON *doc;

    if (!ready) {
        fuzz_init();
        ready = 1;
    }
    fuzz_split(data, size, &doc_p, &doc_n, &tpl_p, &tpl_n);
    if (tpl_n == 0) {
        /* No separator: the whole input is a template with no data. */
        tpl_p = doc_p;
        tpl_n = doc_n;
        doc_n = 0;
    }
    doc = doc_n ? cJSON_ParseWithLength((const char *)doc_p, doc_n) : NULL;
    t.p = (const char *)tpl_p;
    t.n = tpl_n;

    render(&t, doc, TPL_ESCAPE_HTML, false);
    render(&t, doc, TPL_ESCAPE_PROMPT, true);
    check_prompt_escape((const char *)data, size);
    check_html_escape((const char *)data, size);
    cJSON_Delete(doc);
    return 0;
}
