/* The LLM layer: providers, the concurrent transport, fixtures (DESIGN 8). */
#ifndef CSMAP_LLM_H
#define CSMAP_LLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmap/rc.h"

struct config;
struct llm_client;

/*
 * How a caller generates artifacts:
 *
 *   llm_client_new(cfg, &opts, &client);
 *   for each subject:
 *       llm_request_init(&req, client);
 *       set req.messages, req.artifact, req.subject ...
 *       llm_request_key(&req, key);
 *       if cache_get(store, key, &entry) hits: use it, no request
 *       else llm_submit(client, &req, on_done, ctx);
 *   llm_run(client);          on_done runs once per request, as soon as
 *                             its answer arrives: commit it with cache_put
 *   llm_client_free(client);
 *
 * Failures are mapped to a csmap_rc:
 *   CS_UNAVAILABLE  401/403 (invalid key), 404 (unknown model), a server
 *                   that cannot be reached after every retry, a TLS error,
 *                   a fixture miss: exit 69, retrying will not help
 *   CS_TEMP         429, 408, 409, 5xx, timeouts, resets and answers cut
 *                   short, still failing after every retry, and streams
 *                   cut after text was shown (never retried): exit 75
 *   CS_DATA         a 200 whose body is malformed, truncated JSON, or an
 *                   error object: never cached
 *   CS_TOOBIG       an answer over LLM_MAX_RESPONSE bytes
 *   CS_ERR          400 and other refusals (the server's message is kept)
 *   CS_CONFIG       a key file readable by group or others, no key where
 *                   the provider needs one, an unknown provider
 */

#define LLM_MAX_RESPONSE ((size_t)8 << 20)

/* One chat message; role is "system", "user" or "assistant". */
struct llm_message {
    const char *role;
    const char *content;
};

/*
 * A request.  Every pointer is borrowed: it must stay valid until
 * llm_submit() returns (the transport copies what it keeps).
 * llm_request_init() fills provider, base_url, model, temperature and
 * max_tokens from the client; the caller sets the rest.
 */
struct llm_request {
    const char *provider; /* openai, anthropic, fixture */
    const char *base_url;
    const char *model;
    double temperature;
    int max_tokens;
    const struct llm_message *messages;
    size_t n_messages;
    /* For JSON artifacts: the JSON Schema as text, and its name (letters,
     * digits, _ and -); NULL for markdown artifacts. */
    const char *json_schema;
    const char *schema_name;

    /* What the answer is for: used by fixtures, records and messages. */
    const char *artifact;
    const char *scope; /* "account" or "segment" */
    const char *subject;
    int32_t as_of; /* day number */
    const char *prompt_name;
    const char *prompt_version;

    /* Streaming: when set, text deltas are passed to on_delta as they
     * arrive (for one artifact printed to a terminal). */
    void (*on_delta)(void *ctx, const char *text, size_t len);
    void *delta_ctx;
};

/*
 * An answer or a failure.  The response and its strings belong to the
 * transport and live until the done callback returns; a callback that
 * keeps text sets resp->text to NULL and frees it later with mem_free().
 */
struct llm_response {
    enum csmap_rc rc;    /* CS_OK, or why it failed (see above) */
    char *text;          /* the answer, NULL on failure */
    char *error;         /* the failure, already reported; NULL on success */
    char *finish_reason; /* "stop", "end_turn", "length" ... or NULL */
    long input_tokens;
    long output_tokens;
    long latency_ms;  /* of the attempt that answered */
    long http_status; /* 0 when no HTTP answer came (or a fixture) */
    int retries;
    bool from_fixture;
};

/* Called once per submitted request with the request's metadata, copied
 * at submit time; a string the request left NULL is NULL here too. */
struct llm_done_info {
    char key[65]; /* llm_request_key() of the request */
    const char *artifact;
    const char *scope;
    const char *subject;
    int32_t as_of;
    const char *prompt_name;
    const char *prompt_version;
    const char *provider;
    const char *model;
};
typedef void llm_done_fn(void *ctx, const struct llm_done_info *info,
                         struct llm_response *resp);

/* Overrides of the configuration; zero or NULL keeps the configured one. */
struct llm_options {
    const char *provider; /* --provider */
    const char *model;    /* --model */
    const char *base_url;
    int jobs;                 /* --jobs */
    const char *record_dir;   /* --record DIR: write fixtures of answers */
    const char *fixtures_dir; /* where the fixture provider reads */
    long timeout_ms;          /* total time of one attempt */
    long connect_timeout_ms;
    int max_retries;      /* -1 keeps the configured count */
    long backoff_base_ms; /* first backoff (500 ms) */
    long backoff_cap_ms;  /* longest backoff (8 s) */
    bool no_key;          /* nothing will be sent (--dry-run): no key */
};
#define LLM_OPTIONS_INIT                                                       \
    {                                                                          \
        .max_retries = -1                                                      \
    }

/*
 * Create a client from the "llm" section of cfg and opts (either may name
 * every setting; opts wins).  Reads the API key from the environment
 * variable llm.api_key_env or from llm.api_key_file, which must not be
 * readable by group or others.  Reports and returns CS_CONFIG on a bad
 * setting.  Free with llm_client_free().
 */
enum csmap_rc llm_client_new(const struct config *cfg,
                             const struct llm_options *opts,
                             struct llm_client **out);
void llm_client_free(struct llm_client *client);

/* The provider, model and base URL the client talks to. */
const char *llm_client_provider(const struct llm_client *client);
const char *llm_client_model(const struct llm_client *client);
const char *llm_client_base_url(const struct llm_client *client);

/* Zero req and fill its endpoint and parameters from the client. */
void llm_request_init(struct llm_request *req, const struct llm_client *client);

/*
 * The cache key of req: SHA-256 hex of the provider, base URL, model,
 * temperature, max_tokens, schema and every message, each field length-
 * prefixed so that no two requests share a key by running fields together.
 */
enum csmap_rc llm_request_key(const struct llm_request *req, char out[65]);

/*
 * The fixture key of req: as llm_request_key() without the provider and
 * base URL, so an answer recorded from one server replays with the
 * fixture provider.
 */
enum csmap_rc llm_fixture_key(const struct llm_request *req, char out[65]);

/*
 * Queue req.  done(ctx, ...) is called from llm_run() when it finishes.
 * Returns CS_NOMEM (or CS_USAGE for a request without messages) without
 * calling done.
 */
enum csmap_rc llm_submit(struct llm_client *client,
                         const struct llm_request *req, llm_done_fn *done,
                         void *ctx);

/*
 * Run every queued request, up to jobs at once within the rate limits,
 * calling each done callback as its answer arrives.  Returns CS_OK when
 * all succeeded, else the rc of the first failure (each failure has been
 * reported and passed to its callback).
 */
enum csmap_rc llm_run(struct llm_client *client);

/*
 * Move the queued requests on without waiting: start what may start,
 * read what has arrived, and call the callbacks of finished ones.  For
 * work that still queues requests, so that they need not wait for all of
 * it.  Does nothing for the fixture provider.  llm_run() finishes the
 * rest.
 */
void llm_pump(struct llm_client *client);

/* Test hook: seed of the backoff jitter (default: time and pid). */
void llm_client_seed(struct llm_client *client, uint64_t seed);

#endif
