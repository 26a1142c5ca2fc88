/* Provider lookup, request keys and small helpers the transport shares. */
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmap/hash.h"
#include "csmap/mem.h"
#include "llm_int.h"

const struct llm_provider *llm_provider_find(const char *name)
{
    if (!name)
        return NULL;
    if (!strcmp(name, "openai"))
        return &llm_openai;
    if (!strcmp(name, "anthropic"))
        return &llm_anthropic;
    return NULL;
}

enum csmap_rc llm_header_add(struct curl_slist **list, const char *line)
{
    struct curl_slist *next = curl_slist_append(*list, line);

    if (!next)
        return CS_NOMEM;
    *list = next;
    return CS_OK;
}

enum csmap_rc llm_stream_delta(struct llm_stream *st, const char *text,
                               size_t len)
{
    if (!len)
        return CS_OK;
    if (st->on_delta) {
        st->on_delta(st->delta_ctx, text, len);
        st->delivered = true;
    }
    return buf_add(&st->text, text, len);
}

/* Each field as "LEN:BYTES," so that no field can run into the next. */
static enum csmap_rc key_field(struct buf *b, const char *s)
{
    enum csmap_rc rc;

    if (!s)
        s = "";
    if ((rc = buf_printf(b, "%zu:", strlen(s))) || (rc = buf_adds(b, s)))
        return rc;
    return buf_addc(b, ',');
}

static enum csmap_rc request_key(const struct llm_request *req, bool endpoint,
                                 char out[65])
{
    struct buf b = BUF_INIT;
    char num[64];
    enum csmap_rc rc;
    size_t i;

    rc = key_field(&b, "csmap-llm-1");
    if (!rc && endpoint && !(rc = key_field(&b, req->provider)))
        rc = key_field(&b, req->base_url);
    if (!rc)
        rc = key_field(&b, req->model);
    snprintf(num, sizeof(num), "t=%.6f;m=%d;n=%zu", req->temperature,
             req->max_tokens, req->n_messages);
    if (!rc && !(rc = key_field(&b, num)) &&
        !(rc = key_field(&b, req->json_schema)))
        rc = key_field(&b, req->schema_name);
    for (i = 0; !rc && i < req->n_messages; i++)
        if (!(rc = key_field(&b, req->messages[i].role)))
            rc = key_field(&b, req->messages[i].content);
    if (!rc)
        rc = hash_sha256_hex(b.data, b.len, out);
    buf_release(&b);
    return rc;
}

enum csmap_rc llm_request_key(const struct llm_request *req, char out[65])
{
    return request_key(req, true, out);
}

enum csmap_rc llm_fixture_key(const struct llm_request *req, char out[65])
{
    return request_key(req, false, out);
}

long llm_parse_retry_after(const char *value, int64_t now_s)
{
    char *end;
    long long secs;
    time_t when;

    while (*value == ' ' || *value == '\t')
        value++;
    if (isdigit((unsigned char)*value)) {
        secs = strtoll(value, &end, 10);
        while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
            end++;
        if (*end)
            return -1;
        if (secs > LLM_RETRY_AFTER_MAX_MS / 1000)
            return LLM_RETRY_AFTER_MAX_MS;
        return (long)secs * 1000;
    }
    when = curl_getdate(value, NULL);
    if (when == (time_t)-1)
        return -1;
    if ((int64_t)when <= now_s)
        return 0;
    if ((int64_t)when - now_s > LLM_RETRY_AFTER_MAX_MS / 1000)
        return LLM_RETRY_AFTER_MAX_MS;
    return (long)((int64_t)when - now_s) * 1000;
}

static uint64_t next_random(uint64_t *s)
{
    /* xorshift64*: jitter needs spread, not secrecy. */
    uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ULL;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dULL;
}

long llm_backoff_ms(int attempt, long base_ms, long cap_ms, uint64_t *rng)
{
    long ceiling = base_ms;
    int i;

    for (i = 1; i < attempt && ceiling < cap_ms; i++)
        ceiling *= 2;
    if (ceiling > cap_ms)
        ceiling = cap_ms;
    if (ceiling <= 0)
        return 0;
    return (long)(next_random(rng) % (uint64_t)(ceiling + 1));
}

void llm_url_host(const char *url, char *out, size_t size)
{
    const char *s = strstr(url, "://");
    const char *end, *at;
    size_t n;

    s = s ? s + 3 : url;
    end = s + strcspn(s, "/?#");
    at = memchr(s, '@', (size_t)(end - s));
    if (at)
        s = at + 1;
    n = (size_t)(end - s);
    if (*s != '[') {
        const char *colon = memchr(s, ':', n);
        if (colon)
            n = (size_t)(colon - s);
    }
    if (n >= size)
        n = size - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

void llm_scrub(char *s, const char *secret)
{
    static const char mark[] = "[redacted]";
    size_t n = secret ? strlen(secret) : 0;
    char *hit;

    /* Only a secret at least as long as the mark fits in place. */
    if (n < sizeof(mark) - 1 || !s)
        n = 0;
    while (n && (hit = strstr(s, secret))) {
        memcpy(hit, mark, sizeof(mark) - 1);
        memmove(hit + sizeof(mark) - 1, hit + n, strlen(hit + n) + 1);
    }
}

char *llm_safe_name(const char *s)
{
    char *copy = mem_strdup(s && *s ? s : "_");
    char *p;

    if (!copy)
        return NULL;
    for (p = copy; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
            *p = '_';
    if (copy[0] == '.')
        copy[0] = '_';
    return copy;
}

/* Forget the entries older than one minute. */
static void rate_expire(struct llm_rate *r, int64_t now_ms)
{
    size_t drop = 0;

    while (drop < r->n && r->at_ms[drop] <= now_ms - 60000)
        drop++;
    if (!drop)
        return;
    memmove(r->at_ms, r->at_ms + drop, (r->n - drop) * sizeof(*r->at_ms));
    memmove(r->tokens, r->tokens + drop, (r->n - drop) * sizeof(*r->tokens));
    r->n -= drop;
}

long llm_rate_wait(struct llm_rate *r, int64_t now_ms, long rpm, long tpm,
                   long est)
{
    long used = 0;
    size_t i, first = 0;

    rate_expire(r, now_ms);
    if (rpm > 0 && r->n >= (size_t)rpm)
        return (long)(r->at_ms[r->n - (size_t)rpm] + 60000 - now_ms);
    if (tpm <= 0)
        return 0;
    for (i = 0; i < r->n; i++)
        used += r->tokens[i];
    /* A request larger than the whole budget waits for an empty window. */
    while (first < r->n && used + est > tpm)
        used -= r->tokens[first++];
    if (first == 0)
        return 0;
    return (long)(r->at_ms[first - 1] + 60000 - now_ms);
}

enum csmap_rc llm_rate_note(struct llm_rate *r, int64_t now_ms, long est)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        int64_t *at = mem_realloc(r->at_ms, cap * sizeof(*at));
        long *tok;

        if (!at)
            return CS_NOMEM;
        r->at_ms = at;
        tok = mem_realloc(r->tokens, cap * sizeof(*tok));
        if (!tok)
            return CS_NOMEM;
        r->tokens = tok;
        r->cap = cap;
    }
    r->at_ms[r->n] = now_ms;
    r->tokens[r->n++] = est;
    return CS_OK;
}

void llm_rate_release(struct llm_rate *r)
{
    mem_free(r->at_ms);
    mem_free(r->tokens);
    memset(r, 0, sizeof(*r));
}
