/* Regression tests for the bugs the fuzz harnesses found (docs/fuzzing.md):
 * each test is the smallest input that showed the bug, and the behaviour
 * the fix promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "csmap/buf.h"
#include "csmap/config.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholder_text_in_input_survives_restore),
        cmocka_unit_test(test_clashing_labels_get_distinct_placeholders),
    };

    mem_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
