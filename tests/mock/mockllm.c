/*
 * mockllm: a mock LLM server for csmap's tests and benchmarks.
 *
 * It speaks the OpenAI chat-completions API (POST .../chat/completions)
 * and the Anthropic Messages API (POST .../messages), streaming or not,
 * and answers with a text derived only from the request, so a run is
 * deterministic.  It prints its port on standard output, then serves
 * until SIGTERM, SIGINT or --max-seconds.
 *
 *   mockllm [--port N] [--mode MODE] [--fail-times N] [--delay-ms N]
 *           [--stall-ms N] [--retry-after V] [--retry-after-ms N]
 *           [--expect-key-env VAR] [--max-seconds N]
 *
 * MODE is ok (the default) or one failure, given for every request or,
 * with --fail-times N or the suffix -then-ok (N = 1), for the first N:
 *   429        HTTP 429 with Retry-After V (default 1) and, unless
 *              --retry-after-ms -1, retry-after-ms N (default 50)
 *   500, 503   a server error with an error object
 *   reset      the connection is closed without an answer
 *   stall      the answer waits --stall-ms (default 10000)
 *   truncated  a 200 whose body stops halfway (Content-Length says more)
 *   malformed  a 200 whose body is not JSON
 *   error200   a 200 whose body is an error object
 *   401        an error that echoes the key it was given (to check that
 *              the client never prints a server's echo of the key)
 *   400        a refusal whose message also echoes the key
 *   404        model not found
 *   big        a 200 of 9 MB
 *   sse-cut    a stream cut in the middle of an event
 *   careless   a 200 whose answer ignores the form asked for: no
 *              sections, and prose where JSON was asked
 * --delay-ms N delays every answer (benchmarks).
 *
 * GET /stats answers {"requests", "max_inflight", "auth_match",
 * "auth_mismatch", "auth_none", "anthropic_version_ok", "last_path",
 * "last_body"}.  The key a request carries is compared with $VAR
 * (--expect-key-env) and never printed or stored.
 */
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BODY_MAX ((size_t)4 << 20)

static const char *mode = "ok";
static long fail_times;
static long delay_ms;
static long stall_ms = 10000;
static const char *retry_after = "1";
static long retry_after_ms = 50;
static const char *expect_key;
static volatile sig_atomic_t stopping;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long requests, inflight, max_inflight;
static long auth_match, auth_mismatch, auth_none, version_ok;
static char *last_path, *last_body;

struct conn {
    char *body;
    size_t len;
    bool counted;
};

/* A body served in small pieces, optionally cut short. */
struct piecewise {
    char *text;
    size_t len; /* bytes to send before ending */
    size_t pos;
    bool cut;     /* end with an error instead of normally */
    size_t piece; /* bytes per read */
};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static uint32_t digest(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Which failure this request gets, or "ok". */
static const char *failure_for(long n)
{
    static _Thread_local char base[32]; /* one per connection thread */
    const char *suffix = strstr(mode, "-then-ok");
    long times = fail_times;

    if (!strcmp(mode, "ok"))
        return "ok";
    snprintf(base, sizeof(base), "%.*s",
             suffix ? (int)(suffix - mode) : (int)strlen(mode), mode);
    if (suffix && !times)
        times = 1;
    if (times && n > times)
        return "ok";
    return base;
}

static void note_auth(struct MHD_Connection *c)
{
    const char *bearer =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *x =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "x-api-key");
    const char *version =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "anthropic-version");
    const char *key = x;

    if (version && !strcmp(version, "2023-06-01"))
        version_ok++;
    if (bearer && !strncmp(bearer, "Bearer ", 7))
        key = bearer + 7;
    if (!key)
        auth_none++;
    else if (expect_key && !strcmp(key, expect_key))
        auth_match++;
    else
        auth_mismatch++;
}

static const char *seen_key(struct MHD_Connection *c)
{
    const char *bearer =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *x =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "x-api-key");

    if (bearer && !strncmp(bearer, "Bearer ", 7))
        return bearer + 7;
    return x ? x : "";
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status,
                                 const char *type, const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    MHD_add_response_header(r, "Content-Type", type);
    if (status == 429) {
        char ms[32];

        if (retry_after && *retry_after)
            MHD_add_response_header(r, "Retry-After", retry_after);
        snprintf(ms, sizeof(ms), "%ld", retry_after_ms);
        if (retry_after_ms >= 0)
            MHD_add_response_header(r, "retry-after-ms", ms);
    }
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static ssize_t read_piece(void *cls, uint64_t pos, char *out, size_t max)
{
    struct piecewise *p = cls;
    size_t n;

    (void)pos;
    if (p->pos >= p->len) {
        if (p->cut)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    if (p->pos > 0)
        sleep_ms(2);
    n = p->len - p->pos;
    if (n > p->piece)
        n = p->piece;
    if (n > max)
        n = max;
    memcpy(out, p->text + p->pos, n);
    p->pos += n;
    return (ssize_t)n;
}

static void free_piece(void *cls)
{
    struct piecewise *p = cls;

    free(p->text);
    free(p);
}

/* Serve text in pieces; size is the declared length (-1: chunked). */
static enum MHD_Result send_pieces(struct MHD_Connection *c, const char *type,
                                   char *text, size_t send_len, bool cut,
                                   uint64_t size)
{
    struct piecewise *p = calloc(1, sizeof(*p));
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (!p) {
        free(text);
        return MHD_NO;
    }
    p->text = text;
    p->len = send_len;
    p->cut = cut;
    p->piece = 13;
    r = MHD_create_response_from_callback(size, 64, read_piece, p, free_piece);
    MHD_add_response_header(r, "Content-Type", type);
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* The instructions of a request: the system message (OpenAI) or the
 * system field (Anthropic). */
static const char *system_text(const cJSON *req)
{
    const cJSON *sys = cJSON_GetObjectItemCaseSensitive(req, "system");
    const cJSON *m;

    if (cJSON_IsString(sys))
        return sys->valuestring;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(req, "messages"))
    {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
        const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
        if (cJSON_IsString(role) && !strcmp(role->valuestring, "system") &&
            cJSON_IsString(content))
            return content->valuestring;
    }
    return "";
}

/* A value for a schema: an object with every property and required
 * key, a list of one such value, or a string. */
static cJSON *value_for(const cJSON *schema)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(schema, "type");
    const char *t = cJSON_IsString(type) ? type->valuestring : "string";
    const cJSON *p;
    cJSON *v;

    if (!strcmp(t, "array")) {
        v = cJSON_CreateArray();
        cJSON_AddItemToArray(
            v, value_for(cJSON_GetObjectItemCaseSensitive(schema, "items")));
        return v;
    }
    if (!strcmp(t, "boolean"))
        return cJSON_CreateTrue();
    if (strcmp(t, "object"))
        return cJSON_CreateString("mock text");
    v = cJSON_CreateObject();
    cJSON_ArrayForEach(p,
                       cJSON_GetObjectItemCaseSensitive(schema, "properties"))
    {
        cJSON_AddItemToObject(v, p->string, value_for(p));
    }
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(schema, "required"))
    {
        if (cJSON_IsString(p) && !cJSON_HasObjectItem(v, p->valuestring))
            cJSON_AddStringToObject(v, p->valuestring, "mock text");
    }
    return v;
}

static char *json_answer(const cJSON *schema)
{
    cJSON *v = value_for(schema);
    char *text = cJSON_PrintUnformatted(v);

    cJSON_Delete(v);
    return text;
}

/*
 * The answer of a well-behaved model, made from the request alone: the
 * keys of its JSON schema, or a section for each "## " heading its
 * instructions ask for.  The digest of the request is written in letters,
 * so the answer holds no number to ground.
 */
static char *answer_text(const char *body, const char *model)
{
    cJSON *req = cJSON_Parse(body);
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(req, "response_format"),
            "json_schema"),
        "schema");
    const char *sys = system_text(req);
    uint32_t h = digest(body);
    char mark[9], *text = NULL, *sections = NULL;
    size_t n_sections = 0;
    FILE *f;

    if (cJSON_IsObject(schema)) {
        text = json_answer(schema);
        cJSON_Delete(req);
        return text;
    }
    for (int i = 0; i < 8; i++)
        mark[i] = (char)('a' + ((h >> (4 * i)) & 15));
    mark[8] = '\0';
    f = open_memstream(&sections, &n_sections);
    for (const char *line = sys; f && line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);

        if (len > 3 && !strncmp(line, "## ", 3))
            fprintf(f, "%.*s\nMock text.\n\n", (int)len, line);
        line = end ? end + 1 : NULL;
    }
    if (f)
        fclose(f);
    if (asprintf(&text,
                 "# Mock answer\n\nModel %s read the prompt (digest %s).\n\n"
                 "%s## Next step\nCall the sponsor.\n",
                 model, mark, sections ? sections : "") < 0)
        text = NULL;
    free(sections);
    cJSON_Delete(req);
    return text;
}

static char *openai_json(const char *text, long in, long out)
{
    cJSON *o = cJSON_CreateObject(), *choices, *ch, *msg, *usage;
    char *s;

    cJSON_AddStringToObject(o, "id", "chatcmpl-mock");
    cJSON_AddStringToObject(o, "object", "chat.completion");
    choices = cJSON_AddArrayToObject(o, "choices");
    ch = cJSON_CreateObject();
    cJSON_AddItemToArray(choices, ch);
    cJSON_AddNumberToObject(ch, "index", 0);
    msg = cJSON_AddObjectToObject(ch, "message");
    cJSON_AddStringToObject(msg, "role", "assistant");
    cJSON_AddStringToObject(msg, "content", text);
    cJSON_AddStringToObject(ch, "finish_reason", "stop");
    usage = cJSON_AddObjectToObject(o, "usage");
    cJSON_AddNumberToObject(usage, "prompt_tokens", (double)in);
    cJSON_AddNumberToObject(usage, "completion_tokens", (double)out);
    s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static char *anthropic_json(const char *text, long in, long out)
{
    cJSON *o = cJSON_CreateObject(), *content, *b, *usage;
    char *s, half[4096];
    size_t n = strlen(text) / 2;

    /* Two text blocks, so that the client must join them. */
    if (n >= sizeof(half))
        n = sizeof(half) - 1;
    memcpy(half, text, n);
    half[n] = '\0';
    cJSON_AddStringToObject(o, "id", "msg_mock");
    cJSON_AddStringToObject(o, "type", "message");
    cJSON_AddStringToObject(o, "role", "assistant");
    content = cJSON_AddArrayToObject(o, "content");
    b = cJSON_CreateObject();
    cJSON_AddItemToArray(content, b);
    cJSON_AddStringToObject(b, "type", "text");
    cJSON_AddStringToObject(b, "text", half);
    b = cJSON_CreateObject();
    cJSON_AddItemToArray(content, b);
    cJSON_AddStringToObject(b, "type", "text");
    cJSON_AddStringToObject(b, "text", text + n);
    cJSON_AddStringToObject(o, "stop_reason", "end_turn");
    usage = cJSON_AddObjectToObject(o, "usage");
    cJSON_AddNumberToObject(usage, "input_tokens", (double)in);
    cJSON_AddNumberToObject(usage, "output_tokens", (double)out);
    s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static int add_event(char **acc, const char *event, cJSON *data)
{
    char *d = cJSON_PrintUnformatted(data), *next = NULL;
    int ok;

    cJSON_Delete(data);
    if (!d)
        return 0;
    if (event)
        ok = asprintf(&next, "%sevent: %s\ndata: %s\n\n", *acc, event, d);
    else
        ok = asprintf(&next, "%sdata: %s\n\n", *acc, d);
    free(d);
    free(*acc);
    *acc = ok < 0 ? NULL : next;
    return *acc != NULL;
}

static cJSON *openai_chunk(const char *delta, const char *finish)
{
    cJSON *o = cJSON_CreateObject(), *ch, *d;

    cJSON_AddStringToObject(o, "object", "chat.completion.chunk");
    ch = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "choices"), ch);
    d = cJSON_AddObjectToObject(ch, "delta");
    if (delta)
        cJSON_AddStringToObject(d, "content", delta);
    if (finish)
        cJSON_AddStringToObject(ch, "finish_reason", finish);
    else
        cJSON_AddNullToObject(ch, "finish_reason");
    return o;
}

/* The last chunk, asked for with stream_options.include_usage. */
static cJSON *openai_usage(long in, long out)
{
    cJSON *o = cJSON_CreateObject(), *u;

    cJSON_AddArrayToObject(o, "choices");
    u = cJSON_AddObjectToObject(o, "usage");
    cJSON_AddNumberToObject(u, "prompt_tokens", (double)in);
    cJSON_AddNumberToObject(u, "completion_tokens", (double)out);
    return o;
}

static cJSON *anthropic_event(const char *type, const char *text)
{
    cJSON *o = cJSON_CreateObject(), *d;

    cJSON_AddStringToObject(o, "type", type);
    if (!strcmp(type, "content_block_delta")) {
        cJSON_AddNumberToObject(o, "index", 0);
        d = cJSON_AddObjectToObject(o, "delta");
        cJSON_AddStringToObject(d, "type", "text_delta");
        cJSON_AddStringToObject(d, "text", text);
    } else if (!strcmp(type, "message_start")) {
        d = cJSON_AddObjectToObject(o, "message");
        cJSON_AddStringToObject(d, "id", "msg_mock");
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(d, "usage"),
                                "input_tokens", atof(text));
    } else if (!strcmp(type, "message_delta")) {
        d = cJSON_AddObjectToObject(o, "delta");
        cJSON_AddStringToObject(d, "stop_reason", "end_turn");
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "usage"),
                                "output_tokens", atof(text));
    }
    return o;
}

/* The whole SSE stream of an answer, in text deltas of 9 bytes. */
static char *sse_stream(bool anthropic, const char *text, long in, long out)
{
    char *acc = strdup(""), piece[16], num[32];
    size_t i, n = strlen(text);

    if (anthropic) {
        snprintf(num, sizeof(num), "%ld", in);
        add_event(&acc, "message_start", anthropic_event("message_start", num));
    }
    for (i = 0; acc && i < n; i += 9) {
        snprintf(piece, sizeof(piece), "%.*s", (int)(n - i < 9 ? n - i : 9),
                 text + i);
        if (anthropic)
            add_event(&acc, "content_block_delta",
                      anthropic_event("content_block_delta", piece));
        else
            add_event(&acc, NULL, openai_chunk(piece, NULL));
    }
    if (!acc)
        return NULL;
    if (anthropic) {
        snprintf(num, sizeof(num), "%ld", out);
        add_event(&acc, "message_delta", anthropic_event("message_delta", num));
        if (acc)
            add_event(&acc, "message_stop",
                      anthropic_event("message_stop", ""));
        return acc;
    }
    add_event(&acc, NULL, openai_chunk(NULL, "stop"));
    if (acc)
        add_event(&acc, NULL, openai_usage(in, out));
    if (acc) {
        char *next = NULL;

        if (asprintf(&next, "%sdata: [DONE]\n\n", acc) < 0)
            next = NULL;
        free(acc);
        acc = next;
    }
    return acc;
}

static char *error_json(bool anthropic, const char *message)
{
    cJSON *o = cJSON_CreateObject(), *e;
    char *s;

    if (anthropic)
        cJSON_AddStringToObject(o, "type", "error");
    e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddStringToObject(e, "type", "mock_error");
    cJSON_AddStringToObject(e, "message", message);
    s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status,
                                  bool anthropic, const char *message)
{
    char *body = error_json(anthropic, message);
    enum MHD_Result ret;

    if (!body)
        return MHD_NO;
    ret = send_text(c, status, "application/json", body);
    free(body);
    return ret;
}

static enum MHD_Result send_answer(struct MHD_Connection *c, bool anthropic,
                                   const char *body, bool stream, bool cut,
                                   bool careless)
{
    cJSON *req = cJSON_Parse(body);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(req, "model");
    char *text =
        careless ? strdup("Here are a few thoughts: the account looks fine.\n")
                 : answer_text(body, cJSON_IsString(m) ? m->valuestring : "?");
    long in = (long)strlen(body) / 4, out;
    char *s;
    enum MHD_Result ret;

    cJSON_Delete(req);
    if (!text)
        return MHD_NO;
    out = (long)strlen(text) / 4;
    if (stream) {
        s = sse_stream(anthropic, text, in, out);
        free(text);
        if (!s)
            return MHD_NO;
        /* Cut in the middle of an event, past the first few. */
        return send_pieces(c, "text/event-stream", s,
                           cut ? strlen(s) / 2 + 5 : strlen(s), cut,
                           MHD_SIZE_UNKNOWN);
    }
    s = anthropic ? anthropic_json(text, in, out) : openai_json(text, in, out);
    free(text);
    if (!s)
        return MHD_NO;
    if (cut)
        return send_pieces(c, "application/json", s, strlen(s) / 2, true,
                           strlen(s));
    ret = send_text(c, MHD_HTTP_OK, "application/json", s);
    free(s);
    return ret;
}

static enum MHD_Result send_big(struct MHD_Connection *c)
{
    size_t n = (size_t)9 << 20;
    char *s = malloc(n + 1);

    if (!s)
        return MHD_NO;
    memset(s, ' ', n);
    s[0] = '{';
    s[n - 1] = '}';
    s[n] = '\0';
    return send_pieces(c, "application/json", s, n, false, n);
}

static enum MHD_Result send_stats(struct MHD_Connection *c)
{
    cJSON *o = cJSON_CreateObject();
    char *s;
    enum MHD_Result ret;

    pthread_mutex_lock(&lock);
    cJSON_AddNumberToObject(o, "requests", (double)requests);
    cJSON_AddNumberToObject(o, "max_inflight", (double)max_inflight);
    cJSON_AddNumberToObject(o, "auth_match", (double)auth_match);
    cJSON_AddNumberToObject(o, "auth_mismatch", (double)auth_mismatch);
    cJSON_AddNumberToObject(o, "auth_none", (double)auth_none);
    cJSON_AddNumberToObject(o, "anthropic_version_ok", (double)version_ok);
    cJSON_AddStringToObject(o, "last_path", last_path ? last_path : "");
    cJSON_AddStringToObject(o, "last_body", last_body ? last_body : "");
    pthread_mutex_unlock(&lock);
    s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s)
        return MHD_NO;
    ret = send_text(c, MHD_HTTP_OK, "application/json", s);
    free(s);
    return ret;
}

static void stall(void)
{
    long waited = 0;

    while (!stopping && waited < stall_ms) {
        sleep_ms(20);
        waited += 20;
    }
}

static enum MHD_Result respond(struct MHD_Connection *c, const char *url,
                               const char *body, long n)
{
    bool anthropic = strstr(url, "/messages") != NULL;
    cJSON *req = cJSON_Parse(body);
    bool stream = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "stream"));
    const char *f = failure_for(n);
    char msg[512];

    cJSON_Delete(req);
    if (delay_ms)
        sleep_ms(delay_ms);
    if (!anthropic && !strstr(url, "/chat/completions"))
        return send_error(c, 404, anthropic, "no such endpoint");
    if (!strcmp(f, "429"))
        return send_error(c, 429, anthropic, "rate limit reached");
    if (!strcmp(f, "500") || !strcmp(f, "503"))
        return send_error(c, (unsigned)atoi(f), anthropic,
                          "the mock server failed");
    if (!strcmp(f, "reset"))
        return MHD_NO;
    if (!strcmp(f, "stall"))
        stall();
    if (!strcmp(f, "malformed"))
        return send_text(c, 200, "application/json", "{\"choices\": [{\"me");
    if (!strcmp(f, "error200"))
        return send_error(c, 200, anthropic, "the model is overloaded");
    if (!strcmp(f, "401") || !strcmp(f, "400")) {
        snprintf(msg, sizeof(msg), "%s: %s",
                 f[2] == '1' ? "Incorrect API key provided"
                             : "max_tokens is too large for key",
                 seen_key(c));
        return send_error(c, (unsigned)atoi(f), anthropic, msg);
    }
    if (!strcmp(f, "404"))
        return send_error(c, 404, anthropic, "model not found");
    if (!strcmp(f, "big"))
        return send_big(c);
    return send_answer(c, anthropic, body, stream,
                       !strcmp(f, "truncated") || !strcmp(f, "sse-cut"),
                       !strcmp(f, "careless"));
}

static void note_request(struct MHD_Connection *c, const char *url,
                         const char *body, long *n)
{
    pthread_mutex_lock(&lock);
    *n = ++requests;
    if (++inflight > max_inflight)
        max_inflight = inflight;
    note_auth(c);
    free(last_path);
    free(last_body);
    last_path = strdup(url);
    last_body = strdup(body);
    pthread_mutex_unlock(&lock);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    struct conn *st = *state;
    enum MHD_Result ret;
    long n;

    (void)cls;
    (void)version;
    if (!st) {
        if (!(st = calloc(1, sizeof(*st))))
            return MHD_NO;
        *state = st;
        return MHD_YES;
    }
    if (*upload_size) {
        char *next = st->len + *upload_size > BODY_MAX
                         ? NULL
                         : realloc(st->body, st->len + *upload_size + 1);
        if (!next)
            return MHD_NO;
        st->body = next;
        memcpy(st->body + st->len, upload, *upload_size);
        st->len += *upload_size;
        st->body[st->len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    if (!strcmp(method, "GET") && !strcmp(url, "/stats"))
        return send_stats(c);
    if (strcmp(method, "POST"))
        return send_error(c, 405, false, "POST only");
    note_request(c, url, st->body ? st->body : "", &n);
    st->counted = true;
    ret = respond(c, url, st->body ? st->body : "", n);
    pthread_mutex_lock(&lock);
    inflight--;
    pthread_mutex_unlock(&lock);
    return ret;
}

static void done(void *cls, struct MHD_Connection *c, void **state,
                 enum MHD_RequestTerminationCode code)
{
    struct conn *st = *state;

    (void)cls;
    (void)c;
    (void)code;
    if (st) {
        free(st->body);
        free(st);
        *state = NULL;
    }
}

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: mockllm [--port N] [--mode MODE] [--fail-times "
                    "N] [--delay-ms N] [--stall-ms N]\n"
                    "               [--retry-after V] [--retry-after-ms N] "
                    "[--expect-key-env VAR] [--max-seconds N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned port = 0;
    long max_seconds = 120, waited = 0;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!v)
            return usage();
        i++;
        if (!strcmp(a, "--port"))
            port = (unsigned)atoi(v);
        else if (!strcmp(a, "--mode"))
            mode = v;
        else if (!strcmp(a, "--fail-times"))
            fail_times = atol(v);
        else if (!strcmp(a, "--delay-ms"))
            delay_ms = atol(v);
        else if (!strcmp(a, "--stall-ms"))
            stall_ms = atol(v);
        else if (!strcmp(a, "--retry-after"))
            retry_after = v;
        else if (!strcmp(a, "--retry-after-ms"))
            retry_after_ms = atol(v);
        else if (!strcmp(a, "--expect-key-env"))
            expect_key = getenv(v);
        else if (!strcmp(a, "--max-seconds"))
            max_seconds = atol(v);
        else
            return usage();
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
                             MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL,
                         (uint16_t)port, NULL, NULL, handle, NULL,
                         MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
                         MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "mockllm: cannot listen on port %u\n", port);
        return 1;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("%u\n", info ? (unsigned)info->port : port);
    fflush(stdout);
    while (!stopping && waited < max_seconds * 1000) {
        sleep_ms(50);
        waited += 50;
    }
    MHD_stop_daemon(d);
    free(last_path);
    free(last_body);
    return 0;
}
