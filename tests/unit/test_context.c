/* Tests of the context's token estimate: the compact JSON length / 4. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "csmap/context.h"

/*
 * The estimate must be what printing the JSON gives, to the byte: check
 * v padded by 0 to 3 more bytes, so that a length one off shows as a
 * different quarter.
 */
static void assert_estimate_exact(cJSON *v)
{
    for (int pad = 0; pad < 4; pad++) {
        cJSON *arr = cJSON_CreateArray();
        char text[4] = "xxx";
        char *printed;

        text[pad] = '\0';
        assert_non_null(arr);
        cJSON_AddItemReferenceToArray(arr, v);
        cJSON_AddItemToArray(arr, cJSON_CreateString(text));
        printed = cJSON_PrintUnformatted(arr);
        assert_non_null(printed);
        assert_int_equal(ctx_estimate_tokens(arr), (strlen(printed) + 3) / 4);
        cJSON_free(printed);
        cJSON_Delete(arr);
    }
}

static void test_estimate_matches_printed_numbers(void **state)
{
    static const double numbers[] = {0.0,
                                     -0.0,
                                     1.0,
                                     -1.0,
                                     0.1,
                                     1.0 / 3.0,
                                     2.5,
                                     1e15,
                                     1e300,
                                     -1e-300,
                                     123456789012.0,
                                     4.35e-7,
                                     99.99,
                                     (double)INT_MAX + 1.0,
                                     (double)INT_MIN - 1.0,
                                     5e-324,
                                     999999999999999.0,
                                     -42.0,
                                     10.0,
                                     -100000.0};
    cJSON *v;

    (void)state;
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        v = cJSON_CreateNumber(numbers[i]);
        assert_estimate_exact(v);
        cJSON_Delete(v);
    }
    v = cJSON_CreateNumber(NAN);
    assert_estimate_exact(v);
    cJSON_Delete(v);
    v = cJSON_CreateNumber(INFINITY);
    assert_estimate_exact(v);
    cJSON_Delete(v);
}

static void test_estimate_matches_printed_strings_and_trees(void **state)
{
    static const char *const strings[] = {
        "",           "plain",        "quote \" back \\ slash",
        "\b\f\n\r\t", "\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x82\xac",
        "</script>"};
    cJSON *obj = cJSON_CreateObject(), *arr, *inner;

    (void)state;
    assert_non_null(obj);
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        cJSON *s = cJSON_CreateString(strings[i]);

        assert_estimate_exact(s);
        cJSON_Delete(s);
        cJSON_AddStringToObject(obj, strings[i], strings[i]);
    }
    cJSON_AddTrueToObject(obj, "yes");
    cJSON_AddFalseToObject(obj, "no");
    cJSON_AddNullToObject(obj, "none");
    cJSON_AddObjectToObject(obj, "empty");
    arr = cJSON_AddArrayToObject(obj, "list");
    cJSON_AddItemToArray(arr, cJSON_CreateArray());
    cJSON_AddItemToArray(arr, cJSON_CreateNumber(7));
    inner = cJSON_CreateObject();
    cJSON_AddNumberToObject(inner, "score", -0.25);
    cJSON_AddItemToArray(arr, inner);
    cJSON_AddRawToObject(obj, "raw", "[1,2,3]");
    assert_estimate_exact(obj);
    cJSON_Delete(obj);
    assert_int_equal(ctx_estimate_tokens(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_matches_printed_numbers),
        cmocka_unit_test(test_estimate_matches_printed_strings_and_trees),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
