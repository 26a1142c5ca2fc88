/* Tests for redaction: each kind, stable placeholders, restore, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "csmap/buf.h"
#include "csmap/config.h"
#include "csmap/mem.h"
#include "csmap/redact.h"
#include "csmap/regex.h"

/* Redact text with a fresh context (and optional patterns). */
static char *redact_once(const char *text,
                         const struct config_redact_pattern *pats, size_t n)
{
    struct redact *r;
    struct buf out = BUF_INIT;

    assert_int_equal(redact_new(pats, n, &r), CS_OK);
    assert_int_equal(redact_text(r, text, strlen(text), &out), CS_OK);
    redact_free(r);
    return buf_detach(&out);
}

static void expect_redacted(const char *text, const char *want)
{
    char *got = redact_once(text, NULL, 0);

    assert_string_equal(got, want);
    mem_free(got);
}

static void test_email_is_replaced(void **state)
{
    (void)state;
    expect_redacted("Write to jane.doe+ops@mail.acme.io today.",
                    "Write to <EMAIL_1> today.");
    expect_redacted("no address here: user@localhost, a@b",
                    "no address here: user@localhost, a@b");
}

static void test_phone_formats_are_replaced(void **state)
{
    (void)state;
    expect_redacted("call +1 (415) 555-0134 now", "call <PHONE_1> now");
    expect_redacted("UK 020 7946 0958, FR +33 6 12 34 56 78.",
                    "UK <PHONE_1>, FR <PHONE_2>.");
    expect_redacted("desk 415.555.0134", "desk <PHONE_1>");
    expect_redacted("mobile +447700900123", "mobile <PHONE_1>");
}

static void test_dates_ids_and_plain_numbers_are_not_phones(void **state)
{
    (void)state;
    expect_redacted("renews 2026-11-30, order 123456789, ARR 1,200,000",
                    "renews 2026-11-30, order 123456789, ARR 1,200,000");
    expect_redacted("host 192.168.100.200 pi 3.14159 2.71828",
                    "host 192.168.100.200 pi 3.14159 2.71828");
    expect_redacted("ticket ID-123 456 789 and v2 415 555",
                    "ticket ID-123 456 789 and v2 415 555");
    expect_redacted("on 30-11-2026 12", "on 30-11-2026 12");
}

static void test_card_needs_luhn(void **state)
{
    (void)state;
    expect_redacted("card 4111 1111 1111 1111 exp 12/27",
                    "card <CARD_1> exp 12/27");
    expect_redacted("card 5500-0000-0000-0004.", "card <CARD_1>.");
    expect_redacted("card 4111 1111 1111 1112 exp 12/27",
                    "card 4111 1111 1111 1112 exp 12/27");
    expect_redacted("order 12 4111111111111111", "order 12 <CARD_1>");
}

static void test_iban_needs_mod97(void **state)
{
    (void)state;
    expect_redacted("IBAN DE89 3704 0044 0532 0130 00 ASAP",
                    "IBAN <IBAN_1> ASAP");
    expect_redacted("pay GB82WEST12345698765432.", "pay <IBAN_1>.");
    expect_redacted("IBAN DE88 3704 0044 0532 0130 00",
                    "IBAN DE88 3704 0044 0532 0130 00");
}

static void test_same_value_same_placeholder_across_texts(void **state)
{
    struct redact *r;
    struct buf a = BUF_INIT, b = BUF_INIT;
    const char *t1 = "from ann@x.io cc bob@x.io and ann@x.io";
    const char *t2 = "reply to bob@x.io, call +44 20 7946 0958";

    (void)state;
    assert_int_equal(redact_new(NULL, 0, &r), CS_OK);
    assert_int_equal(redact_text(r, t1, strlen(t1), &a), CS_OK);
    assert_int_equal(redact_text(r, t2, strlen(t2), &b), CS_OK);
    assert_string_equal(buf_str(&a),
                        "from <EMAIL_1> cc <EMAIL_2> and <EMAIL_1>");
    assert_string_equal(buf_str(&b), "reply to <EMAIL_2>, call <PHONE_1>");
    assert_int_equal(redact_count(r), 3);
    buf_release(&a);
    buf_release(&b);
    redact_free(r);
}

static void test_restore_round_trip(void **state)
{
    struct redact *r;
    struct buf red = BUF_INIT, back = BUF_INIT;
    const char *text = "Ann <ann@x.io>, +1 415 555 0134, card "
                       "4111111111111111, <EMAIL_9> stays, <b>bold</b>";

    (void)state;
    assert_int_equal(redact_new(NULL, 0, &r), CS_OK);
    assert_int_equal(redact_text(r, text, strlen(text), &red), CS_OK);
    assert_null(strstr(buf_str(&red), "ann@x.io"));
    assert_null(strstr(buf_str(&red), "4111"));
    assert_int_equal(redact_restore(r, buf_str(&red), red.len, &back), CS_OK);
    assert_string_equal(buf_str(&back), text);
    buf_release(&red);
    buf_reset(&back);
    assert_int_equal(
        redact_restore(r, "Email <EMAIL_1> about <CARD_1>.", 31, &back), CS_OK);
    assert_string_equal(buf_str(&back),
                        "Email ann@x.io about 4111111111111111.");
    buf_release(&back);
    redact_free(r);
}

static void test_configured_pattern_gets_its_label(void **state)
{
    char err[256];
    static char label[] = "customer id";
    struct config_redact_pattern p = {label, NULL};
    char *got;

    (void)state;
    p.re = regex_compile("CUST-[0-9]{4}", false, err, sizeof(err));
    assert_non_null(p.re);
    got = redact_once("see CUST-0042 and CUST-0042, not CUST-12", &p, 1);
    assert_string_equal(got,
                        "see <CUSTOMER_ID_1> and <CUSTOMER_ID_1>, not CUST-12");
    mem_free(got);
    regex_free(p.re);
}

static void test_catastrophic_pattern_gives_up_in_bounded_time(void **state)
{
    char err[256];
    static char label[] = "evil";
    struct config_redact_pattern p = {label, NULL};
    char text[40100];
    char *got;

    (void)state;
    p.re = regex_compile("(a+)+$", false, err, sizeof(err));
    assert_non_null(p.re);
    strcpy(text, "mail ann@x.io ");
    memset(text + 14, 'a', 40000);
    strcpy(text + 40014, "b");
    got = redact_once(text, &p, 1);
    assert_memory_equal(got, "mail <EMAIL_1> aaa", 18);
    assert_int_equal(strlen(got),
                     strlen(text) - strlen("ann@x.io") + strlen("<EMAIL_1>"));
    mem_free(got);
    regex_free(p.re);
}

static void test_large_body_and_invalid_utf8(void **state)
{
    const char chunk[] = "Hi, the sync failed again \xff\xfe\xc3 for "
                         "ops@acme.io; call +1 415 555 0134. Thanks! ";
    size_t n = 5u << 20, k = sizeof(chunk) - 1, len = 0;
    char *text = mem_alloc(n + 1);
    struct redact *r;
    struct buf out = BUF_INIT;

    (void)state;
    assert_non_null(text);
    while (len + k <= n) {
        memcpy(text + len, chunk, k);
        len += k;
    }
    text[len] = '\0';
    assert_int_equal(redact_new(NULL, 0, &r), CS_OK);
    assert_int_equal(redact_text(r, text, len, &out), CS_OK);
    assert_int_equal(redact_count(r), 2);
    assert_memory_equal(buf_str(&out),
                        "Hi, the sync failed again \xff\xfe\xc3 for "
                        "<EMAIL_1>; call <PHONE_1>. Thanks! ",
                        k - 11 - 15 + 9 + 9);
    assert_null(strstr(buf_str(&out), "ops@acme.io"));
    buf_release(&out);
    redact_free(r);
    mem_free(text);
}

static void test_local_provider_urls(void **state)
{
    (void)state;
    assert_true(redact_url_is_local("http://localhost:11434/v1"));
    assert_true(redact_url_is_local("http://127.0.0.2:8080"));
    assert_true(redact_url_is_local("http://[::1]:8000/v1"));
    assert_true(redact_url_is_local("http://LOCALHOST/v1"));
    assert_false(redact_url_is_local("https://api.openai.com/v1"));
    assert_false(redact_url_is_local("http://localhost.evil.com/v1"));
    assert_false(redact_url_is_local("http://127.0.0.1.nip.io/v1"));
    assert_false(redact_url_is_local("http://128.0.0.1/v1"));
    assert_false(redact_url_is_local(NULL));
}

static void test_redaction_follows_configuration(void **state)
{
    static char hosted[] = "https://api.anthropic.com";
    static char local[] = "http://127.0.0.1:8080/v1";
    struct config cfg;

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.llm.redact = true;
    cfg.llm.base_url = hosted;
    assert_true(redact_wanted(&cfg));
    cfg.llm.base_url = local;
    assert_false(redact_wanted(&cfg));
    cfg.llm.base_url = hosted;
    cfg.llm.redact = false;
    assert_false(redact_wanted(&cfg));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_email_is_replaced),
        cmocka_unit_test(test_phone_formats_are_replaced),
        cmocka_unit_test(test_dates_ids_and_plain_numbers_are_not_phones),
        cmocka_unit_test(test_card_needs_luhn),
        cmocka_unit_test(test_iban_needs_mod97),
        cmocka_unit_test(test_same_value_same_placeholder_across_texts),
        cmocka_unit_test(test_restore_round_trip),
        cmocka_unit_test(test_configured_pattern_gets_its_label),
        cmocka_unit_test(test_catastrophic_pattern_gives_up_in_bounded_time),
        cmocka_unit_test(test_large_body_and_invalid_utf8),
        cmocka_unit_test(test_local_provider_urls),
        cmocka_unit_test(test_redaction_follows_configuration),
    };

    mem_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
