/* Internals shared by the LLM layer's files (and its unit tests). */
#ifndef CSMAP_LLM_INT_H
#define CSMAP_LLM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmap/buf.h"
#include "csmap/llm.h"

struct curl_slist;

/*
 * A server-sent events parser.  Bytes go in with sse_feed() in pieces of
 * any size; each complete event (ended by a blank line) is passed to
 * on_event with its "event:" name ("" when none) and its "data:" lines
 * joined by newlines.  on_event returns CS_OK to go on.
 */
struct sse_parser {
    struct buf line;
    struct buf data;
    char event[64];
    bool has_data;
    enum csmap_rc (*on_event)(void *ctx, const char *event, const char *data);
    void *ctx;
};

void sse_init(struct sse_parser *p,
              enum csmap_rc (*on_event)(void *, const char *, const char *),
              void *ctx);
enum csmap_rc sse_feed(struct sse_parser *p, const char *bytes, size_t n);
/* True when part of an event is buffered (a stream cut mid-event). */
bool sse_partial(const struct sse_parser *p);
void sse_release(struct sse_parser *p);

/* What a streamed answer has gathered so far. */
struct llm_stream {
    struct sse_parser sse;
    struct buf text;
    long input_tokens;
    long output_tokens;
    char *finish_reason;
    bool done;      /* the end marker arrived */
    bool delivered; /* a delta went to the caller: no retry */
    char *error;    /* an error event, owned */
    void (*on_delta)(void *ctx, const char *text, size_t len);
    void *delta_ctx;
};

/* A provider speaks one HTTP API. */
struct llm_provider {
    const char *name;
    const char *default_base_url;
    const char *default_key_env;
    bool key_required;
    const char *path; /* appended to the base URL */
    /* The JSON body of req. */
    enum csmap_rc (*body)(const struct llm_request *req, bool stream,
                          struct buf *out);
    /* Add the provider's headers; key may be NULL. */
    enum csmap_rc (*headers)(const char *key, struct curl_slist **list);
    /* Parse a 2xx body into resp; on failure a message goes to err. */
    enum csmap_rc (*parse)(const char *body, size_t len,
                           struct llm_response *resp, struct buf *err);
    /* The message of an error body, or NULL; the caller frees it. */
    char *(*error_message)(const char *body, size_t len);
    /* One server-sent event of a streamed answer. */
    enum csmap_rc (*sse_event)(struct llm_stream *st, const char *event,
                               const char *data);
};

extern const struct llm_provider llm_openai;
extern const struct llm_provider llm_anthropic;

/* The provider named name, or NULL (fixture has none: no HTTP). */
const struct llm_provider *llm_provider_find(const char *name);

/* Add a header line to *list; CS_NOMEM on failure. */
enum csmap_rc llm_header_add(struct curl_slist **list, const char *line);

/* Pass a delta to the caller and keep it in st->text. */
enum csmap_rc llm_stream_delta(struct llm_stream *st, const char *text,
                               size_t len);

/*
 * Retry-After: seconds or an HTTP date, relative to now_s; -1 when the
 * value is neither.  Milliseconds, capped at LLM_RETRY_AFTER_MAX_MS.
 */
#define LLM_RETRY_AFTER_MAX_MS 120000L
long llm_parse_retry_after(const char *value, int64_t now_s);

/* The backoff before retry number attempt (1-based): full jitter over
 * min(cap, base * 2^(attempt-1)).  rng is the jitter state. */
long llm_backoff_ms(int attempt, long base_ms, long cap_ms, uint64_t *rng);

/* The host of url, without user info or port, into out. */
void llm_url_host(const char *url, char *out, size_t size);

/* Replace every copy of secret in s by "[redacted]" (in place, shrinks). */
void llm_scrub(char *s, const char *secret);

/* Sliding one-minute window of requests and tokens for rate limits. */
struct llm_rate {
    int64_t *at_ms;
    long *tokens;
    size_t n, cap;
};
/* 0 when a request of est tokens may start at now_ms; else the wait. */
long llm_rate_wait(struct llm_rate *r, int64_t now_ms, long rpm, long tpm,
                   long est);
enum csmap_rc llm_rate_note(struct llm_rate *r, int64_t now_ms, long est);
void llm_rate_release(struct llm_rate *r);

/* Fixture provider: the answer from dir for the request described by
 * info, fkey and json, or a miss (CS_UNAVAILABLE, message in resp). */
enum csmap_rc llm_fixture_answer(const char *dir,
                                 const struct llm_done_info *info,
                                 const char *fkey, bool json,
                                 struct llm_response *resp);

/* Write resp to dir in the fixture layout (see fixture.c); fkey is the
 * request's llm_fixture_key(), json whether it asked for JSON. */
enum csmap_rc llm_fixture_record(const char *dir,
                                 const struct llm_done_info *info,
                                 const char *fkey, bool json,
                                 const struct llm_response *resp);

/* A file-name-safe copy of s: [A-Za-z0-9._-] kept, the rest '_'. */
char *llm_safe_name(const char *s);

#endif
