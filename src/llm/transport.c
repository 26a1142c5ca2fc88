/* The transport: one curl multi handle, rate limits, retries, callbacks. */
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csmap/config.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "llm_int.h"

#define JOBS_MAX 256
#define KEY_FILE_MAX 4096

/* One request, from submit to its callback, across its attempts. */
struct llm_job {
    struct llm_job *next;
    struct llm_client *client;
    CURL *easy;
    struct curl_slist *headers;
    struct buf body;
    struct buf resp;
    enum csmap_rc body_rc; /* CS_TOOBIG or CS_NOMEM while receiving */
    bool stream;
    struct llm_stream st;
    enum csmap_rc stream_rc;
    long retry_after_ms;
    int attempts;
    int64_t not_before_ms;
    int64_t started_ms;
    long est_tokens;
    long est_input; /* the prompt alone, for answers without counts */
    bool json;
    char fkey[65];
    struct llm_done_info info;
    char *owned[6];
    llm_done_fn *done;
    void *ctx;
    char errbuf[CURL_ERROR_SIZE];
};

struct llm_client {
    const struct llm_provider *prov; /* NULL: the fixture provider */
    char *provider;
    char *base_url;
    char *model;
    char *url;
    char *key;
    char *fixtures_dir;
    char *record_dir;
    char host[256];
    int jobs;
    int max_retries;
    long timeout_ms;
    long connect_timeout_ms;
    long backoff_base_ms;
    long backoff_cap_ms;
    long rpm;
    long tpm;
    double temperature;
    int max_tokens;
    CURLM *multi;
    struct llm_job *queue;
    struct llm_job *queue_tail;
    size_t active;
    struct llm_rate rate;
    uint64_t rng;
    enum csmap_rc first_rc;
};

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the client ---- */

static enum csmap_rc read_key_file(const char *path, char **out)
{
    struct stat sb;
    char text[KEY_FILE_MAX];
    size_t n;
    FILE *f;

    if (stat(path, &sb) != 0) {
        log_error("cannot read the API key file '%s': %s", path,
                  strerror(errno));
        return CS_CONFIG;
    }
    if (sb.st_mode & 077) {
        log_error("the API key file '%s' is readable by group or others; "
                  "make it private with 'chmod 600 %s'",
                  path, path);
        return CS_CONFIG;
    }
    if (!(f = fopen(path, "r"))) {
        log_error("cannot read the API key file '%s': %s", path,
                  strerror(errno));
        return CS_CONFIG;
    }
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
                 text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    text[n] = '\0';
    *out = n ? mem_strdup(text) : NULL;
    memset(text, 0, sizeof(text));
    return n && !*out ? CS_NOMEM : CS_OK;
}

/* The key from the file or the variable the configuration names; a
 * provider chosen on the command line uses its own default variable. */
static enum csmap_rc load_key(struct llm_client *c, const struct config *cfg,
                              bool overridden)
{
    const char *env = NULL;
    const char *val;
    enum csmap_rc rc;

    if (cfg && cfg->llm.api_key_file && !overridden) {
        if ((rc = read_key_file(cfg->llm.api_key_file, &c->key)))
            return rc;
    } else {
        env = cfg && !overridden ? cfg->llm.api_key_env : NULL;
        if (!env)
            env = c->prov->default_key_env;
        val = getenv(env);
        if (val && *val && !(c->key = mem_strdup(val)))
            return CS_NOMEM;
    }
    if (!c->key && c->prov->key_required) {
        log_error("no API key for provider '%s': set the environment "
                  "variable %s or llm.api_key_file in csmap.json",
                  c->provider, env ? env : "named by llm.api_key_env");
        return CS_UNAVAILABLE;
    }
    return CS_OK;
}

static long pick_long(long opt, long cfg, long dflt)
{
    return opt > 0 ? opt : cfg > 0 ? cfg : dflt;
}

static enum csmap_rc set_string(char **dst, const char *a, const char *b,
                                const char *c)
{
    const char *v = a ? a : b ? b : c;

    if (!v)
        return CS_OK;
    *dst = mem_strdup(v);
    return *dst ? CS_OK : CS_NOMEM;
}

static enum csmap_rc client_settings(struct llm_client *c,
                                     const struct config *cfg,
                                     const struct llm_options *o)
{
    const char *cfg_provider = cfg ? cfg->llm.provider : NULL;
    bool overridden =
        o->provider && cfg_provider && strcmp(o->provider, cfg_provider) != 0;
    const char *dflt_url;
    enum csmap_rc rc;

    if ((rc = set_string(&c->provider, o->provider, cfg_provider, "openai")))
        return rc;
    if (strcmp(c->provider, "fixture") != 0 &&
        !(c->prov = llm_provider_find(c->provider))) {
        log_error("unknown LLM provider '%s' (expected openai, anthropic "
                  "or fixture)",
                  c->provider);
        return CS_CONFIG;
    }
    dflt_url = c->prov ? c->prov->default_base_url : "";
    if ((rc = set_string(&c->base_url, o->base_url,
                         overridden || !cfg ? NULL : cfg->llm.base_url,
                         dflt_url)) ||
        (rc = set_string(&c->model, o->model, cfg ? cfg->llm.model : NULL,
                         "gpt-4o-mini")) ||
        (rc = set_string(&c->fixtures_dir, o->fixtures_dir,
                         cfg ? cfg->llm.fixtures_dir : NULL, "fixtures/llm")) ||
        (rc = set_string(&c->record_dir, o->record_dir, NULL, NULL)))
        return rc;
    c->jobs = (int)pick_long(o->jobs, cfg ? cfg->llm.jobs : 0, 4);
    if (c->jobs > JOBS_MAX)
        c->jobs = JOBS_MAX;
    c->max_retries = o->max_retries >= 0 ? o->max_retries
                     : cfg               ? cfg->llm.max_retries
                                         : 4;
    c->timeout_ms =
        pick_long(o->timeout_ms, cfg ? cfg->llm.timeout_s * 1000L : 0, 120000);
    c->connect_timeout_ms =
        pick_long(o->connect_timeout_ms,
                  cfg ? cfg->llm.connect_timeout_s * 1000L : 0, 10000);
    c->backoff_base_ms = pick_long(o->backoff_base_ms, 0, 500);
    c->backoff_cap_ms = pick_long(o->backoff_cap_ms, 0, 8000);
    c->rpm = cfg ? cfg->llm.requests_per_minute : 0;
    c->tpm = cfg ? cfg->llm.tokens_per_minute : 0;
    c->temperature = cfg ? cfg->llm.temperature : 0.0;
    c->max_tokens = cfg && cfg->llm.max_tokens > 0 ? cfg->llm.max_tokens : 2048;
    c->rng = (uint64_t)time(NULL) * 6364136223846793005ULL ^ (uint64_t)getpid();
    return c->prov && !o->no_key ? load_key(c, cfg, overridden) : CS_OK;
}

static enum csmap_rc client_transport(struct llm_client *c)
{
    static bool curl_ready;
    struct buf url = BUF_INIT;
    size_t n = strlen(c->base_url);
    enum csmap_rc rc;

    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            log_error("cannot initialise libcurl");
            return CS_ERR;
        }
        curl_ready = true;
    }
    while (n && c->base_url[n - 1] == '/')
        n--;
    if ((rc = buf_add(&url, c->base_url, n)) ||
        (rc = buf_adds(&url, c->prov->path)))
        return rc;
    c->url = buf_detach(&url);
    llm_url_host(c->base_url, c->host, sizeof(c->host));
    if (!(c->multi = curl_multi_init()))
        return CS_NOMEM;
    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->jobs);
    return CS_OK;
}

enum csmap_rc llm_client_new(const struct config *cfg,
                             const struct llm_options *opts,
                             struct llm_client **out)
{
    struct llm_options none = LLM_OPTIONS_INIT;
    struct llm_client *c = mem_calloc(1, sizeof(*c));
    enum csmap_rc rc = CS_NOMEM;

    *out = NULL;
    if (!c)
        goto out;
    if ((rc = client_settings(c, cfg, opts ? opts : &none)))
        goto out;
    if (!c->prov && c->record_dir) {
        log_error("--record needs a real provider: the fixture provider "
                  "only replays (add --provider openai or anthropic)");
        rc = CS_USAGE;
        goto out;
    }
    if (c->prov && (rc = client_transport(c)))
        goto out;
    *out = c;
    return CS_OK;

out:
    if (rc == CS_NOMEM)
        log_error("out of memory");
    llm_client_free(c);
    return rc;
}

const char *llm_client_provider(const struct llm_client *client)
{
    return client->provider;
}

const char *llm_client_model(const struct llm_client *client)
{
    return client->model;
}

const char *llm_client_base_url(const struct llm_client *client)
{
    return client->base_url;
}

void llm_client_seed(struct llm_client *client, uint64_t seed)
{
    client->rng = seed;
}

void llm_request_init(struct llm_request *req, const struct llm_client *client)
{
    memset(req, 0, sizeof(*req));
    req->provider = client->provider;
    req->base_url = client->prov ? client->base_url : "";
    req->model = client->model;
    req->temperature = client->temperature;
    req->max_tokens = client->max_tokens;
}

/* ---- jobs ---- */

static void response_release(struct llm_response *r)
{
    mem_free(r->text);
    mem_free(r->error);
    mem_free(r->finish_reason);
    memset(r, 0, sizeof(*r));
}

static void stream_reset(struct llm_job *j)
{
    sse_release(&j->st.sse);
    buf_release(&j->st.text);
    mem_free(j->st.finish_reason);
    mem_free(j->st.error);
    memset(&j->st, 0, sizeof(j->st));
}

static void attempt_release(struct llm_job *j)
{
    if (j->easy) {
        curl_multi_remove_handle(j->client->multi, j->easy);
        curl_easy_cleanup(j->easy);
        j->easy = NULL;
    }
    buf_release(&j->resp);
    j->body_rc = CS_OK;
}

static void job_free(struct llm_job *j)
{
    size_t i;

    if (!j)
        return;
    attempt_release(j);
    curl_slist_free_all(j->headers);
    buf_release(&j->body);
    stream_reset(j);
    for (i = 0; i < sizeof(j->owned) / sizeof(j->owned[0]); i++)
        mem_free(j->owned[i]);
    mem_free(j);
}

static const char *own(struct llm_job *j, int slot, const char *s)
{
    if (!s)
        return NULL;
    j->owned[slot] = mem_strdup(s);
    return j->owned[slot];
}

/* Copy what the callback, the fixture layout and a record need. */
static enum csmap_rc job_metadata(struct llm_job *j,
                                  const struct llm_request *req)
{
    const char *src[6] = {req->artifact,    req->scope,          req->subject,
                          req->prompt_name, req->prompt_version, req->model};
    const char **dst[6] = {&j->info.artifact,       &j->info.scope,
                           &j->info.subject,        &j->info.prompt_name,
                           &j->info.prompt_version, &j->info.model};
    enum csmap_rc rc;
    int i;

    for (i = 0; i < 6; i++) {
        *dst[i] = own(j, i, src[i]);
        if (src[i] && !*dst[i])
            return CS_NOMEM;
    }
    j->info.as_of = req->as_of;
    j->info.provider = j->client->provider;
    j->json = req->json_schema != NULL;
    if ((rc = llm_request_key(req, j->info.key)))
        return rc;
    return llm_fixture_key(req, j->fkey);
}

/* A quarter of the prompt's characters. */
static long estimate_input(const struct llm_request *req)
{
    size_t chars = 0, i;

    for (i = 0; i < req->n_messages; i++)
        chars += strlen(req->messages[i].content);
    return (long)(chars / 4);
}

static void enqueue(struct llm_client *c, struct llm_job *j)
{
    j->next = NULL;
    if (c->queue_tail)
        c->queue_tail->next = j;
    else
        c->queue = j;
    c->queue_tail = j;
}

enum csmap_rc llm_submit(struct llm_client *client,
                         const struct llm_request *req, llm_done_fn *done,
                         void *ctx)
{
    struct llm_job *j;
    enum csmap_rc rc = CS_NOMEM;

    if (!req->n_messages) {
        log_error("an LLM request needs at least one message");
        return CS_USAGE;
    }
    if (!(j = mem_calloc(1, sizeof(*j))))
        goto out;
    j->client = client;
    j->done = done;
    j->ctx = ctx;
    buf_init(&j->body, LLM_MAX_RESPONSE);
    if ((rc = job_metadata(j, req)))
        goto out;
    j->est_input = estimate_input(req);
    j->est_tokens = j->est_input + (req->max_tokens > 0 ? req->max_tokens : 0);
    j->stream = req->on_delta != NULL;
    j->st.on_delta = req->on_delta;
    j->st.delta_ctx = req->delta_ctx;
    if (client->prov) {
        if ((rc = client->prov->body(req, j->stream, &j->body)) ||
            (rc = client->prov->headers(client->key, &j->headers)))
            goto out;
        if (j->stream &&
            (rc = llm_header_add(&j->headers, "Accept: text/event-stream")))
            goto out;
    }
    enqueue(client, j);
    return CS_OK;

out:
    if (rc == CS_DATA)
        log_error("the JSON schema of '%s' is not valid JSON",
                  req->artifact ? req->artifact : "the request");
    else
        log_error("out of memory");
    job_free(j);
    return rc;
}

/* ---- one attempt ---- */

static enum csmap_rc on_sse_event(void *ctx, const char *event,
                                  const char *data)
{
    struct llm_job *j = ctx;

    return j->client->prov->sse_event(&j->st, event, data);
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct llm_job *j = ctx;
    long status = 0;

    n *= size;
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
    if (j->stream && status >= 200 && status < 300) {
        enum csmap_rc rc = sse_feed(&j->st.sse, p, n);

        if (rc == CS_NOMEM || rc == CS_TOOBIG)
            j->body_rc = rc;
        else
            j->stream_rc = rc;
        return rc ? 0 : n;
    }
    if ((j->body_rc = buf_add(&j->resp, p, n)))
        return 0;
    return n;
}

static bool header_is(const char *line, size_t n, const char *name)
{
    size_t len = strlen(name);

    return n > len && line[len] == ':' && !strncasecmp(line, name, len);
}

/* Only Retry-After is read; no header is ever logged. */
static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    struct llm_job *j = ctx;
    char value[128];
    size_t len = size * n, skip;
    long ms;

    if (len > 5 && !strncmp(p, "HTTP/", 5)) {
        j->retry_after_ms = -1;
        return len;
    }
    if (header_is(p, len, "retry-after-ms"))
        skip = sizeof("retry-after-ms");
    else if (header_is(p, len, "retry-after"))
        skip = sizeof("retry-after");
    else
        return len;
    if (len - skip >= sizeof(value))
        return len;
    memcpy(value, p + skip, len - skip);
    value[len - skip] = '\0';
    if (skip == sizeof("retry-after-ms")) {
        ms = strtol(value, NULL, 10);
        if (ms >= 0)
            j->retry_after_ms =
                ms < LLM_RETRY_AFTER_MAX_MS ? ms : LLM_RETRY_AFTER_MAX_MS;
    } else if (j->retry_after_ms < 0) {
        j->retry_after_ms = llm_parse_retry_after(value, time(NULL));
    }
    return len;
}

static enum csmap_rc attempt_start(struct llm_job *j, int64_t now)
{
    struct llm_client *c = j->client;
    CURL *e;

    buf_init(&j->resp, LLM_MAX_RESPONSE);
    if (j->stream) {
        void (*on_delta)(void *, const char *, size_t) = j->st.on_delta;
        void *delta_ctx = j->st.delta_ctx;

        stream_reset(j);
        j->st.on_delta = on_delta;
        j->st.delta_ctx = delta_ctx;
        sse_init(&j->st.sse, on_sse_event, j);
        buf_init(&j->st.text, LLM_MAX_RESPONSE);
    }
    if (!(e = j->easy = curl_easy_init()))
        return CS_NOMEM;
    j->errbuf[0] = '\0';
    j->retry_after_ms = -1;
    j->stream_rc = CS_OK;
    curl_easy_setopt(e, CURLOPT_URL, c->url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, buf_str(&j->body));
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->body.len);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "csmap/" CSMAP_VERSION);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
                     (curl_off_t)LLM_MAX_RESPONSE);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
    curl_easy_setopt(e, CURLOPT_PRIVATE, j);
    /* Counted as active only once nothing more can fail. */
    if (llm_rate_note(&c->rate, now, j->est_tokens))
        return CS_NOMEM;
    if (curl_multi_add_handle(c->multi, e) != CURLM_OK)
        return CS_ERR;
    j->attempts++;
    j->started_ms = now;
    c->active++;
    return CS_OK;
}

/* ---- the outcome of an attempt ---- */

enum verdict { V_DONE, V_RETRY, V_FAIL };

struct outcome {
    enum verdict verdict;
    enum csmap_rc rc; /* when failing, now or after the last retry */
    struct buf msg;
};

static void say(struct outcome *o, enum verdict v, enum csmap_rc rc,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void say(struct outcome *o, enum verdict v, enum csmap_rc rc,
                const char *fmt, ...)
{
    va_list ap;

    o->verdict = v;
    o->rc = rc;
    buf_reset(&o->msg);
    va_start(ap, fmt);
    buf_vprintf(&o->msg, fmt, ap);
    va_end(ap);
}

static const char *curl_reason(const struct llm_job *j, CURLcode cc)
{
    return j->errbuf[0] ? j->errbuf : curl_easy_strerror(cc);
}

/* A transfer that ended without a whole HTTP answer. */
static void judge_curl(struct llm_job *j, CURLcode cc, struct outcome *o)
{
    const struct llm_client *c = j->client;
    enum verdict again = j->stream && j->st.delivered ? V_FAIL : V_RETRY;

    if (j->body_rc == CS_NOMEM) {
        say(o, V_FAIL, CS_NOMEM, "out of memory");
    } else if (j->body_rc == CS_TOOBIG || cc == CURLE_FILESIZE_EXCEEDED) {
        say(o, V_FAIL, CS_TOOBIG,
            "the answer from provider '%s' is larger than %zu MB", c->provider,
            LLM_MAX_RESPONSE >> 20);
    } else if (j->stream_rc) {
        say(o, V_FAIL, CS_DATA, "provider '%s' sent a bad stream%s%s",
            c->provider, j->st.error ? ": " : " event",
            j->st.error ? j->st.error : "");
    } else if (cc == CURLE_COULDNT_CONNECT ||
               cc == CURLE_COULDNT_RESOLVE_HOST) {
        say(o, V_RETRY, CS_UNAVAILABLE,
            "cannot reach provider '%s' at '%s': %s", c->provider, c->host,
            curl_reason(j, cc));
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        say(o, again, CS_TEMP, "provider '%s' did not answer within %ld ms",
            c->provider, c->timeout_ms);
    } else if (cc == CURLE_PARTIAL_FILE) {
        say(o, again, CS_TEMP, "the answer from provider '%s' was cut short",
            c->provider);
    } else if (cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
               cc == CURLE_GOT_NOTHING) {
        say(o, again, CS_TEMP, "the connection to provider '%s' failed: %s",
            c->provider, curl_reason(j, cc));
    } else if (cc == CURLE_PEER_FAILED_VERIFICATION ||
               cc == CURLE_SSL_CONNECT_ERROR ||
               cc == CURLE_SSL_CACERT_BADFILE) {
        say(o, V_FAIL, CS_UNAVAILABLE,
            "cannot talk securely to provider '%s' at '%s': %s", c->provider,
            c->host, curl_reason(j, cc));
    } else {
        say(o, V_FAIL, CS_ERR, "the request to provider '%s' failed: %s",
            c->provider, curl_reason(j, cc));
    }
}

static char *server_message(const struct llm_job *j)
{
    const struct llm_client *c = j->client;
    char *m = c->prov->error_message(buf_str(&j->resp), j->resp.len);

    if (m)
        llm_scrub(m, c->key);
    return m;
}

/* An HTTP answer that is not a success. */
static void judge_status(struct llm_job *j, long status, struct outcome *o)
{
    const struct llm_client *c = j->client;
    char *m = server_message(j);
    const char *sep = m ? ": " : "";
    const char *text = m ? m : "";

    if (status == 401 || status == 403) {
        say(o, V_FAIL, CS_UNAVAILABLE,
            "invalid API key for provider '%s' (HTTP %ld)", c->provider,
            status);
    } else if (status == 404) {
        say(o, V_FAIL, CS_UNAVAILABLE,
            "model '%s' not found at provider '%s' (HTTP 404 from '%s')",
            c->model, c->provider, c->host);
    } else if (status == 429) {
        say(o, V_RETRY, CS_TEMP,
            "provider '%s' is rate limiting (HTTP 429)%s%s", c->provider, sep,
            text);
    } else if (status == 408 || status == 409 || status >= 500) {
        say(o, V_RETRY, CS_TEMP, "provider '%s' failed (HTTP %ld)%s%s",
            c->provider, status, sep, text);
    } else {
        say(o, V_FAIL, CS_ERR,
            "provider '%s' refused the request (HTTP %ld)%s%s", c->provider,
            status, sep, text);
    }
    mem_free(m);
}

/* A 2xx: the answer, or why it cannot be used. */
static void judge_answer(struct llm_job *j, struct llm_response *resp,
                         struct outcome *o)
{
    const struct llm_client *c = j->client;
    struct buf err = BUF_INIT;
    enum csmap_rc rc;

    if (!j->stream) {
        if ((rc = c->prov->parse(buf_str(&j->resp), j->resp.len, resp, &err))) {
            llm_scrub(err.data ? err.data : NULL, c->key);
            say(o, V_FAIL, rc, "provider '%s' sent an unusable answer: %s",
                c->provider, err.data ? buf_str(&err) : rc_str(rc));
        } else {
            o->verdict = V_DONE;
        }
        buf_release(&err);
        return;
    }
    if (!j->st.done) {
        say(o, j->st.delivered ? V_FAIL : V_RETRY, CS_TEMP,
            "the stream from provider '%s' ended before its end marker",
            c->provider);
        return;
    }
    resp->text = buf_detach(&j->st.text);
    if (!resp->text && !(resp->text = mem_strdup(""))) {
        say(o, V_FAIL, CS_NOMEM, "out of memory");
        return;
    }
    resp->input_tokens = j->st.input_tokens;
    resp->output_tokens = j->st.output_tokens;
    resp->finish_reason = j->st.finish_reason;
    j->st.finish_reason = NULL;
    o->verdict = V_DONE;
}

static void judge(struct llm_job *j, CURLcode cc, long status,
                  struct llm_response *resp, struct outcome *o)
{
    if (cc != CURLE_OK)
        judge_curl(j, cc, o);
    else if (status < 200 || status >= 300)
        judge_status(j, status, o);
    else
        judge_answer(j, resp, o);
    if (o->verdict == V_RETRY && j->attempts > j->client->max_retries)
        o->verdict = V_FAIL;
}

/* ---- delivering ---- */

static void deliver(struct llm_job *j, struct llm_response *resp)
{
    struct llm_client *c = j->client;

    if (resp->rc && !c->first_rc)
        c->first_rc = resp->rc;
    if (!resp->rc && c->record_dir && c->prov &&
        llm_fixture_record(c->record_dir, &j->info, j->fkey, j->json, resp))
        log_warn("the answer for '%s' was not recorded",
                 j->info.subject ? j->info.subject : "");
    if (j->done)
        j->done(j->ctx, &j->info, resp);
    response_release(resp);
    job_free(j);
}

static void fail(struct llm_job *j, struct llm_response *resp,
                 struct outcome *o)
{
    const char *what = j->info.artifact;

    if (o->msg.data)
        llm_scrub(o->msg.data, j->client->key);
    if (j->attempts > 1 && (o->rc == CS_TEMP || o->rc == CS_UNAVAILABLE))
        buf_printf(&o->msg, " after %d retries", j->attempts - 1);
    if (what && j->info.subject)
        log_error("%s for '%s': %s", what, j->info.subject, buf_str(&o->msg));
    else
        log_error("%s", buf_str(&o->msg));
    resp->rc = o->rc ? o->rc : CS_ERR;
    mem_free(resp->text);
    resp->text = NULL;
    resp->error = buf_detach(&o->msg);
}

static void log_attempt(const struct llm_job *j, long status, CURLcode cc,
                        long ms)
{
    const struct llm_client *c = j->client;

    if (log_get_level() < LOG_DEBUG)
        return;
    if (cc == CURLE_OK)
        log_debug("POST %s: HTTP %ld in %ld ms, %d retries", c->host, status,
                  ms, j->attempts - 1);
    else
        log_debug("POST %s: %s in %ld ms, %d retries", c->host,
                  curl_easy_strerror(cc), ms, j->attempts - 1);
}

static void schedule_retry(struct llm_job *j, struct outcome *o, int64_t now)
{
    struct llm_client *c = j->client;
    long wait = j->retry_after_ms >= 0
                    ? j->retry_after_ms
                    : llm_backoff_ms(j->attempts, c->backoff_base_ms,
                                     c->backoff_cap_ms, &c->rng);

    /* A long wait is said even without -v, so a quiet run is not taken
     * for a hung one. */
    if (wait >= 10000)
        log_note("%s; waiting %ld s before retry %d of %d", buf_str(&o->msg),
                 wait / 1000, j->attempts, c->max_retries);
    else
        log_info("%s; retry %d of %d in %ld ms", buf_str(&o->msg), j->attempts,
                 c->max_retries, wait);
    attempt_release(j);
    j->not_before_ms = now + wait;
    enqueue(c, j);
}

static void finished(struct llm_job *j, CURLcode cc)
{
    struct llm_response resp = {0};
    struct outcome o = {V_FAIL, CS_ERR, BUF_INIT};
    int64_t now = now_ms();
    long status = 0;

    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
    resp.latency_ms = (long)(now - j->started_ms);
    resp.http_status = status;
    resp.retries = j->attempts - 1;
    log_attempt(j, status, cc, resp.latency_ms);
    judge(j, cc, status, &resp, &o);
    if (o.verdict == V_RETRY) {
        response_release(&resp);
        schedule_retry(j, &o, now);
    } else {
        if (o.verdict == V_FAIL)
            fail(j, &resp, &o);
        deliver(j, &resp);
    }
    buf_release(&o.msg);
}

/* ---- the loop ---- */

static void unlink_job(struct llm_client *c, struct llm_job *prev,
                       struct llm_job *j)
{
    if (prev)
        prev->next = j->next;
    else
        c->queue = j->next;
    if (c->queue_tail == j)
        c->queue_tail = prev;
    j->next = NULL;
}

/* Start what may start now; returns how long until more might. */
static long start_ready(struct llm_client *c, int64_t now)
{
    struct llm_job *j = c->queue, *prev = NULL, *next;
    long wait = 1000;

    for (; j && c->active < (size_t)c->jobs; j = next) {
        long rate;

        next = j->next;
        if (j->not_before_ms > now) {
            if (j->not_before_ms - now < wait)
                wait = (long)(j->not_before_ms - now);
            prev = j;
            continue;
        }
        rate = llm_rate_wait(&c->rate, now, c->rpm, c->tpm, j->est_tokens);
        if (rate > 0)
            return rate < wait ? rate : wait;
        unlink_job(c, prev, j);
        if (attempt_start(j, now)) {
            struct llm_response resp = {0};
            struct outcome o = {V_FAIL, CS_NOMEM, BUF_INIT};

            buf_adds(&o.msg, "cannot start the request: out of memory");
            fail(j, &resp, &o);
            deliver(j, &resp);
            buf_release(&o.msg);
        }
    }
    return wait;
}

/*
 * Handle the attempts that have ended.  Their places are given to waiting
 * requests, which are sent, before the answers are handed to their
 * callbacks: a callback (checking and caching an answer) takes long
 * enough that a batch of answers arriving together would otherwise hold
 * back the next requests.
 */
static void drain(struct llm_client *c)
{
    struct {
        struct llm_job *j;
        CURLcode cc;
    } ended[64];
    CURLMsg *m;
    int left, running;

    do {
        size_t n = 0;

        while (n < sizeof(ended) / sizeof(ended[0]) &&
               (m = curl_multi_info_read(c->multi, &left))) {
            struct llm_job *j = NULL;

            if (m->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            if (!j)
                continue;
            c->active--;
            ended[n].j = j;
            ended[n].cc = m->data.result;
            n++;
        }
        if (n == 0)
            break;
        if (c->queue) {
            start_ready(c, now_ms());
            curl_multi_perform(c->multi, &running);
        }
        for (size_t i = 0; i < n; i++)
            finished(ended[i].j, ended[i].cc);
    } while (m);
}

static enum csmap_rc run_fixtures(struct llm_client *c)
{
    struct llm_job *j;

    while ((j = c->queue)) {
        struct llm_response resp = {0};

        unlink_job(c, NULL, j);
        resp.rc = llm_fixture_answer(c->fixtures_dir, &j->info, j->fkey,
                                     j->json, &resp);
        resp.from_fixture = true;
        /* An answer recorded without its counts is counted as sent. */
        if (!resp.rc && resp.input_tokens <= 0)
            resp.input_tokens = j->est_input;
        if (resp.rc && !resp.error)
            resp.error = mem_strdup(rc_str(resp.rc));
        if (!resp.rc && j->stream && j->st.on_delta)
            j->st.on_delta(j->st.delta_ctx, resp.text, strlen(resp.text));
        deliver(j, &resp);
    }
    return c->first_rc;
}

/* Start what may start, move the transfers on, and hand over what ended;
 * false when the transport itself failed. */
static bool advance(struct llm_client *c)
{
    int running = 0;

    start_ready(c, now_ms());
    if (curl_multi_perform(c->multi, &running) != CURLM_OK)
        return false;
    drain(c);
    return true;
}

void llm_pump(struct llm_client *c)
{
    if (c && c->prov && (c->queue || c->active))
        advance(c);
}

enum csmap_rc llm_run(struct llm_client *c)
{
    enum csmap_rc rc;

    c->first_rc = CS_OK;
    if (!c->prov)
        return run_fixtures(c);
    while (c->queue || c->active) {
        long wait;

        if (!advance(c)) {
            log_error("the HTTP transport failed");
            return CS_ERR;
        }
        if (!c->queue && !c->active)
            break;
        /* Retries scheduled by drain() shorten the wait. */
        wait = start_ready(c, now_ms());
        curl_multi_poll(c->multi, NULL, 0, (int)(wait > 0 ? wait : 1), NULL);
    }
    rc = c->first_rc;
    return rc;
}

void llm_client_free(struct llm_client *c)
{
    struct llm_job *j;

    if (!c)
        return;
    while ((j = c->queue)) {
        c->queue = j->next;
        job_free(j);
    }
    if (c->multi)
        curl_multi_cleanup(c->multi);
    if (c->key) {
        memset(c->key, 0, strlen(c->key));
        mem_free(c->key);
    }
    mem_free(c->provider);
    mem_free(c->base_url);
    mem_free(c->model);
    mem_free(c->url);
    mem_free(c->fixtures_dir);
    mem_free(c->record_dir);
    llm_rate_release(&c->rate);
    mem_free(c);
}
