/* A server-sent events parser that takes bytes in pieces of any size. */
#include <string.h>

#include "llm_int.h"

#define SSE_LINE_MAX ((size_t)1 << 20)

void sse_init(struct sse_parser *p,
              enum csmap_rc (*on_event)(void *, const char *, const char *),
              void *ctx)
{
    memset(p, 0, sizeof(*p));
    buf_init(&p->line, SSE_LINE_MAX);
    buf_init(&p->data, LLM_MAX_RESPONSE);
    p->on_event = on_event;
    p->ctx = ctx;
}

void sse_release(struct sse_parser *p)
{
    buf_release(&p->line);
    buf_release(&p->data);
}

bool sse_partial(const struct sse_parser *p)
{
    return p->line.len > 0 || p->has_data || p->event[0];
}

static enum csmap_rc dispatch(struct sse_parser *p)
{
    enum csmap_rc rc = CS_OK;

    if (p->has_data)
        rc = p->on_event(p->ctx, p->event, buf_str(&p->data));
    buf_reset(&p->data);
    p->has_data = false;
    p->event[0] = '\0';
    return rc;
}

/* One field line: "name: value", "name:value" or a ":comment". */
static enum csmap_rc field(struct sse_parser *p, const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    size_t name_len = colon ? (size_t)(colon - s) : n;
    const char *v = colon ? colon + 1 : s + n;
    size_t vn = (size_t)(s + n - v);
    enum csmap_rc rc;

    if (vn && *v == ' ') {
        v++;
        vn--;
    }
    if (name_len == 4 && !memcmp(s, "data", 4)) {
        if (p->has_data && (rc = buf_addc(&p->data, '\n')))
            return rc;
        p->has_data = true;
        return buf_add(&p->data, v, vn);
    }
    if (name_len == 5 && !memcmp(s, "event", 5)) {
        if (vn >= sizeof(p->event))
            vn = sizeof(p->event) - 1;
        memcpy(p->event, v, vn);
        p->event[vn] = '\0';
    }
    return CS_OK;
}

static enum csmap_rc line_done(struct sse_parser *p)
{
    size_t n = p->line.len;
    const char *s = buf_str(&p->line);
    enum csmap_rc rc;

    if (n && s[n - 1] == '\r')
        n--;
    rc = n == 0 ? dispatch(p) : field(p, s, n);
    buf_reset(&p->line);
    return rc;
}

enum csmap_rc sse_feed(struct sse_parser *p, const char *bytes, size_t n)
{
    enum csmap_rc rc;

    while (n > 0) {
        const char *nl = memchr(bytes, '\n', n);
        size_t take = nl ? (size_t)(nl - bytes) : n;

        if ((rc = buf_add(&p->line, bytes, take)))
            return rc;
        if (!nl)
            break;
        if ((rc = line_done(p)))
            return rc;
        bytes += take + 1;
        n -= take + 1;
    }
    return CS_OK;
}
