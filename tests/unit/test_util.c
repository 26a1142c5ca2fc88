/* Tests of the utilities: dates, timestamps, buffers, hashing, regexes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "csmap/buf.h"
#include "csmap/date.h"
#include "csmap/hash.h"
#include "csmap/log.h"
#include "csmap/regex.h"

static int64_t ts(const char *s)
{
    int64_t t = -1;

    assert_true(date_parse_ts(s, strlen(s), &t));
    return t;
}

static void test_date_round_trips_through_day_numbers(void **state)
{
    char out[11];
    int32_t d;

    (void)state;
    assert_int_equal(date_from_civil(1970, 1, 1), 0);
    assert_int_equal(date_from_civil(2000, 3, 1), 11017);
    assert_true(date_parse("2024-02-29", 10, &d));
    date_format(d, out);
    assert_string_equal(out, "2024-02-29");
    date_format(date_from_civil(1969, 12, 31), out);
    assert_string_equal(out, "1969-12-31");
}

static void test_date_rejects_impossible_days_and_formats(void **state)
{
    int32_t d;

    (void)state;
    assert_false(date_parse("2023-02-29", 10, &d));
    assert_false(date_parse("2024-13-01", 10, &d));
    assert_false(date_parse("2024-1-01", 9, &d));
    assert_false(date_parse("20240101", 8, &d));
    assert_false(date_parse("2024-01-01T00:00:00Z", 20, &d));
    assert_false(date_parse("2024/01/01", 10, &d));
}

static void test_timestamps_convert_every_zone_to_utc(void **state)
{
    int64_t base = ts("2024-03-10T12:00:00Z");

    (void)state;
    assert_int_equal(ts("2024-03-10"), base - 12 * 3600);
    assert_int_equal(ts("2024-03-10T12:00:00"), base);
    assert_int_equal(ts("2024-03-10T12:00:00.123456Z"), base);
    assert_int_equal(ts("2024-03-10T14:00:00+02:00"), base);
    assert_int_equal(ts("2024-03-10T07:00:00-0500"), base);
    assert_int_equal(ts("2024-03-10T13:00+01"), base);
    assert_int_equal(ts("2024-03-10 12:00:00"), base);
}

static void test_timestamp_crossing_midnight_lands_on_utc_day(void **state)
{
    char out[11];

    (void)state;
    date_format(date_of_ts(ts("2024-03-10T23:30:00-02:00")), out);
    assert_string_equal(out, "2024-03-11");
    date_format(date_of_ts(ts("2024-03-11T00:30:00+02:00")), out);
    assert_string_equal(out, "2024-03-10");
    date_format(date_of_ts(ts("1969-12-31T23:59:59Z")), out);
    assert_string_equal(out, "1969-12-31");
}

static void test_timestamps_reject_garbage(void **state)
{
    static const char *const bad[] = {
        "2024-03-10T25:00:00Z",
        "2024-03-10T12:00:00+2",
        "2024-03-10T12:00:00Q",
        "2024-03-10T12",
        "yesterday",
        "2024-03-10T12:00:00.Z",
    };
    int64_t t;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(date_parse_ts(bad[i], strlen(bad[i]), &t));
}

static void test_buf_grows_and_refuses_past_its_cap(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 8);
    assert_int_equal(buf_adds(&b, "abc"), CS_OK);
    assert_int_equal(buf_printf(&b, "%d", 42), CS_OK);
    assert_string_equal(buf_str(&b), "abc42");
    assert_int_equal(buf_adds(&b, "toolong"), CS_TOOBIG);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_str(&b), "");
    buf_release(&b);
}

static void test_sha256_matches_the_known_digest(void **state)
{
    char hex[65];

    (void)state;
    assert_int_equal(hash_sha256_hex("abc", 3, hex), CS_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
                             "b00361a396177a9cb410ff61f20015ad");
    assert_true(hash64("a", 1, 0) != hash64("b", 1, 0));
    assert_true(hash64("ab", 2, 0) == hash64("ab", 2, 0));
}

static void test_regex_reports_offset_and_survives_bad_utf8(void **state)
{
    char err[256];
    struct regex *re = regex_compile("(x", false, err, sizeof(err));

    (void)state;
    assert_null(re);
    assert_non_null(strstr(err, "invalid regex at offset 2"));
    re = regex_compile("sso", true, err, sizeof(err));
    assert_non_null(re);
    assert_int_equal(regex_search(re, "bad \xff\xfe SSO", 11), 1);
    regex_free(re);
}

static void test_regex_gives_up_on_catastrophic_backtracking(void **state)
{
    char err[256], subject[4096];
    struct regex *re = regex_compile("^(a+)+$", false, err, sizeof(err));

    (void)state;
    assert_non_null(re);
    memset(subject, 'a', sizeof(subject) - 2);
    subject[sizeof(subject) - 2] = 'b';
    subject[sizeof(subject) - 1] = '\0';
    assert_true(regex_search(re, subject, strlen(subject)) <= 0);
    regex_free(re);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_round_trips_through_day_numbers),
        cmocka_unit_test(test_date_rejects_impossible_days_and_formats),
        cmocka_unit_test(test_timestamps_convert_every_zone_to_utc),
        cmocka_unit_test(test_timestamp_crossing_midnight_lands_on_utc_day),
        cmocka_unit_test(test_timestamps_reject_garbage),
        cmocka_unit_test(test_buf_grows_and_refuses_past_its_cap),
        cmocka_unit_test(test_sha256_matches_the_known_digest),
        cmocka_unit_test(test_regex_reports_offset_and_survives_bad_utf8),
        cmocka_unit_test(test_regex_gives_up_on_catastrophic_backtracking),
    };

    log_set_level(LOG_QUIET);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
