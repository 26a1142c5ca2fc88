/* Tests of the LLM layer's pure parts: SSE, keys, backoff, rate, parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../src/llm/llm_int.h"
#include "csmap/mem.h"

struct events {
    char log[2048];
    int n;
};

static enum csmap_rc collect(void *ctx, const char *event, const char *data)
{
    struct events *e = ctx;
    size_t len = strlen(e->log);

    snprintf(e->log + len, sizeof(e->log) - len, "[%s|%s]", event, data);
    e->n++;
    return CS_OK;
}

static const char sse_text[] = ": a comment\r\n"
                               "event: message_start\r\n"
                               "data: {\"a\":1}\r\n"
                               "\r\n"
                               "data: first\n"
                               "data: second\n"
                               "\n"
                               "data:nospace\n"
                               "\n"
                               "data: [DONE]\n"
                               "\n";

static const char sse_want[] =
    "[message_start|{\"a\":1}][|first\nsecond][|nospace][|[DONE]]";

static void test_sse_events_survive_any_split(void **state)
{
    size_t step, i, n = strlen(sse_text);

    (void)state;
    for (step = 1; step <= n; step++) {
        struct sse_parser p;
        struct events e = {{0}, 0};

        sse_init(&p, collect, &e);
        for (i = 0; i < n; i += step)
            assert_int_equal(
                sse_feed(&p, sse_text + i, n - i < step ? n - i : step), CS_OK);
        assert_string_equal(e.log, sse_want);
        assert_int_equal(e.n, 4);
        assert_false(sse_partial(&p));
        sse_release(&p);
    }
}

static void test_sse_cut_mid_event_is_partial(void **state)
{
    struct sse_parser p;
    struct events e = {{0}, 0};
    const char *cut = "data: {\"x\":1}\n\ndata: {\"tr";

    (void)state;
    sse_init(&p, collect, &e);
    assert_int_equal(sse_feed(&p, cut, strlen(cut)), CS_OK);
    assert_int_equal(e.n, 1);
    assert_true(sse_partial(&p));
    sse_release(&p);
}

static void test_retry_after_reads_seconds_and_dates(void **state)
{
    int64_t now = 1700000000;
    char date[64];
    time_t later = (time_t)(now + 10);
    struct tm tm;

    (void)state;
    assert_int_equal(llm_parse_retry_after("5", now), 5000);
    assert_int_equal(llm_parse_retry_after(" 0\r\n", now), 0);
    assert_int_equal(llm_parse_retry_after("600", now), 120000);
    assert_int_equal(llm_parse_retry_after("soon", now), -1);
    assert_int_equal(llm_parse_retry_after("5s", now), -1);
    gmtime_r(&later, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    assert_int_equal(llm_parse_retry_after(date, now), 10000);
    assert_int_equal(llm_parse_retry_after(date, now + 20), 0);
}

static void test_backoff_is_full_jitter_under_a_doubling_cap(void **state)
{
    static const long ceiling[] = {500, 1000, 2000, 4000, 8000, 8000};
    uint64_t rng = 42;
    int attempt, i;

    (void)state;
    for (attempt = 1; attempt <= 6; attempt++) {
        long lo = 100000, hi = -1;

        for (i = 0; i < 2000; i++) {
            long d = llm_backoff_ms(attempt, 500, 8000, &rng);

            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        assert_true(lo >= 0);
        assert_true(lo < ceiling[attempt - 1] / 10);
        assert_true(hi <= ceiling[attempt - 1]);
        assert_true(hi > ceiling[attempt - 1] * 9 / 10);
    }
}

static void base_request(struct llm_request *r, struct llm_message *m)
{
    memset(r, 0, sizeof(*r));
    m[0].role = "system";
    m[0].content = "You are terse.";
    m[1].role = "user";
    m[1].content = "Summarise account A1.";
    r->provider = "openai";
    r->base_url = "https://api.openai.com/v1";
    r->model = "gpt-4o-mini";
    r->temperature = 0.2;
    r->max_tokens = 800;
    r->messages = m;
    r->n_messages = 2;
}

static void test_request_key_changes_with_every_field(void **state)
{
    struct llm_request r;
    struct llm_message m[2];
    char a[65], b[65], fa[65], fb[65];

    (void)state;
    base_request(&r, m);
    assert_int_equal(llm_request_key(&r, a), CS_OK);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(llm_request_key(&r, b), CS_OK);
    assert_string_equal(a, b);
#define CHANGED(stmt)                                                          \
    do {                                                                       \
        base_request(&r, m);                                                   \
        stmt;                                                                  \
        assert_int_equal(llm_request_key(&r, b), CS_OK);                       \
        assert_string_not_equal(a, b);                                         \
    } while (0)
    CHANGED(r.provider = "anthropic");
    CHANGED(r.base_url = "http://localhost:8080/v1");
    CHANGED(r.model = "gpt-4o");
    CHANGED(r.temperature = 0.3);
    CHANGED(r.max_tokens = 801);
    CHANGED(r.json_schema = "{}");
    CHANGED(m[1].content = "Summarise account A2.");
    CHANGED(m[1].role = "assistant");
    CHANGED(r.n_messages = 1);
    /* Fields cannot run together: "ab"+"c" is not "a"+"bc". */
    CHANGED((m[0].content = "You are terse.S",
             m[1].content = "ummarise account A1."));
#undef CHANGED
    /* The fixture key ignores where the answer came from. */
    base_request(&r, m);
    assert_int_equal(llm_fixture_key(&r, fa), CS_OK);
    r.provider = "fixture";
    r.base_url = "";
    assert_int_equal(llm_fixture_key(&r, fb), CS_OK);
    assert_string_equal(fa, fb);
    assert_string_not_equal(fa, a);
}

static void test_scrub_removes_every_copy_of_the_key(void **state)
{
    char s[] = "bad key sk-abcdef123456 (sk-abcdef123456)";
    char short_key[] = "key ab here";

    (void)state;
    llm_scrub(s, "sk-abcdef123456");
    assert_string_equal(s, "bad key [redacted] ([redacted])");
    llm_scrub(short_key, NULL);
    assert_string_equal(short_key, "key ab here");
}

static void test_url_host_drops_user_info_and_port(void **state)
{
    char h[64];

    (void)state;
    llm_url_host("https://user:secret@api.example.com:8443/v1", h, sizeof(h));
    assert_string_equal(h, "api.example.com");
    llm_url_host("http://127.0.0.1:11434/v1", h, sizeof(h));
    assert_string_equal(h, "127.0.0.1");
    llm_url_host("https://api.anthropic.com", h, sizeof(h));
    assert_string_equal(h, "api.anthropic.com");
}

static void test_rate_limits_requests_per_minute(void **state)
{
    struct llm_rate r = {0};

    (void)state;
    assert_int_equal(llm_rate_wait(&r, 1000, 2, 0, 10), 0);
    assert_int_equal(llm_rate_note(&r, 1000, 10), CS_OK);
    assert_int_equal(llm_rate_note(&r, 2000, 10), CS_OK);
    /* The third waits until the first is a minute old. */
    assert_int_equal(llm_rate_wait(&r, 3000, 2, 0, 10), 58000);
    assert_int_equal(llm_rate_wait(&r, 60999, 2, 0, 10), 1);
    assert_int_equal(llm_rate_wait(&r, 61000, 2, 0, 10), 0);
    assert_int_equal(llm_rate_wait(&r, 61000, 0, 0, 10), 0);
    llm_rate_release(&r);
}

static void test_rate_limits_tokens_per_minute(void **state)
{
    struct llm_rate r = {0};

    (void)state;
    assert_int_equal(llm_rate_note(&r, 0, 600), CS_OK);
    assert_int_equal(llm_rate_note(&r, 5000, 300), CS_OK);
    /* 900 used of 1000: 100 fits, 200 waits for the first to expire. */
    assert_int_equal(llm_rate_wait(&r, 10000, 0, 1000, 100), 0);
    assert_int_equal(llm_rate_wait(&r, 10000, 0, 1000, 200), 50000);
    /* Larger than the whole budget: waits for an empty window. */
    assert_int_equal(llm_rate_wait(&r, 10000, 0, 1000, 5000), 55000);
    llm_rate_release(&r);
}

static void test_openai_body_has_parameters_schema_and_stream(void **state)
{
    struct llm_request r;
    struct llm_message m[2];
    struct buf b = BUF_INIT;

    (void)state;
    base_request(&r, m);
    r.json_schema = "{\"type\":\"object\"}";
    r.schema_name = "proposal";
    assert_int_equal(llm_openai.body(&r, true, &b), CS_OK);
    assert_non_null(strstr(buf_str(&b), "\"model\":\"gpt-4o-mini\""));
    assert_non_null(strstr(buf_str(&b), "\"temperature\":0.2"));
    assert_non_null(strstr(buf_str(&b), "\"max_tokens\":800"));
    assert_non_null(strstr(buf_str(&b),
                           "\"response_format\":{\"type\":\"json_schema\","
                           "\"json_schema\":{\"name\":\"proposal\","
                           "\"schema\":{\"type\":\"object\"}"));
    assert_non_null(strstr(buf_str(&b), "\"stream\":true"));
    assert_non_null(strstr(buf_str(&b), "{\"role\":\"system\",\"content\":"
                                        "\"You are terse.\"}"));
    buf_release(&b);
}

static void test_openai_reasoning_models_get_their_parameters(void **state)
{
    static const char *const reasoning[] = {"o1",    "o3-mini",    "o4-mini",
                                            "gpt-5", "gpt-5-mini", "openai/o3"};
    static const char *const chat[] = {"gpt-4o-mini", "o1x", "llama3.1",
                                       "gpt-50"};
    struct llm_request r;
    struct llm_message m[2];
    struct buf b = BUF_INIT;

    (void)state;
    base_request(&r, m);
    for (size_t i = 0; i < sizeof(reasoning) / sizeof(reasoning[0]); i++) {
        r.model = reasoning[i];
        buf_reset(&b);
        assert_int_equal(llm_openai.body(&r, false, &b), CS_OK);
        assert_non_null(strstr(buf_str(&b), "\"max_completion_tokens\":800"));
        assert_null(strstr(buf_str(&b), "\"max_tokens\""));
        assert_null(strstr(buf_str(&b), "\"temperature\""));
    }
    for (size_t i = 0; i < sizeof(chat) / sizeof(chat[0]); i++) {
        r.model = chat[i];
        buf_reset(&b);
        assert_int_equal(llm_openai.body(&r, false, &b), CS_OK);
        assert_non_null(strstr(buf_str(&b), "\"max_tokens\":800"));
        assert_non_null(strstr(buf_str(&b), "\"temperature\""));
    }
    buf_release(&b);
}

static void test_anthropic_body_puts_system_on_top(void **state)
{
    struct llm_request r;
    struct llm_message m[2];
    struct buf b = BUF_INIT;

    (void)state;
    base_request(&r, m);
    assert_int_equal(llm_anthropic.body(&r, false, &b), CS_OK);
    assert_string_equal(buf_str(&b),
                        "{\"model\":\"gpt-4o-mini\",\"max_tokens\":800,"
                        "\"temperature\":0.2,\"messages\":[{\"role\":"
                        "\"user\",\"content\":\"Summarise account A1.\"}],"
                        "\"system\":\"You are terse.\"}");
    buf_release(&b);
}

static void test_openai_parse_reads_text_usage_and_errors(void **state)
{
    const char *ok = "{\"choices\":[{\"message\":{\"content\":\"hi\"},"
                     "\"finish_reason\":\"stop\"}],\"usage\":{"
                     "\"prompt_tokens\":12,\"completion_tokens\":3}}";
    const char *err = "{\"error\":{\"message\":\"overloaded\"}}";
    struct llm_response r = {0};
    struct buf e = BUF_INIT;

    (void)state;
    assert_int_equal(llm_openai.parse(ok, strlen(ok), &r, &e), CS_OK);
    assert_string_equal(r.text, "hi");
    assert_string_equal(r.finish_reason, "stop");
    assert_int_equal(r.input_tokens, 12);
    assert_int_equal(r.output_tokens, 3);
    mem_free(r.text);
    mem_free(r.finish_reason);
    memset(&r, 0, sizeof(r));
    assert_int_equal(llm_openai.parse(err, strlen(err), &r, &e), CS_DATA);
    assert_null(r.text);
    assert_string_equal(buf_str(&e), "the answer is an error: overloaded");
    buf_reset(&e);
    assert_int_equal(llm_openai.parse("{\"cho", 5, &r, &e), CS_DATA);
    assert_string_equal(buf_str(&e), "the answer is not valid JSON");
    buf_release(&e);
}

static void test_openai_parse_reads_answers_as_servers_send_them(void **state)
{
    /* "error": null beside a good answer, content as a list of parts, and
     * a refusal. */
    const char *null_error = "{\"error\":null,\"choices\":[{\"message\":"
                             "{\"content\":\"hi\"}}]}";
    const char *parts = "{\"choices\":[{\"message\":{\"content\":["
                        "{\"type\":\"text\",\"text\":\"a\"},"
                        "{\"type\":\"image_url\",\"image_url\":{}},"
                        "{\"type\":\"text\",\"text\":\"b\"}]}}]}";
    const char *refusal = "{\"choices\":[{\"message\":{\"content\":null,"
                          "\"refusal\":\"I cannot help with that.\"}}]}";
    struct llm_response r = {0};
    struct buf e = BUF_INIT;

    (void)state;
    assert_int_equal(llm_openai.parse(null_error, strlen(null_error), &r, &e),
                     CS_OK);
    assert_string_equal(r.text, "hi");
    mem_free(r.text);
    memset(&r, 0, sizeof(r));
    assert_int_equal(llm_openai.parse(parts, strlen(parts), &r, &e), CS_OK);
    assert_string_equal(r.text, "ab");
    mem_free(r.text);
    memset(&r, 0, sizeof(r));
    assert_int_equal(llm_openai.parse(refusal, strlen(refusal), &r, &e),
                     CS_DATA);
    assert_string_equal(buf_str(&e),
                        "the model refused: I cannot help with that.");
    buf_release(&e);
}

static void test_anthropic_parse_joins_text_blocks(void **state)
{
    const char *ok = "{\"type\":\"message\",\"content\":[{\"type\":\"text\","
                     "\"text\":\"Hello, \"},{\"type\":\"tool_use\"},"
                     "{\"type\":\"text\",\"text\":\"world\"}],"
                     "\"stop_reason\":\"end_turn\",\"usage\":{"
                     "\"input_tokens\":7,\"output_tokens\":2}}";
    const char *err = "{\"type\":\"error\",\"error\":{\"type\":"
                      "\"overloaded_error\",\"message\":\"Overloaded\"}}";
    struct llm_response r = {0};
    struct buf e = BUF_INIT;

    (void)state;
    assert_int_equal(llm_anthropic.parse(ok, strlen(ok), &r, &e), CS_OK);
    assert_string_equal(r.text, "Hello, world");
    assert_string_equal(r.finish_reason, "end_turn");
    assert_int_equal(r.input_tokens, 7);
    assert_int_equal(r.output_tokens, 2);
    mem_free(r.text);
    mem_free(r.finish_reason);
    memset(&r, 0, sizeof(r));
    assert_int_equal(llm_anthropic.parse(err, strlen(err), &r, &e), CS_DATA);
    assert_string_equal(buf_str(&e), "the answer is an error: Overloaded");
    buf_release(&e);
    /* A proxy's "error": null beside a good answer is no error. */
    memset(&r, 0, sizeof(r));
    ok = "{\"type\":\"message\",\"error\":null,\"content\":["
         "{\"type\":\"thinking\",\"thinking\":\"hmm\"},"
         "{\"type\":\"text\",\"text\":\"Fine\"}]}";
    assert_int_equal(llm_anthropic.parse(ok, strlen(ok), &r, &e), CS_OK);
    assert_string_equal(r.text, "Fine");
    mem_free(r.text);
    mem_free(r.finish_reason);
    buf_release(&e);
}

static void test_anthropic_stream_events_build_the_answer(void **state)
{
    struct llm_stream st;

    (void)state;
    memset(&st, 0, sizeof(st));
    buf_init(&st.text, 1024);
    assert_int_equal(llm_anthropic.sse_event(
                         &st, "message_start",
                         "{\"type\":\"message_start\",\"message\":{\"usage\":"
                         "{\"input_tokens\":9,\"output_tokens\":1}}}"),
                     CS_OK);
    assert_int_equal(
        llm_anthropic.sse_event(&st, "ping", "{\"type\":\"ping\"}"), CS_OK);
    assert_int_equal(llm_anthropic.sse_event(
                         &st, "content_block_delta",
                         "{\"type\":\"content_block_delta\",\"delta\":{\"type\""
                         ":\"text_delta\",\"text\":\"Hel\"}}"),
                     CS_OK);
    assert_int_equal(llm_anthropic.sse_event(
                         &st, "content_block_delta",
                         "{\"type\":\"content_block_delta\",\"delta\":{\"type\""
                         ":\"text_delta\",\"text\":\"lo\"}}"),
                     CS_OK);
    assert_false(st.done);
    assert_int_equal(
        llm_anthropic.sse_event(&st, "message_delta",
                                "{\"type\":\"message_delta\",\"delta\":{"
                                "\"stop_reason\":\"max_tokens\"},\"usage\":{"
                                "\"output_tokens\":15}}"),
        CS_OK);
    assert_int_equal(llm_anthropic.sse_event(&st, "message_stop",
                                             "{\"type\":\"message_stop\"}"),
                     CS_OK);
    assert_true(st.done);
    assert_string_equal(buf_str(&st.text), "Hello");
    assert_int_equal(st.input_tokens, 9);
    assert_int_equal(st.output_tokens, 15);
    assert_string_equal(st.finish_reason, "max_tokens");
    assert_int_equal(
        llm_anthropic.sse_event(&st, "error",
                                "{\"type\":\"error\",\"error\":{\"message\":"
                                "\"Overloaded\"}}"),
        CS_DATA);
    assert_string_equal(st.error, "Overloaded");
    buf_release(&st.text);
    mem_free(st.finish_reason);
    mem_free(st.error);
}

static void test_openai_stream_events_build_the_answer(void **state)
{
    struct llm_stream st;

    (void)state;
    memset(&st, 0, sizeof(st));
    buf_init(&st.text, 1024);
    assert_int_equal(
        llm_openai.sse_event(
            &st, "", "{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}"),
        CS_OK);
    assert_int_equal(
        llm_openai.sse_event(
            &st, "", "{\"choices\":[{\"delta\":{\"content\":\"Hi \"}}]}"),
        CS_OK);
    assert_int_equal(
        llm_openai.sse_event(&st, "",
                             "{\"choices\":[{\"delta\":{\"content\":\"there\"},"
                             "\"finish_reason\":\"stop\"}]}"),
        CS_OK);
    assert_int_equal(
        llm_openai.sse_event(&st, "",
                             "{\"choices\":[],\"usage\":{\"prompt_tokens\":4,"
                             "\"completion_tokens\":2}}"),
        CS_OK);
    assert_false(st.done);
    assert_int_equal(llm_openai.sse_event(&st, "", "[DONE]"), CS_OK);
    assert_true(st.done);
    assert_string_equal(buf_str(&st.text), "Hi there");
    assert_string_equal(st.finish_reason, "stop");
    assert_int_equal(st.input_tokens, 4);
    assert_int_equal(st.output_tokens, 2);
    assert_int_equal(llm_openai.sse_event(&st, "", "{not json"), CS_DATA);
    buf_release(&st.text);
    mem_free(st.finish_reason);
}

static void test_safe_name_keeps_only_file_characters(void **state)
{
    char *a = llm_safe_name("../etc/pass wd");
    char *b = llm_safe_name("Acme-Co_1.2");

    (void)state;
    assert_string_equal(a, "_._etc_pass_wd");
    assert_string_equal(b, "Acme-Co_1.2");
    mem_free(a);
    mem_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sse_events_survive_any_split),
        cmocka_unit_test(test_sse_cut_mid_event_is_partial),
        cmocka_unit_test(test_retry_after_reads_seconds_and_dates),
        cmocka_unit_test(test_backoff_is_full_jitter_under_a_doubling_cap),
        cmocka_unit_test(test_request_key_changes_with_every_field),
        cmocka_unit_test(test_scrub_removes_every_copy_of_the_key),
        cmocka_unit_test(test_url_host_drops_user_info_and_port),
        cmocka_unit_test(test_rate_limits_requests_per_minute),
        cmocka_unit_test(test_rate_limits_tokens_per_minute),
        cmocka_unit_test(test_openai_body_has_parameters_schema_and_stream),
        cmocka_unit_test(test_openai_reasoning_models_get_their_parameters),
        cmocka_unit_test(test_anthropic_body_puts_system_on_top),
        cmocka_unit_test(test_openai_parse_reads_text_usage_and_errors),
        cmocka_unit_test(test_openai_parse_reads_answers_as_servers_send_them),
        cmocka_unit_test(test_anthropic_parse_joins_text_blocks),
        cmocka_unit_test(test_anthropic_stream_events_build_the_answer),
        cmocka_unit_test(test_openai_stream_events_build_the_answer),
        cmocka_unit_test(test_safe_name_keeps_only_file_characters),
    };

    mem_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
