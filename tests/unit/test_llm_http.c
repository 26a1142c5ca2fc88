/* Tests of the transport and fixtures against the mock LLM server. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csmap/buf.h"
#include "csmap/cache.h"
#include "csmap/config.h"
#include "csmap/llm.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/store.h"

#define KEY_ENV "CSMAP_TEST_LLM_KEY"
#define TEST_KEY "sk-test-0123456789abcdef"
#define SENTINEL "csmap-sentinel-key-5d1e0c9b7a"

struct mock {
    pid_t pid;
    int port;
};

struct result {
    int calls;
    enum csmap_rc rc;
    char text[4096];
    char error[1024];
    char key[65];
    long input_tokens;
    long output_tokens;
    long http_status;
    int retries;
    bool from_fixture;
    struct buf deltas;
    int n_deltas;
    struct store *cache;
    const struct config *cfg;
};

static char mock_path[4096];
static char tmp_dir[256];
static int saved_stderr = -1;
static char captured[65536];

/* ---- the mock server ---- */

static void find_mock(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    assert_true(n > 0);
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    assert_non_null(slash);
    *slash = '\0';
    assert_true(strlen(exe) + sizeof("/mockllm") <= sizeof(mock_path));
    memcpy(mock_path, exe, strlen(exe));
    memcpy(mock_path + strlen(exe), "/mockllm", sizeof("/mockllm"));
    assert_int_equal(access(mock_path, X_OK), 0);
}

static void exec_mock(int out, const char *const *args)
{
    char *argv[32];
    int i = 0, k;

    argv[i++] = mock_path;
    argv[i++] = strdup("--port");
    argv[i++] = strdup("0");
    argv[i++] = strdup("--max-seconds");
    argv[i++] = strdup("30");
    argv[i++] = strdup("--expect-key-env");
    argv[i++] = strdup(KEY_ENV);
    for (k = 0; args && args[k] && i < 31; k++)
        argv[i++] = strdup(args[k]);
    argv[i] = NULL;
    dup2(out, 1);
    execv(mock_path, argv);
    _exit(127);
}

static void mock_start(struct mock *m, const char *const *args)
{
    int fds[2];
    char line[32] = {0};
    size_t got = 0;
    struct pollfd p;

    assert_int_equal(pipe(fds), 0);
    m->pid = fork();
    assert_true(m->pid >= 0);
    if (m->pid == 0) {
        close(fds[0]);
        exec_mock(fds[1], args);
    }
    close(fds[1]);
    p.fd = fds[0];
    p.events = POLLIN;
    while (got < sizeof(line) - 1 && !strchr(line, '\n')) {
        ssize_t n;

        assert_int_equal(poll(&p, 1, 5000), 1);
        n = read(fds[0], line + got, sizeof(line) - 1 - got);
        assert_true(n > 0);
        got += (size_t)n;
    }
    close(fds[0]);
    m->port = atoi(line);
    assert_true(m->port > 0);
}

static void mock_stop(struct mock *m)
{
    int status;

    if (m->pid > 0) {
        kill(m->pid, SIGTERM);
        waitpid(m->pid, &status, 0);
        m->pid = 0;
    }
}

static size_t to_buf(char *p, size_t size, size_t n, void *ctx)
{
    return buf_add(ctx, p, size * n) ? 0 : size * n;
}

static cJSON *mock_stats(const struct mock *m)
{
    struct buf b = BUF_INIT;
    char url[64];
    CURL *e = curl_easy_init();
    cJSON *root;

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/stats", m->port);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, to_buf);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
    assert_int_equal(curl_easy_perform(e), CURLE_OK);
    curl_easy_cleanup(e);
    root = cJSON_Parse(buf_str(&b));
    buf_release(&b);
    assert_non_null(root);
    return root;
}

static long stat_num(const struct mock *m, const char *name)
{
    cJSON *s = mock_stats(m);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(s, name);
    long v = cJSON_IsNumber(n) ? (long)n->valuedouble : -1;

    cJSON_Delete(s);
    return v;
}

static long last_body_len(const struct mock *m)
{
    cJSON *s = mock_stats(m);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(s, "last_body");
    long n = cJSON_IsString(b) ? (long)strlen(b->valuestring) : -1;

    cJSON_Delete(s);
    return n;
}

static cJSON *last_body(const struct mock *m)
{
    cJSON *s = mock_stats(m);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(s, "last_body");
    cJSON *body = cJSON_IsString(b) ? cJSON_Parse(b->valuestring) : NULL;

    cJSON_Delete(s);
    assert_non_null(body);
    return body;
}

/* ---- standard error, captured to check messages ---- */

static void capture_begin(void)
{
    char path[300];
    int fd;

    snprintf(path, sizeof(path), "%s/stderr", tmp_dir);
    fflush(stderr);
    saved_stderr = dup(2);
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    assert_true(fd >= 0);
    dup2(fd, 2);
    close(fd);
}

static const char *capture_end(void)
{
    char path[300];
    FILE *f;
    size_t n;

    fflush(stderr);
    dup2(saved_stderr, 2);
    close(saved_stderr);
    snprintf(path, sizeof(path), "%s/stderr", tmp_dir);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(captured, 1, sizeof(captured) - 1, f);
    captured[n] = '\0';
    fclose(f);
    return captured;
}

/* ---- the client ---- */

static struct config *config_for(const char *provider, int port,
                                 int max_retries, int jobs)
{
    char json[1024];
    struct config *cfg = NULL;

    snprintf(json, sizeof(json),
             "{\"llm\": {\"provider\": \"%s\", \"base_url\": "
             "\"http://127.0.0.1:%d/v1\", \"model\": \"mock-1\", "
             "\"api_key_env\": \"" KEY_ENV "\", \"max_retries\": %d, "
             "\"jobs\": %d, \"temperature\": 0.2, \"max_tokens\": 300, "
             "\"price_per_mtok\": {\"input\": 1.0, \"output\": 2.0}}}",
             provider, port, max_retries, jobs);
    assert_int_equal(config_parse("csmap.json", json, strlen(json), &cfg),
                     CS_OK);
    return cfg;
}

static struct llm_client *client_for(const char *provider, int port,
                                     int max_retries, long timeout_ms)
{
    struct config *cfg = config_for(provider, port, max_retries, 4);
    struct llm_options o = LLM_OPTIONS_INIT;
    struct llm_client *c = NULL;

    o.timeout_ms = timeout_ms;
    o.connect_timeout_ms = 1000;
    o.backoff_base_ms = 10;
    o.backoff_cap_ms = 40;
    assert_int_equal(llm_client_new(cfg, &o, &c), CS_OK);
    config_free(cfg);
    llm_client_seed(c, 7);
    return c;
}

static const struct llm_message messages[] = {
    {"system", "You are a customer success analyst."},
    {"user", "Write the health brief of account A1."},
};

static void request_for(struct llm_request *req, const struct llm_client *c,
                        const char *subject)
{
    llm_request_init(req, c);
    req->messages = messages;
    req->n_messages = 2;
    req->artifact = "health-brief";
    req->scope = "account";
    req->subject = subject;
    req->as_of = 20000;
    req->prompt_name = "health-brief";
    req->prompt_version = "1";
}

static void on_delta(void *ctx, const char *text, size_t len)
{
    struct result *r = ctx;

    buf_add(&r->deltas, text, len);
    r->n_deltas++;
}

static void on_done(void *ctx, const struct llm_done_info *info,
                    struct llm_response *resp)
{
    struct result *r = ctx;

    r->calls++;
    r->rc = resp->rc;
    snprintf(r->text, sizeof(r->text), "%s", resp->text ? resp->text : "");
    snprintf(r->error, sizeof(r->error), "%s", resp->error ? resp->error : "");
    snprintf(r->key, sizeof(r->key), "%s", info->key);
    r->input_tokens = resp->input_tokens;
    r->output_tokens = resp->output_tokens;
    r->http_status = resp->http_status;
    r->retries = resp->retries;
    r->from_fixture = resp->from_fixture;
    if (r->cache)
        cache_put_answer(r->cache, r->cfg, info, resp, NULL);
}

static int64_t clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One request through c; returns llm_run's rc and fills r. */
static enum csmap_rc run_one(struct llm_client *c, struct result *r,
                             bool stream)
{
    struct llm_request req;

    request_for(&req, c, "A1");
    if (stream) {
        req.on_delta = on_delta;
        req.delta_ctx = r;
    }
    assert_int_equal(llm_submit(c, &req, on_done, r), CS_OK);
    return llm_run(c);
}

/* Run one request against a mock started with args, quietly. */
static enum csmap_rc against(const char *const *args, const char *provider,
                             int max_retries, long timeout_ms, struct result *r,
                             struct mock *m)
{
    struct llm_client *c;
    enum csmap_rc rc;

    mock_start(m, args);
    c = client_for(provider, m->port, max_retries, timeout_ms);
    capture_begin();
    rc = run_one(c, r, false);
    capture_end();
    llm_client_free(c);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    alarm(20);
    setenv(KEY_ENV, TEST_KEY, 1);
    snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/csmap-llm-XXXXXX");
    if (!mkdtemp(tmp_dir))
        return -1;
    log_set_level(LOG_WARN);
    return 0;
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char sub[1024];

    if (!d) {
        unlink(path);
        return;
    }
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        remove_tree(sub);
    }
    closedir(d);
    rmdir(path);
}

static int teardown(void **state)
{
    (void)state;
    alarm(0);
    remove_tree(tmp_dir);
    log_set_level(LOG_WARN);
    return 0;
}

/* ---- answers ---- */

static void test_openai_answer_is_parsed_and_the_key_is_sent(void **state)
{
    struct result r = {0};
    struct mock m;
    cJSON *body;

    (void)state;
    assert_int_equal(against(NULL, "openai", 2, 5000, &r, &m), CS_OK);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.rc, CS_OK);
    assert_non_null(strstr(r.text, "# Mock answer\n\nModel mock-1 read"));
    assert_int_equal(r.http_status, 200);
    assert_int_equal(r.retries, 0);
    assert_int_equal(stat_num(&m, "auth_match"), 1);
    assert_int_equal(stat_num(&m, "auth_none"), 0);
    body = last_body(&m);
    /* The mock counts a quarter of the request body as input tokens. */
    assert_int_equal(r.input_tokens, last_body_len(&m) / 4);
    assert_int_equal(r.output_tokens, (long)strlen(r.text) / 4);
    assert_true(cJSON_GetObjectItem(body, "temperature")->valuedouble == 0.2);
    assert_int_equal(cJSON_GetObjectItem(body, "max_tokens")->valueint, 300);
    assert_string_equal(cJSON_GetObjectItem(body, "model")->valuestring,
                        "mock-1");
    assert_null(cJSON_GetObjectItem(body, "response_format"));
    cJSON_Delete(body);
    mock_stop(&m);
}

static void test_openai_without_a_key_sends_no_authorization(void **state)
{
    struct result r = {0};
    struct mock m;

    (void)state;
    unsetenv(KEY_ENV);
    assert_int_equal(against(NULL, "openai", 0, 5000, &r, &m), CS_OK);
    assert_int_equal(stat_num(&m, "auth_none"), 1);
    assert_int_equal(stat_num(&m, "auth_match"), 0);
    mock_stop(&m);
}

static void test_json_artifact_asks_for_a_schema(void **state)
{
    struct result r = {0};
    struct mock m;
    struct llm_client *c;
    struct llm_request req;
    cJSON *body, *fmt;

    (void)state;
    mock_start(&m, NULL);
    c = client_for("openai", m.port, 0, 5000);
    request_for(&req, c, "A1");
    req.json_schema = "{\"type\":\"object\",\"required\":[\"emails\"]}";
    req.schema_name = "followup-sequence";
    assert_int_equal(llm_submit(c, &req, on_done, &r), CS_OK);
    assert_int_equal(llm_run(c), CS_OK);
    body = last_body(&m);
    fmt = cJSON_GetObjectItem(body, "response_format");
    assert_string_equal(cJSON_GetObjectItem(fmt, "type")->valuestring,
                        "json_schema");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(fmt, "json_schema"), "name")
            ->valuestring,
        "followup-sequence");
    cJSON_Delete(body);
    llm_client_free(c);
    mock_stop(&m);
}

static void test_anthropic_answer_joins_blocks_and_sends_version(void **state)
{
    struct result r = {0};
    struct mock m;
    cJSON *body;

    (void)state;
    assert_int_equal(against(NULL, "anthropic", 0, 5000, &r, &m), CS_OK);
    assert_int_equal(r.rc, CS_OK);
    /* The mock splits its answer into two text blocks. */
    assert_non_null(strstr(r.text, "(digest "));
    assert_non_null(strstr(r.text, "## Next step\nCall the sponsor.\n"));
    assert_int_equal(stat_num(&m, "auth_match"), 1);
    assert_int_equal(stat_num(&m, "anthropic_version_ok"), 1);
    body = last_body(&m);
    assert_string_equal(cJSON_GetObjectItem(body, "system")->valuestring,
                        "You are a customer success analyst.");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(body, "messages")),
                     1);
    assert_int_equal(cJSON_GetObjectItem(body, "max_tokens")->valueint, 300);
    cJSON_Delete(body);
    mock_stop(&m);
}

static void test_anthropic_without_a_key_is_refused(void **state)
{
    struct config *cfg = config_for("anthropic", 1, 0, 1);
    struct llm_client *c = NULL;

    (void)state;
    unsetenv(KEY_ENV);
    capture_begin();
    assert_int_equal(llm_client_new(cfg, NULL, &c), CS_UNAVAILABLE);
    assert_non_null(strstr(capture_end(),
                           "no API key for provider 'anthropic': set the "
                           "environment variable " KEY_ENV));
    assert_null(c);
    config_free(cfg);
}

/* ---- retries ---- */

static void test_429_is_retried_and_succeeds(void **state)
{
    const char *args[] = {"--mode", "429", "--fail-times", "2", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "openai", 3, 5000, &r, &m), CS_OK);
    assert_int_equal(r.rc, CS_OK);
    assert_int_equal(r.retries, 2);
    assert_int_equal(stat_num(&m, "requests"), 3);
    mock_stop(&m);
}

static void test_retry_after_seconds_is_honoured(void **state)
{
    const char *args[] = {"--mode", "429-then-ok",      "--retry-after",
                          "1",      "--retry-after-ms", "-1",
                          NULL};
    struct result r = {0};
    struct mock m;
    int64_t t0 = clock_ms(), ms;

    (void)state;
    assert_int_equal(against(args, "openai", 1, 5000, &r, &m), CS_OK);
    ms = clock_ms() - t0;
    assert_int_equal(r.retries, 1);
    /* The backoff alone would be under 40 ms. */
    assert_true(ms >= 950);
    assert_true(ms < 30000); /* no hang */
    mock_stop(&m);
}

static void test_500_exhausts_retries_as_temporary(void **state)
{
    const char *args[] = {"--mode", "500", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "openai", 2, 5000, &r, &m), CS_TEMP);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.rc, CS_TEMP);
    assert_string_equal(r.text, "");
    assert_string_equal(r.error, "provider 'openai' failed (HTTP 500): the "
                                 "mock server failed after 2 retries");
    assert_non_null(strstr(captured, "csmap: error: health-brief for 'A1': "
                                     "provider 'openai' failed (HTTP 500)"));
    assert_int_equal(stat_num(&m, "requests"), 3);
    mock_stop(&m);
}

static void test_503_then_ok_succeeds(void **state)
{
    const char *args[] = {"--mode", "503-then-ok", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "anthropic", 2, 5000, &r, &m), CS_OK);
    assert_int_equal(r.retries, 1);
    assert_int_equal(stat_num(&m, "requests"), 2);
    mock_stop(&m);
}

static void test_reset_then_ok_succeeds(void **state)
{
    const char *args[] = {"--mode", "reset-then-ok", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "openai", 2, 5000, &r, &m), CS_OK);
    assert_int_equal(r.retries, 1);
    mock_stop(&m);
}

static void test_reset_every_time_is_temporary(void **state)
{
    const char *args[] = {"--mode", "reset", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "openai", 1, 5000, &r, &m), CS_TEMP);
    assert_non_null(strstr(r.error, "the connection to provider 'openai' "
                                    "failed: "));
    assert_non_null(strstr(r.error, " after 1 retries"));
    assert_int_equal(stat_num(&m, "requests"), 2);
    mock_stop(&m);
}

static void test_stall_times_out_without_hanging(void **state)
{
    const char *args[] = {"--mode", "stall", "--stall-ms", "5000", NULL};
    struct result r = {0};
    struct mock m;
    int64_t t0 = clock_ms(), ms;

    (void)state;
    assert_int_equal(against(args, "openai", 1, 300, &r, &m), CS_TEMP);
    ms = clock_ms() - t0;
    assert_string_equal(r.error, "provider 'openai' did not answer within "
                                 "300 ms after 1 retries");
    assert_true(ms >= 600);
    assert_true(ms < 30000); /* no hang */
    mock_stop(&m);
}

/* ---- answers that cannot be used ---- */

static void test_truncated_body_fails(void **state)
{
    const char *args[] = {"--mode", "truncated", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "openai", 0, 5000, &r, &m), CS_TEMP);
    assert_string_equal(r.error,
                        "the answer from provider 'openai' was cut short");
    assert_string_equal(r.text, "");
    mock_stop(&m);
}

static void test_malformed_json_fails_without_retry(void **state)
{
    const char *args[] = {"--mode", "malformed", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "openai", 3, 5000, &r, &m), CS_DATA);
    assert_string_equal(r.error, "provider 'openai' sent an unusable answer: "
                                 "the answer is not valid JSON");
    assert_int_equal(stat_num(&m, "requests"), 1);
    mock_stop(&m);
}

static void test_error_object_in_200_fails(void **state)
{
    const char *args[] = {"--mode", "error200", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "anthropic", 3, 5000, &r, &m), CS_DATA);
    assert_string_equal(r.error, "provider 'anthropic' sent an unusable "
                                 "answer: the answer is an error: the model "
                                 "is overloaded");
    assert_int_equal(stat_num(&m, "requests"), 1);
    mock_stop(&m);
}

static void test_401_is_an_invalid_key_without_retry(void **state)
{
    const char *args[] = {"--mode", "401", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "openai", 3, 5000, &r, &m), CS_UNAVAILABLE);
    assert_string_equal(r.error,
                        "invalid API key for provider 'openai' (HTTP 401)");
    assert_int_equal(stat_num(&m, "requests"), 1);
    assert_null(strstr(captured, TEST_KEY));
    mock_stop(&m);
}

static void test_404_names_the_model(void **state)
{
    const char *args[] = {"--mode", "404", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "openai", 3, 5000, &r, &m), CS_UNAVAILABLE);
    assert_string_equal(r.error, "model 'mock-1' not found at provider "
                                 "'openai' (HTTP 404 from '127.0.0.1')");
    assert_int_equal(stat_num(&m, "requests"), 1);
    mock_stop(&m);
}

static void test_400_keeps_the_server_message_but_not_the_key(void **state)
{
    const char *args[] = {"--mode", "400", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "openai", 3, 5000, &r, &m), CS_ERR);
    assert_string_equal(r.error, "provider 'openai' refused the request "
                                 "(HTTP 400): max_tokens is too large for "
                                 "key: [redacted]");
    assert_null(strstr(captured, TEST_KEY));
    assert_int_equal(stat_num(&m, "requests"), 1);
    mock_stop(&m);
}

static void test_answer_over_8_mb_is_refused(void **state)
{
    const char *args[] = {"--mode", "big", NULL};
    struct result r = {0};
    struct mock m;

    (void)state;
    assert_int_equal(against(args, "openai", 2, 5000, &r, &m), CS_TOOBIG);
    assert_string_equal(r.error, "the answer from provider 'openai' is "
                                 "larger than 8 MB");
    assert_int_equal(stat_num(&m, "requests"), 1);
    mock_stop(&m);
}

static void test_unreachable_server_is_unavailable(void **state)
{
    struct result r = {0};
    struct mock m;
    struct llm_client *c;
    enum csmap_rc rc;

    (void)state;
    mock_start(&m, NULL);
    mock_stop(&m);
    c = client_for("openai", m.port, 1, 2000);
    capture_begin();
    rc = run_one(c, &r, false);
    capture_end();
    assert_int_equal(rc, CS_UNAVAILABLE);
    assert_non_null(strstr(r.error, "cannot reach provider 'openai' at "
                                    "'127.0.0.1': "));
    assert_non_null(strstr(r.error, "after 1 retries"));
    llm_client_free(c);
}

/* ---- streaming ---- */

static void stream_case(const char *provider)
{
    struct result r = {0};
    struct mock m;
    struct llm_client *c;

    buf_init(&r.deltas, 1 << 16);
    mock_start(&m, NULL);
    c = client_for(provider, m.port, 0, 5000);
    assert_int_equal(run_one(c, &r, true), CS_OK);
    assert_int_equal(r.rc, CS_OK);
    assert_true(r.n_deltas > 5);
    assert_string_equal(buf_str(&r.deltas), r.text);
    assert_non_null(strstr(r.text, "## Next step\nCall the sponsor.\n"));
    assert_int_equal(r.output_tokens, (long)strlen(r.text) / 4);
    assert_true(r.input_tokens > 0);
    buf_release(&r.deltas);
    llm_client_free(c);
    mock_stop(&m);
}

static void test_openai_stream_delivers_deltas(void **state)
{
    (void)state;
    stream_case("openai");
}

static void test_anthropic_stream_delivers_deltas(void **state)
{
    (void)state;
    stream_case("anthropic");
}

static void test_stream_cut_mid_event_is_a_failure(void **state)
{
    const char *args[] = {"--mode", "sse-cut", NULL};
    struct result r = {0};
    struct mock m;
    struct llm_client *c;
    enum csmap_rc rc;

    (void)state;
    buf_init(&r.deltas, 1 << 16);
    mock_start(&m, args);
    c = client_for("anthropic", m.port, 2, 5000);
    capture_begin();
    rc = run_one(c, &r, true);
    capture_end();
    assert_int_equal(rc, CS_TEMP);
    assert_int_equal(r.rc, CS_TEMP);
    assert_string_equal(r.text, "");
    assert_true(r.n_deltas > 0);
    /* Text already shown cannot be taken back: no retry. */
    assert_int_equal(stat_num(&m, "requests"), 1);
    buf_release(&r.deltas);
    llm_client_free(c);
    mock_stop(&m);
}

/* ---- concurrency ---- */

static void test_jobs_bound_the_requests_in_flight(void **state)
{
    const char *args[] = {"--delay-ms", "200", NULL};
    static const char *const subjects[] = {"A1", "A2", "A3", "A4", "A5",
                                           "A6", "A7", "A8", "A9"};
    struct result r[9];
    struct mock m;
    struct config *cfg;
    struct llm_options o = LLM_OPTIONS_INIT;
    struct llm_client *c = NULL;
    int64_t t0, ms;
    int i;

    (void)state;
    memset(r, 0, sizeof(r));
    mock_start(&m, args);
    cfg = config_for("openai", m.port, 0, 4);
    o.jobs = 3;
    assert_int_equal(llm_client_new(cfg, &o, &c), CS_OK);
    config_free(cfg);
    for (i = 0; i < 9; i++) {
        struct llm_request req;

        request_for(&req, c, subjects[i]);
        assert_int_equal(llm_submit(c, &req, on_done, &r[i]), CS_OK);
    }
    t0 = clock_ms();
    assert_int_equal(llm_run(c), CS_OK);
    ms = clock_ms() - t0;
    for (i = 0; i < 9; i++)
        assert_int_equal(r[i].calls, 1);
    assert_int_equal(stat_num(&m, "requests"), 9);
    assert_int_equal(stat_num(&m, "max_inflight"), 3);
    /* Three waves of 200 ms at the least; max_inflight shows it was not
     * nine at once. */
    assert_true(ms >= 600);
    llm_client_free(c);
    mock_stop(&m);
}

/* ---- keys ---- */

static void test_key_file_must_be_private(void **state)
{
    char path[300], json[1024];
    struct config *cfg = NULL;
    struct llm_client *c = NULL;
    FILE *f;

    (void)state;
    snprintf(path, sizeof(path), "%s/key", tmp_dir);
    f = fopen(path, "w");
    fputs(TEST_KEY "\n", f);
    fclose(f);
    chmod(path, 0644);
    snprintf(json, sizeof(json),
             "{\"llm\": {\"provider\": \"anthropic\", \"api_key_file\": "
             "\"%s\"}}",
             path);
    assert_int_equal(config_parse("csmap.json", json, strlen(json), &cfg),
                     CS_OK);
    capture_begin();
    assert_int_equal(llm_client_new(cfg, NULL, &c), CS_CONFIG);
    assert_non_null(strstr(capture_end(), "is readable by group or "
                                          "others; make it private with "
                                          "'chmod 600 "));
    chmod(path, 0600);
    unsetenv(KEY_ENV);
    assert_int_equal(llm_client_new(cfg, NULL, &c), CS_OK);
    llm_client_free(c);
    config_free(cfg);
}

/* ---- fixtures ---- */

static struct llm_client *fixture_client(const char *dir)
{
    struct config *cfg = config_for("fixture", 1, 0, 1);
    struct llm_options o = LLM_OPTIONS_INIT;
    struct llm_client *c = NULL;

    o.fixtures_dir = dir;
    assert_int_equal(llm_client_new(cfg, &o, &c), CS_OK);
    config_free(cfg);
    return c;
}

static void test_recorded_answer_replays_by_key(void **state)
{
    struct result live = {0}, replay = {0};
    struct mock m;
    struct config *cfg;
    struct llm_options o = LLM_OPTIONS_INIT;
    struct llm_client *c = NULL;
    char dir[300], path[400];
    struct stat sb;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/fixtures/llm", tmp_dir);
    mock_start(&m, NULL);
    cfg = config_for("openai", m.port, 0, 1);
    o.record_dir = dir;
    assert_int_equal(llm_client_new(cfg, &o, &c), CS_OK);
    config_free(cfg);
    assert_int_equal(run_one(c, &live, false), CS_OK);
    llm_client_free(c);
    mock_stop(&m);
    snprintf(path, sizeof(path), "%s/health-brief/A1.md", dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal((long)sb.st_size, (long)strlen(live.text));

    c = fixture_client(dir);
    assert_int_equal(run_one(c, &replay, false), CS_OK);
    assert_true(replay.from_fixture);
    assert_string_equal(replay.text, live.text);
    /* Found by key: the recorded token counts come back. */
    assert_int_equal(replay.input_tokens, live.input_tokens);
    assert_int_equal(replay.output_tokens, live.output_tokens);
    assert_string_not_equal(replay.key, live.key);
    llm_client_free(c);
}

static void test_fixture_falls_back_to_artifact_and_subject(void **state)
{
    struct result r = {0};
    struct llm_client *c;
    char dir[300], path[400];
    FILE *f;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/fx", tmp_dir);
    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/health-brief", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/health-brief/A1.md", dir);
    f = fopen(path, "w");
    fputs("## Health\nGreen.\n", f);
    fclose(f);
    c = fixture_client(dir);
    assert_int_equal(run_one(c, &r, false), CS_OK);
    assert_string_equal(r.text, "## Health\nGreen.\n");
    assert_true(r.from_fixture);
    /* No counts recorded: estimated, a quarter of the characters. */
    assert_int_equal(r.input_tokens, (long)((strlen(messages[0].content) +
                                             strlen(messages[1].content)) /
                                            4));
    assert_int_equal(r.output_tokens, (long)(strlen(r.text) / 4));
    llm_client_free(c);
}

static void test_fixture_miss_says_how_to_record(void **state)
{
    struct result r = {0};
    struct llm_client *c;
    struct llm_request req;
    char dir[300], fkey[65], want[1024];

    (void)state;
    snprintf(dir, sizeof(dir), "%s/empty", tmp_dir);
    c = fixture_client(dir);
    request_for(&req, c, "A1");
    assert_int_equal(llm_fixture_key(&req, fkey), CS_OK);
    capture_begin();
    assert_int_equal(run_one(c, &r, false), CS_UNAVAILABLE);
    capture_end();
    snprintf(want, sizeof(want),
             "csmap: error: no recorded answer for health-brief of account "
             "'A1' in '%s' (looked for %s.json and health-brief/A1.md); "
             "record one with a real provider: 'csmap generate health-brief "
             "--account A1 --as-of 2024-10-04 --provider openai --record "
             "%s' (or anthropic)\n",
             dir, fkey, dir);
    assert_string_equal(captured, want);
    assert_int_equal(r.rc, CS_UNAVAILABLE);
    llm_client_free(c);
}

static void test_pump_delivers_without_run(void **state)
{
    struct result r = {0};
    struct llm_request req;
    struct llm_client *c;
    struct mock m;
    int spins = 0;

    (void)state;
    mock_start(&m, NULL);
    c = client_for("openai", m.port, 0, 5000);
    request_for(&req, c, "A1");
    assert_int_equal(llm_submit(c, &req, on_done, &r), CS_OK);
    while (r.calls == 0 && spins++ < 5000) {
        llm_pump(c);
        usleep(1000);
    }
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.rc, CS_OK);
    /* Nothing is left for llm_run(), and nothing is delivered twice. */
    assert_int_equal(llm_run(c), CS_OK);
    assert_int_equal(r.calls, 1);
    llm_client_free(c);
    mock_stop(&m);
}

static void test_recording_needs_a_real_provider(void **state)
{
    struct config *cfg = config_for("fixture", 1, 0, 1);
    struct llm_options o = LLM_OPTIONS_INIT;
    struct llm_client *c = NULL;

    (void)state;
    o.fixtures_dir = tmp_dir;
    o.record_dir = tmp_dir;
    capture_begin();
    assert_int_equal(llm_client_new(cfg, &o, &c), CS_USAGE);
    capture_end();
    assert_null(c);
    assert_non_null(strstr(captured, "--record needs a real provider"));
    config_free(cfg);
}

/* ---- the key never leaks ---- */

static bool file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    static char data[1 << 20];
    size_t n;

    if (!f)
        return false;
    n = fread(data, 1, sizeof(data) - 1, f);
    fclose(f);
    return memmem(data, n, needle, strlen(needle)) != NULL;
}

static int tree_has(const char *path, const char *needle)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char sub[1024];
    int hits = 0;

    if (!d)
        return file_has(path, needle) ? 1 : 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        hits += tree_has(sub, needle);
    }
    closedir(d);
    return hits;
}

static void sentinel_run(const char *mode, const char *provider, bool stream,
                         struct store *st, const char *record)
{
    const char *args[] = {"--mode", mode, NULL};
    struct result r = {0};
    struct mock m;
    struct config *cfg;
    struct llm_options o = LLM_OPTIONS_INIT;
    struct llm_client *c = NULL;

    buf_init(&r.deltas, 1 << 16);
    mock_start(&m, args);
    cfg = config_for(provider, m.port, 1, 2);
    o.record_dir = record;
    o.backoff_base_ms = 10;
    o.backoff_cap_ms = 20;
    o.timeout_ms = 2000;
    assert_int_equal(llm_client_new(cfg, &o, &c), CS_OK);
    r.cache = st;
    r.cfg = cfg;
    run_one(c, &r, stream);
    assert_int_equal(stat_num(&m, "auth_match"), stat_num(&m, "requests"));
    config_free(cfg);
    llm_client_free(c);
    buf_release(&r.deltas);
    mock_stop(&m);
}

static void test_sentinel_key_appears_in_no_output(void **state)
{
    static const char *const modes[] = {"ok",        "401", "400",
                                        "error200",  "500", "429-then-ok",
                                        "malformed", "404"};
    char db[300], rec[300], path[400];
    struct store *st = NULL;
    size_t i;

    (void)state;
    setenv(KEY_ENV, SENTINEL, 1);
    snprintf(db, sizeof(db), "%s/csmap.db", tmp_dir);
    snprintf(rec, sizeof(rec), "%s/rec", tmp_dir);
    assert_int_equal(store_open(db, true, &st), CS_OK);
    log_set_level(LOG_DEBUG);
    capture_begin();
    for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        sentinel_run(modes[i], "openai", false, st, rec);
        sentinel_run(modes[i], "anthropic", i == 0, st, rec);
    }
    sentinel_run("sse-cut", "openai", true, st, rec);
    capture_end();
    log_set_level(LOG_WARN);
    store_close(st);

    /* The run did log requests and failures, and did record answers. */
    assert_non_null(strstr(captured, "csmap: debug: POST 127.0.0.1: HTTP "
                                     "401 in "));
    assert_non_null(strstr(captured, "invalid API key"));
    assert_non_null(strstr(captured, "[redacted]"));
    snprintf(path, sizeof(path), "%s/health-brief/A1.md", rec);
    assert_true(file_has(path, "Call the sponsor."));
    /* ... and the key is nowhere. */
    assert_null(strstr(captured, SENTINEL));
    assert_int_equal(tree_has(tmp_dir, SENTINEL), 0);
    /* The test can see the sentinel when it is there. */
    snprintf(path, sizeof(path), "%s/canary", tmp_dir);
    assert_int_equal(tree_has(path, SENTINEL), 0);
    {
        FILE *f = fopen(path, "w");
        fputs("x " SENTINEL " y", f);
        fclose(f);
    }
    assert_int_equal(tree_has(tmp_dir, SENTINEL), 1);
}

static void test_only_answers_are_cached(void **state)
{
    char db[300];
    struct store *st = NULL;
    struct cache_entry *e = NULL;
    struct cache_stats stats;
    struct result ok = {0}, bad = {0};
    const char *args[] = {"--mode", "error200", NULL};
    struct mock m;
    struct llm_client *c;
    struct config *cfg = config_for("openai", 1, 0, 1);

    (void)state;
    snprintf(db, sizeof(db), "%s/csmap.db", tmp_dir);
    assert_int_equal(store_open(db, true, &st), CS_OK);
    ok.cache = bad.cache = st;
    ok.cfg = bad.cfg = cfg;

    mock_start(&m, args);
    c = client_for("openai", m.port, 0, 5000);
    capture_begin();
    assert_int_equal(run_one(c, &bad, false), CS_DATA);
    capture_end();
    llm_client_free(c);
    mock_stop(&m);
    assert_int_equal(cache_get(st, bad.key, &e), CS_NOTFOUND);

    mock_start(&m, NULL);
    c = client_for("openai", m.port, 0, 5000);
    assert_int_equal(run_one(c, &ok, false), CS_OK);
    llm_client_free(c);
    mock_stop(&m);
    assert_int_equal(cache_get(st, bad.key, &e), CS_NOTFOUND);
    assert_int_equal(cache_get(st, ok.key, &e), CS_OK);
    assert_string_equal(e->output, ok.text);
    assert_string_equal(e->artifact, "health-brief");
    assert_string_equal(e->subject, "A1");
    assert_string_equal(e->provider, "openai");
    assert_string_equal(e->model, "mock-1");
    assert_int_equal(e->input_tokens, ok.input_tokens);
    /* 1.00 per million input tokens, 2.00 per million output tokens. */
    assert_true(e->cost > 0);
    assert_true(
        e->cost ==
        ((double)ok.input_tokens * 1.0 + (double)ok.output_tokens * 2.0) / 1e6);
    cache_entry_free(e);
    assert_int_equal(cache_stats(st, &stats), CS_OK);
    assert_int_equal(stats.entries, 1);
    cache_stats_release(&stats);
    store_close(st);
    config_free(cfg);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_openai_answer_is_parsed_and_the_key_is_sent),
        T(test_openai_without_a_key_sends_no_authorization),
        T(test_json_artifact_asks_for_a_schema),
        T(test_anthropic_answer_joins_blocks_and_sends_version),
        T(test_anthropic_without_a_key_is_refused),
        T(test_429_is_retried_and_succeeds),
        T(test_retry_after_seconds_is_honoured),
        T(test_500_exhausts_retries_as_temporary),
        T(test_503_then_ok_succeeds),
        T(test_reset_then_ok_succeeds),
        T(test_reset_every_time_is_temporary),
        T(test_stall_times_out_without_hanging),
        T(test_truncated_body_fails),
        T(test_malformed_json_fails_without_retry),
        T(test_error_object_in_200_fails),
        T(test_401_is_an_invalid_key_without_retry),
        T(test_404_names_the_model),
        T(test_400_keeps_the_server_message_but_not_the_key),
        T(test_answer_over_8_mb_is_refused),
        T(test_unreachable_server_is_unavailable),
        T(test_openai_stream_delivers_deltas),
        T(test_anthropic_stream_delivers_deltas),
        T(test_stream_cut_mid_event_is_a_failure),
        T(test_jobs_bound_the_requests_in_flight),
        T(test_key_file_must_be_private),
        T(test_recorded_answer_replays_by_key),
        T(test_fixture_falls_back_to_artifact_and_subject),
        T(test_fixture_miss_says_how_to_record),
        T(test_recording_needs_a_real_provider),
        T(test_pump_delivers_without_run),
        T(test_sentinel_key_appears_in_no_output),
        T(test_only_answers_are_cached),
    };

    mem_init();
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    find_mock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
