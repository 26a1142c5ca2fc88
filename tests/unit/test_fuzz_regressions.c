/* Regression tests for the bugs the fuzz harnesses found (docs/fuzzing.md):
 * each test is the smallest input that showed the bug, and the behaviour
 * the fix promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../src/ingest/internal.h"
#include "../../src/llm/llm_int.h"
#include "csmap/buf.h"
#include "csmap/config.h"
#include "csmap/ground.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/redact.h"
#include "csmap/regex.h"

/* Redact text with r, restore it, and check both results. */
static void round_trip(struct redact *r, const char *text, const char *want)
{
    struct buf red = BUF_INIT, back = BUF_INIT;

    assert_int_equal(redact_text(r, text, strlen(text), &red), CS_OK);
    assert_string_equal(buf_str(&red), want);
    assert_int_equal(redact_restore(r, red.data, red.len, &back), CS_OK);
    assert_string_equal(buf_str(&back), text);
    buf_release(&red);
    buf_release(&back);
}

/* fuzz_redact: a text that already held "<EMAIL_1>" next to an address
 * came back with the address twice. */
static void test_placeholder_text_in_input_survives_restore(void **state)
{
    struct redact *r;

    (void)state;
    assert_int_equal(redact_new(NULL, 0, &r), CS_OK);
    round_trip(r, "bo@x.io wrote <EMAIL_1>", "<EMAIL_1> wrote <TEXT_1>");
    /* Text with no number, or no label, is not placeholder-shaped. */
    round_trip(r, "<TODO> <_1> <EMAIL_> <TEXT_1>",
               "<TODO> <_1> <EMAIL_> "
               "<TEXT_2>");
    redact_free(r);
}

/* Review of fuzz_redact: a configured pattern labelled like a built-in
 * kind (or like another pattern) handed out the same placeholders. */
static void test_clashing_labels_get_distinct_placeholders(void **state)
{
    struct config_redact_pattern pats[2];
    char err[256], email[] = "email", other[] = "Email 6";
    struct redact *r;

    (void)state;
    pats[0].label = email;
    pats[0].re = regex_compile("CUST-[0-9]+", false, err, sizeof(err));
    pats[1].label = other;
    pats[1].re = regex_compile("ACC-[0-9]+", false, err, sizeof(err));
    assert_non_null(pats[0].re);
    assert_non_null(pats[1].re);
    assert_int_equal(redact_new(pats, 2, &r), CS_OK);
    round_trip(r, "CUST-1 ann@x.io ACC-2 EMAIL_6",
               "<EMAIL_6_1> <EMAIL_1> <EMAIL_6_7_1> EMAIL_6");
    redact_free(r);
    regex_free(pats[0].re);
    regex_free(pats[1].re);
}

/* Parse body with prov and return the input token count. */
static long input_tokens(const struct llm_provider *prov, const char *body)
{
    struct llm_response resp = {0};
    struct buf err = BUF_INIT;
    long n;

    assert_int_equal(prov->parse(body, strlen(body), &resp, &err), CS_OK);
    n = resp.input_tokens;
    mem_free(resp.text);
    mem_free(resp.finish_reason);
    buf_release(&err);
    return n;
}

/* fuzz_llm: a token count past the range of long was converted anyway,
 * which is undefined (UBSan: "1e+300 is outside the range"). */
static void test_out_of_range_token_counts_read_as_zero(void **state)
{
    (void)state;
    assert_int_equal(input_tokens(&llm_openai,
                                  "{\"choices\":[{\"message\":{\"content\":"
                                  "\"x\"}}],\"usage\":{\"prompt_tokens\":"
                                  "1e300}}"),
                     0);
    assert_int_equal(input_tokens(&llm_anthropic,
                                  "{\"content\":[],\"usage\":{\"input_"
                                  "tokens\":-1e30}}"),
                     0);
    assert_int_equal(input_tokens(&llm_openai,
                                  "{\"choices\":[{\"message\":{\"content\":"
                                  "\"x\"}}],\"usage\":{\"prompt_tokens\":"
                                  "812}}"),
                     812);
}

/* What config_parse reported on stderr for text (at most size bytes). */
static enum csmap_rc parse_config(const char *text, char *msg, size_t size)
{
    FILE *tmp = tmpfile();
    int saved = dup(2);
    struct config *cfg = NULL;
    enum csmap_rc rc;
    size_t n;

    assert_non_null(tmp);
    fflush(stderr);
    dup2(fileno(tmp), 2);
    rc = config_parse("csmap.json", text, strlen(text), &cfg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    n = fread(msg, 1, size - 1, tmp);
    msg[n] = '\0';
    fclose(tmp);
    config_free(cfg);
    return rc;
}

/* fuzz_config: a whole-number setting of 1e300 was converted to long to
 * see whether it had a fraction, which is undefined. */
static void test_huge_whole_number_setting_is_out_of_range(void **state)
{
    char msg[512];

    (void)state;
    assert_int_equal(parse_config("{\"renewal\": {\"window_days\": 1e300}}",
                                  msg, sizeof(msg)),
                     CS_CONFIG);
    assert_non_null(strstr(msg, "renewal.window_days: must be between"));
    assert_int_equal(
        parse_config("{\"renewal\": {\"window_days\": 7.5}}", msg, sizeof(msg)),
        CS_CONFIG);
    assert_non_null(strstr(msg, "renewal.window_days: must be a whole"));
}

/* Fill a tickets row from the Zendesk ticket in json. */
static enum csmap_rc zendesk_ticket_row(const char *json, struct row *row)
{
    cJSON *t = cJSON_Parse(json);
    struct buf tags = BUF_INIT;
    enum csmap_rc rc;

    assert_non_null(t);
    row_clear(row);
    rc = zendesk_row(t, "t.json", &tags, row);
    buf_release(&tags);
    cJSON_Delete(t);
    return rc;
}

/* fuzz_presets: a Zendesk id written as a number too large for the
 * 32-byte scratch ("%.0f" of 3.6e99) was copied at its full length. */
static void test_zendesk_id_too_large_is_a_bad_row(void **state)
{
    struct row row;

    (void)state;
    log_set_level(LOG_QUIET);
    assert_int_equal(zendesk_ticket_row("{\"id\": 4, \"organization_id\": "
                                        "3.6e99, \"created_at\": "
                                        "\"2024-06-01T10:00:00Z\"}",
                                        &row),
                     CS_DATA);
    assert_int_equal(zendesk_ticket_row("{\"id\": 1e30, \"organization_id\": "
                                        "3601, \"created_at\": "
                                        "\"2024-06-01T10:00:00Z\"}",
                                        &row),
                     CS_OK);
    assert_int_equal(row.v[F_TK_ID].n, 31);
    assert_memory_equal(row.v[F_TK_ACCOUNT].p, "3601", 4);
    log_set_level(LOG_WARN);
}

/* The same in a Segment call: a user id too large to write names no user
 * (it was cut to 31 digits). */
static void test_segment_user_too_large_is_no_user(void **state)
{
    cJSON *call = cJSON_Parse("{\"userId\": 1e40, \"anonymousId\": \"a\"}");
    char tmp[32];

    (void)state;
    assert_non_null(call);
    assert_string_equal(ingest_segment_user(call, tmp), "a");
    cJSON_Delete(call);
    call = cJSON_Parse("{\"userId\": 12345}");
    assert_string_equal(ingest_segment_user(call, tmp), "12345");
    cJSON_Delete(call);
}

/* Review after fuzz_presets, shown by fuzz_jsonl: a JSON number past the
 * range of int64_t was converted to it before the range was checked.  Only
 * a clang UBSan build with UBSAN_OPTIONS=halt_on_error=1 sees the old bug; the
 * text it gives is the same. */
static void test_huge_json_number_is_written_out(void **state)
{
    cJSON *obj = cJSON_Parse("{\"account_id\": \"a1\", \"name\": 1e300, "
                             "\"seats\": -42, \"signup_date\": "
                             "\"2024-01-05\"}");
    const struct kind_spec *ks = kind_spec_of(INGEST_ACCOUNTS);
    struct row row;

    (void)state;
    assert_non_null(obj);
    row_clear(&row);
    assert_int_equal(row_from_json(ks, NULL, obj, "a.jsonl", &row), CS_OK);
    assert_int_equal(row.v[F_ACC_NAME].n, strlen("1.0000000000000001e+300"));
    assert_memory_equal(row.v[F_ACC_NAME].p, "1.0000000000000001e+300",
                        row.v[F_ACC_NAME].n);
    assert_memory_equal(row.v[F_ACC_SEATS].p, "-42", 3);
    cJSON_Delete(obj);
}

/* The texts ground_numbers finds ungrounded in the first len bytes of
 * answer, joined by '|'. */
static void expect_ungrounded(const char *answer, size_t len,
                              const char *context, const char *want)
{
    cJSON *ctx = cJSON_Parse(context);
    cJSON *ungrounded = cJSON_CreateArray();
    cJSON *item;
    struct buf got = BUF_INIT;
    int checked = 0;

    assert_non_null(ctx);
    assert_int_equal(
        ground_numbers(answer, len, ctx, NULL, 0, ungrounded, &checked), CS_OK);
    cJSON_ArrayForEach(item, ungrounded)
    {
        if (got.len)
            buf_addc(&got, '|');
        buf_adds(&got, item->valuestring);
    }
    assert_string_equal(got.len ? buf_str(&got) : "", want);
    buf_release(&got);
    cJSON_Delete(ungrounded);
    cJSON_Delete(ctx);
}

/* fuzz_ground: a day of month or a year at the very end of the answer was
 * read with atoi(), which went on past the answer's length. */
static void test_date_at_end_of_answer_is_read_within_it(void **state)
{
    static const char text[] = "due September 30, 2026";

    (void)state;
    /* "due September 3": the '0' after it is not part of the answer. */
    expect_ungrounded(text, strlen("due September 3"),
                      "{\"due\": \"2026-09-03\"}", "");
    /* "due September 30, 202": no year, so 202 is a number of its own. */
    expect_ungrounded(text, strlen(text) - 1, "{\"due\": \"2026-09-30\"}",
                      "202");
    expect_ungrounded(text, strlen(text), "{\"due\": \"2025-09-30\"}",
                      "September 30, 2026");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholder_text_in_input_survives_restore),
        cmocka_unit_test(test_clashing_labels_get_distinct_placeholders),
        cmocka_unit_test(test_out_of_range_token_counts_read_as_zero),
        cmocka_unit_test(test_huge_whole_number_setting_is_out_of_range),
        cmocka_unit_test(test_zendesk_id_too_large_is_a_bad_row),
        cmocka_unit_test(test_segment_user_too_large_is_no_user),
        cmocka_unit_test(test_huge_json_number_is_written_out),
        cmocka_unit_test(test_date_at_end_of_answer_is_read_within_it),
    };

    mem_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
