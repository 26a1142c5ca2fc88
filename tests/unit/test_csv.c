/* Tests of the CSV reader, the JSON splitter and the value parsers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "csmap/date.h"
#include "csmap/ingest.h"
#include "csmap/mem.h"

/* A reader over a string, with the input kept alongside. */
struct csv_case {
    struct ingest_input in;
    struct csv_reader r;
};

static void csv_open(struct csv_case *c, const char *text, size_t n)
{
    ingest_input_mem(&c->in, text, n);
    csv_init(&c->r, &c->in);
}

static void csv_close(struct csv_case *c)
{
    csv_release(&c->r);
    ingest_input_close(&c->in);
}

static void assert_field(const struct csv_reader *r, size_t i, const char *want)
{
    assert_true(i < r->n_fields);
    assert_int_equal(r->fields[i].n, strlen(want));
    assert_memory_equal(r->fields[i].p, want, strlen(want));
}

static void test_csv_quoted_fields_keep_commas_quotes_and_newlines(void **s)
{
    static const char text[] = "id,text\n"
                               "1,\"a, b\"\n"
                               "2,\"say \"\"hi\"\"\"\n"
                               "3,\"two\nlines\"\n"
                               "4,plain\n";
    struct csv_case c;

    (void)s;
    csv_open(&c, text, sizeof(text) - 1);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(c.r.n_fields, 2);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(c.r.line, 2);
    assert_field(&c.r, 1, "a, b");
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_field(&c.r, 1, "say \"hi\"");
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(c.r.line, 4);
    assert_field(&c.r, 1, "two\nlines");
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(c.r.line, 6);
    assert_field(&c.r, 0, "4");
    assert_field(&c.r, 1, "plain");
    assert_int_equal(csv_next(&c.r), CS_NOTFOUND);
    csv_close(&c);
}

static void test_csv_crlf_and_bom_are_not_part_of_fields(void **s)
{
    static const char text[] = "\xef\xbb\xbf"
                               "a,b\r\n1,\"x\"\r\n2,y\r\n";
    struct csv_case c;

    (void)s;
    csv_open(&c, text, sizeof(text) - 1);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_field(&c.r, 0, "a");
    assert_field(&c.r, 1, "b");
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_field(&c.r, 1, "x");
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(c.r.line, 3);
    assert_field(&c.r, 1, "y");
    assert_int_equal(csv_next(&c.r), CS_NOTFOUND);
    csv_close(&c);
}

static void test_csv_blank_and_trailing_lines_are_skipped(void **s)
{
    static const char text[] = "a,b\n\n1,2\n\n\n";
    struct csv_case c;

    (void)s;
    csv_open(&c, text, sizeof(text) - 1);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(c.r.line, 3);
    assert_field(&c.r, 1, "2");
    assert_int_equal(csv_next(&c.r), CS_NOTFOUND);
    csv_close(&c);
}

static void test_csv_last_record_needs_no_newline(void **s)
{
    static const char text[] = "a,b\n1,";
    struct csv_case c;

    (void)s;
    csv_open(&c, text, sizeof(text) - 1);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(c.r.n_fields, 2);
    assert_field(&c.r, 0, "1");
    assert_field(&c.r, 1, "");
    assert_int_equal(csv_next(&c.r), CS_NOTFOUND);
    csv_close(&c);
}

static void test_csv_unterminated_quote_names_its_first_line(void **s)
{
    static const char text[] = "a,b\n1,2\n3,\"open\nstill\nopen\n";
    struct csv_case c;

    (void)s;
    csv_open(&c, text, sizeof(text) - 1);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(csv_next(&c.r), CS_DATA);
    assert_int_equal(c.r.line, 3);
    assert_non_null(strstr(c.r.err, "starting on line 3"));
    assert_int_equal(csv_next(&c.r), CS_NOTFOUND);
    csv_close(&c);
}

static void test_csv_text_after_closing_quote_is_a_bad_record(void **s)
{
    static const char text[] = "a,b\n\"x\"y,1\n2,3\n";
    struct csv_case c;

    (void)s;
    csv_open(&c, text, sizeof(text) - 1);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(csv_next(&c.r), CS_DATA);
    assert_int_equal(c.r.line, 2);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(c.r.line, 3);
    assert_field(&c.r, 1, "3");
    csv_close(&c);
}

static void test_csv_field_larger_than_a_read_chunk(void **s)
{
    size_t big = (size_t)3 << 20;
    char *text = malloc(big + 64);
    size_t n;
    struct csv_case c;

    (void)s;
    assert_non_null(text);
    memcpy(text, "a,b\n1,\"", 7);
    memset(text + 7, 'x', big);
    memcpy(text + 7 + big, "\"\"\"\n2,3\n", 8);
    n = 7 + big + 8;
    csv_open(&c, text, n);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_int_equal(c.r.fields[1].n, big + 1);
    assert_int_equal(c.r.fields[1].p[big], '"');
    assert_int_equal(csv_next(&c.r), CS_OK);
    assert_field(&c.r, 0, "2");
    assert_int_equal(c.r.line, 3);
    csv_close(&c);
    free(text);
}

/* The elements a JSON reader returns, as strings joined by '|'. */
static enum csmap_rc split(const char *text, char *out, size_t cap,
                           long *last_line, char *err)
{
    struct ingest_input in;
    struct json_reader r;
    const char *p;
    size_t n, len = 0;
    enum csmap_rc rc;

    ingest_input_mem(&in, text, strlen(text));
    json_init(&r, &in, JSON_DETECT);
    out[0] = '\0';
    while ((rc = json_next(&r, &p, &n)) == CS_OK) {
        assert_true(len + n + 2 < cap);
        if (len)
            out[len++] = '|';
        memcpy(out + len, p, n);
        len += n;
        out[len] = '\0';
        *last_line = r.line;
    }
    if (err)
        strcpy(err, r.err);
    ingest_input_close(&in);
    return rc;
}

static void test_json_array_elements_with_nesting_and_brackets(void **s)
{
    char out[512], err[200];
    long line = 0;

    (void)s;
    assert_int_equal(split("[\n {\"a\": [1, {\"b\": \"]\"}]},\n"
                           "  {\"s\": \"x\\\"}{[\"}\n]\n",
                           out, sizeof(out), &line, err),
                     CS_NOTFOUND);
    assert_string_equal(out, "{\"a\": [1, {\"b\": \"]\"}]}|"
                             "{\"s\": \"x\\\"}{[\"}");
    assert_int_equal(line, 3);
}

static void test_json_zendesk_page_skips_other_keys(void **s)
{
    char out[512];
    long line = 0;

    (void)s;
    assert_int_equal(split("{\n\"count\": 2, \"x\": {\"tickets\": [9]},\n"
                           "\"tickets\": [{\"id\": 1},\n{\"id\": 2}],\n"
                           "\"next_page\": null\n}\n",
                           out, sizeof(out), &line, NULL),
                     CS_NOTFOUND);
    assert_string_equal(out, "{\"id\": 1}|{\"id\": 2}");
    assert_int_equal(line, 4);
}

static void test_json_lines_one_record_a_line(void **s)
{
    char out[512];
    long line = 0;

    (void)s;
    assert_int_equal(
        split("{\"a\":1}\r\n\n{\"b\":\"[\"}\n", out, sizeof(out), &line, NULL),
        CS_NOTFOUND);
    assert_string_equal(out, "{\"a\":1}|{\"b\":\"[\"}");
    assert_int_equal(line, 3);
}

static void test_json_unterminated_array_is_an_error(void **s)
{
    char out[512], err[200];
    long line = 0;

    (void)s;
    assert_int_equal(
        split("[{\"a\": 1}, {\"b\": ", out, sizeof(out), &line, err), CS_DATA);
    assert_string_equal(out, "{\"a\": 1}");
    assert_non_null(strstr(err, "end of the JSON document"));
}

static void test_json_object_without_tickets_is_an_error(void **s)
{
    char out[64], err[200];
    long line = 0;

    (void)s;
    assert_int_equal(
        split("{\n\"count\": 1\n}\n", out, sizeof(out), &line, err), CS_DATA);
    assert_non_null(strstr(err, "tickets"));
}

static void test_json_deep_nesting_is_one_element_without_recursion(void **s)
{
    size_t depth = 100000;
    char *text = malloc(2 * depth + 16);
    struct ingest_input in;
    struct json_reader r;
    const char *p;
    size_t n;

    (void)s;
    assert_non_null(text);
    text[0] = '[';
    memset(text + 1, '[', depth);
    memset(text + 1 + depth, ']', depth);
    strcpy(text + 1 + 2 * depth, ",{}]");
    ingest_input_mem(&in, text, strlen(text));
    json_init(&r, &in, JSON_DETECT);
    assert_int_equal(json_next(&r, &p, &n), CS_OK);
    assert_int_equal(n, 2 * depth);
    assert_int_equal(json_next(&r, &p, &n), CS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(json_next(&r, &p, &n), CS_NOTFOUND);
    ingest_input_close(&in);
    free(text);
}

static void test_booleans_in_any_case_and_empty_is_false(void **s)
{
    bool b = true;

    (void)s;
    assert_true(ingest_parse_bool("", 0, &b));
    assert_false(b);
    assert_true(ingest_parse_bool("YES", 3, &b));
    assert_true(b);
    assert_true(ingest_parse_bool("False", 5, &b));
    assert_false(b);
    assert_true(ingest_parse_bool("1", 1, &b));
    assert_true(b);
    assert_false(ingest_parse_bool("maybe", 5, &b));
    assert_false(ingest_parse_bool("2", 1, &b));
}

static void test_counts_are_whole_non_negative_numbers(void **s)
{
    int64_t v = 0;

    (void)s;
    assert_true(ingest_parse_count("250", 3, &v));
    assert_int_equal(v, 250);
    assert_false(ingest_parse_count("ten", 3, &v));
    assert_false(ingest_parse_count("-1", 2, &v));
    assert_false(ingest_parse_count("1.5", 3, &v));
    assert_false(ingest_parse_count("", 0, &v));
}

static void test_numbers_reject_words_and_infinity(void **s)
{
    double d = 0;

    (void)s;
    assert_true(ingest_parse_number("1.5e4", 5, &d));
    assert_true(d == 15000.0);
    assert_true(ingest_parse_number("-12", 3, &d));
    assert_true(d == -12.0);
    assert_false(ingest_parse_number("12k", 3, &d));
    assert_false(ingest_parse_number("inf", 3, &d));
    assert_false(ingest_parse_number("1e999", 5, &d));
}

static void test_a_timestamp_stands_for_its_utc_date(void **s)
{
    int32_t day = 0;

    (void)s;
    assert_true(ingest_parse_day("2024-05-02", 10, &day));
    assert_int_equal(day, date_from_civil(2024, 5, 2));
    assert_true(ingest_parse_day("2024-05-02T23:30:00-02:00", 25, &day));
    assert_int_equal(day, date_from_civil(2024, 5, 3));
    assert_true(ingest_parse_day("2024-05-02T01:00:00+0300", 24, &day));
    assert_int_equal(day, date_from_civil(2024, 5, 1));
    assert_false(ingest_parse_day("2024-02-30", 10, &day));
    assert_false(ingest_parse_day("05/02/2024", 10, &day));
}

static void test_utf8_check_finds_the_first_bad_byte(void **s)
{
    size_t bad = 0;

    (void)s;
    assert_true(ingest_utf8_valid("caf\xc3\xa9 \xe2\x82\xac", 9, &bad));
    assert_false(ingest_utf8_valid("ab\xff"
                                   "c",
                                   4, &bad));
    assert_int_equal(bad, 2);
    assert_false(ingest_utf8_valid("a\xc3", 2, &bad));
    assert_int_equal(bad, 1);
    assert_false(ingest_utf8_valid("\xed\xa0\x80", 3, &bad));
    assert_false(ingest_utf8_valid("a\0b", 3, &bad));
    assert_int_equal(bad, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_csv_quoted_fields_keep_commas_quotes_and_newlines),
        cmocka_unit_test(test_csv_crlf_and_bom_are_not_part_of_fields),
        cmocka_unit_test(test_csv_blank_and_trailing_lines_are_skipped),
        cmocka_unit_test(test_csv_last_record_needs_no_newline),
        cmocka_unit_test(test_csv_unterminated_quote_names_its_first_line),
        cmocka_unit_test(test_csv_text_after_closing_quote_is_a_bad_record),
        cmocka_unit_test(test_csv_field_larger_than_a_read_chunk),
        cmocka_unit_test(test_json_array_elements_with_nesting_and_brackets),
        cmocka_unit_test(test_json_zendesk_page_skips_other_keys),
        cmocka_unit_test(test_json_lines_one_record_a_line),
        cmocka_unit_test(test_json_unterminated_array_is_an_error),
        cmocka_unit_test(test_json_object_without_tickets_is_an_error),
        cmocka_unit_test(
            test_json_deep_nesting_is_one_element_without_recursion),
        cmocka_unit_test(test_booleans_in_any_case_and_empty_is_false),
        cmocka_unit_test(test_counts_are_whole_non_negative_numbers),
        cmocka_unit_test(test_numbers_reject_words_and_infinity),
        cmocka_unit_test(test_a_timestamp_stands_for_its_utc_date),
        cmocka_unit_test(test_utf8_check_finds_the_first_bad_byte),
    };

    mem_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
