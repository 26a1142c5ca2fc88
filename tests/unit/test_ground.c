/* Tests for the answer checks: grounding, sections, JSON keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "csmap/ground.h"
#include "csmap/mem.h"

static const char context_json[] =
    "{\"as_of\": \"2026-10-01\", \"owner\": \"CS lead\","
    " \"account\": {\"arr\": 48000, \"segment_arr\": 1200000,"
    "  \"seats\": 1200, \"usage\": {\"trend_pct\": -12.5,"
    "  \"seat_utilization\": 0.25},"
    "  \"health\": {\"score\": 61.83, \"share_pct\": 40},"
    "  \"renewal\": {\"renewal_date\": \"2026-11-30\","
    "   \"days_to_renewal\": 60}},"
    " \"tickets\": [{\"subject\": \"Export fails after 3 retries\","
    "  \"created_at\": \"2026-09-14T10:30:00Z\"}]}";

/* The ungrounded texts of answer, joined by '|'; the caller frees. */
static char *ungrounded_of(const char *answer, const char *prompt, int *checked)
{
    cJSON *ctx = cJSON_Parse(context_json);
    cJSON *list = cJSON_CreateArray();
    char joined[1024] = "";
    const cJSON *it;

    assert_non_null(ctx);
    assert_int_equal(ground_numbers(answer, strlen(answer), ctx, prompt,
                                    prompt ? strlen(prompt) : 0, list, checked),
                     CS_OK);
    cJSON_ArrayForEach(it, list)
    {
        if (joined[0])
            strcat(joined, "|");
        strcat(joined, it->valuestring);
    }
    cJSON_Delete(list);
    cJSON_Delete(ctx);
    return mem_strdup(joined);
}

static void expect_ungrounded(const char *answer, const char *prompt,
                              const char *want, int want_checked)
{
    int checked = -1;
    char *got = ungrounded_of(answer, prompt, &checked);

    assert_string_equal(got, want);
    assert_int_equal(checked, want_checked);
    mem_free(got);
}

static void test_percent_with_and_without_space(void **state)
{
    (void)state;
    expect_ungrounded("Usage fell 12.5% (12.5 % week on week, -12.5 "
                      "percent).",
                      NULL, "", 3);
}

static void test_thousands_and_money_suffixes(void **state)
{
    (void)state;
    expect_ungrounded("1,200 seats (1200), $48k ARR, $48,000, segment "
                      "$1.2M and \xe2\x82\xac"
                      "1.2m.",
                      NULL, "", 6);
}

static void test_ratio_and_percent_are_interchangeable(void **state)
{
    (void)state;
    expect_ungrounded("Seat use is 25% (0.25); 0.4 of the score share.", NULL,
                      "", 3);
}

static void test_rounding_to_the_shown_precision(void **state)
{
    (void)state;
    expect_ungrounded("Score 62, or 61.8 to be exact; not 61.9.", NULL, "61.9",
                      3);
}

static void test_dates_in_several_forms(void **state)
{
    (void)state;
    expect_ungrounded("Renews 2026-11-30 (Nov 30, 30 November 2026, "
                      "November 30, 2026) in 60 days; not Dec 1.",
                      NULL, "Dec 1", 6);
    expect_ungrounded("Call before Nov 30th, the 30th of November? No: "
                      "by 30th Nov 2026, not Dec 2nd.",
                      NULL, "Dec 2nd", 3);
}

static void test_deadlines_in_the_next_two_weeks_are_allowed(void **state)
{
    (void)state;
    expect_ungrounded("Call by 2026-10-05, send the deck on Oct 15 and "
                      "meet on 2026-10-16; it happened on 2026-09-20.",
                      NULL, "2026-10-16|2026-09-20", 4);
}

static void test_clearly_ungrounded_number_is_flagged(void **state)
{
    (void)state;
    expect_ungrounded("There were 37 tickets and a $95k gap; 37 again.", NULL,
                      "37|$95k", 3);
}

static void test_numbering_and_identifiers_are_not_checked(void **state)
{
    (void)state;
    expect_ungrounded("## 2. Risks\n"
                      "1. Call <EMAIL_1> in Q3 about step 4\n"
                      "2) See https://x.io/a/777 at 10:30, the 3rd time,"
                      " SKU 2FA v1.2.3\n",
                      NULL, "", 0);
}

static void test_counts_asked_for_by_the_prompt_are_grounded(void **state)
{
    (void)state;
    expect_ungrounded("Here are 7 emails.", NULL, "7", 1);
    expect_ungrounded("Here are 7 emails.",
                      "Write 7 emails, under 120 "
                      "words each.",
                      "", 1);
}

static void test_numbers_inside_context_text_count(void **state)
{
    (void)state;
    expect_ungrounded("The export failed after 3 retries on Sep 14.", NULL, "",
                      2);
}

static void test_required_sections(void **state)
{
    const char *answer = "# Health brief\n"
                         "## 1. Summary\n"
                         "text\n"
                         "**Risks:**\n"
                         "- one\n"
                         "### next STEPS this week\n"
                         "#Not a heading\n";
    const char *const sections[] = {"Summary", "Risks", "Next steps",
                                    "Not a heading", "Sum"};
    cJSON *missing = cJSON_CreateArray();
    char *s;

    (void)state;
    assert_int_equal(
        ground_sections(answer, strlen(answer), sections, 5, missing), CS_OK);
    s = cJSON_PrintUnformatted(missing);
    assert_string_equal(s, "[\"Not a heading\",\"Sum\"]");
    cJSON_free(s);
    cJSON_Delete(missing);
}

static void test_json_keys(void **state)
{
    const char *answer =
        "```json\n{\"emails\": [{\"subject\": \"a\", \"body\": \"b\"},"
        " {\"subject\": \"c\"}], \"goal\": \"activate\"}\n```\n";
    const char *const keys[] = {"emails", "goal", "emails[].subject",
                                "emails[].body", "owner"};
    cJSON *missing = cJSON_CreateArray();
    bool valid = false;
    char *s;

    (void)state;
    assert_int_equal(
        ground_json(answer, strlen(answer), keys, 5, missing, &valid, NULL),
        CS_OK);
    assert_true(valid);
    s = cJSON_PrintUnformatted(missing);
    assert_string_equal(s, "[\"emails[].body\",\"owner\"]");
    cJSON_free(s);
    cJSON_Delete(missing);
}

static void test_invalid_json_misses_every_key(void **state)
{
    const char *const keys[] = {"emails"};
    cJSON *missing = cJSON_CreateArray();
    bool valid = true;

    (void)state;
    assert_int_equal(
        ground_json("{\"emails\": [", 12, keys, 1, missing, &valid, NULL),
        CS_OK);
    assert_false(valid);
    assert_int_equal(cJSON_GetArraySize(missing), 1);
    cJSON_Delete(missing);
}

static void test_check_result_shape(void **state)
{
    const char *const sections[] = {"Summary", "Next steps"};
    struct ground_spec spec = {sections, 2, false, NULL, 0};
    const char *answer = "## Summary\nARR is $48k and 99 users left.\n";
    cJSON *ctx = cJSON_Parse(context_json);
    cJSON *res = NULL;
    char *s;

    (void)state;
    assert_int_equal(
        ground_check(answer, strlen(answer), ctx, NULL, 0, &spec, &res), CS_OK);
    s = cJSON_PrintUnformatted(res);
    assert_string_equal(s, "{\"sections_missing\":[\"Next steps\"],"
                           "\"json_valid\":null,\"keys_missing\":[],"
                           "\"ungrounded\":[\"99\"],"
                           "\"numbers_checked\":2}");
    cJSON_free(s);
    cJSON_Delete(res);
    cJSON_Delete(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percent_with_and_without_space),
        cmocka_unit_test(test_thousands_and_money_suffixes),
        cmocka_unit_test(test_ratio_and_percent_are_interchangeable),
        cmocka_unit_test(test_rounding_to_the_shown_precision),
        cmocka_unit_test(test_dates_in_several_forms),
        cmocka_unit_test(test_deadlines_in_the_next_two_weeks_are_allowed),
        cmocka_unit_test(test_clearly_ungrounded_number_is_flagged),
        cmocka_unit_test(test_numbering_and_identifiers_are_not_checked),
        cmocka_unit_test(test_counts_asked_for_by_the_prompt_are_grounded),
        cmocka_unit_test(test_numbers_inside_context_text_count),
        cmocka_unit_test(test_required_sections),
        cmocka_unit_test(test_json_keys),
        cmocka_unit_test(test_invalid_json_misses_every_key),
        cmocka_unit_test(test_check_result_shape),
    };

    mem_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
