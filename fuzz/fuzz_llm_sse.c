/* libFuzzer harness: streamed answers (server-sent events) of both
 * providers, fed whole and in small pieces, which must agree. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "csmap/mem.h"
#include "llm/llm_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
    const struct llm_provider *prov;
    struct llm_stream st;
    enum csmap_rc rc;
};

static enum csmap_rc on_event(void *ctx, const char *event, const char *data)
{
    struct run *r = ctx;

    return r->prov->sse_event(&r->st, event, data);
}

/* Feed data in pieces of piece bytes (all at once when 0). */
static void feed(struct run *r, const struct llm_provider *prov,
                 const uint8_t *data, size_t size, size_t piece)
{
    size_t at = 0;

    memset(r, 0, sizeof(*r));
    r->prov = prov;
    sse_init(&r->st.sse, on_event, r);
    buf_init(&r->st.text, LLM_MAX_RESPONSE);
    do {
        size_t n = piece && size - at > piece ? piece : size - at;
        r->rc = sse_feed(&r->st.sse, (const char *)data + at, n);
        at += n;
    } while (!r->rc && at < size);
    sse_partial(&r->st.sse);
}

static void release(struct run *r)
{
    sse_release(&r->st.sse);
    buf_release(&r->st.text);
    mem_free(r->st.finish_reason);
    mem_free(r->st.error);
}

/* How bytes are cut must not change what the stream says. */
static void check_same(const struct run *a, const struct run *b)
{
    const struct llm_stream *x = &a->st, *y = &b->st;

    if (a->rc != b->rc || x->text.len != y->text.len ||
        (x->text.len && memcmp(x->text.data, y->text.data, x->text.len)) ||
        x->done != y->done || x->input_tokens != y->input_tokens ||
        x->output_tokens != y->output_tokens ||
        !x->finish_reason != !y->finish_reason ||
        (x->finish_reason && strcmp(x->finish_reason, y->finish_reason)) ||
        !x->error != !y->error || (x->error && strcmp(x->error, y->error)))
        abort();
}

static void both_ways(const struct llm_provider *prov, const uint8_t *data,
                      size_t size)
{
    struct run whole, pieces;

    feed(&whole, prov, data, size, 0);
    feed(&pieces, prov, data, size, 3);
    check_same(&whole, &pieces);
    release(&whole);
    release(&pieces);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;

    if (!ready) {
        fuzz_init();
        ready = 1;
    }
    both_ways(&llm_openai, data, size);
    both_ways(&llm_anthropic, data, size);
    return 0;
}
