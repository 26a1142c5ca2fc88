/* Tests of the support and feedback signals, sentiment and themes. */
#include "signals_fixture.h"

#include "../../src/signals/internal.h"
#include "csmap/regex.h"

static void test_ticket_windows_count_created_days(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 300);
    fx_ticket(f, 1, "t1", fx_at(D, 23), fx_at(D, 23), "urgent", "a");
    fx_ticket(f, 1, "t2", fx_at(D - 29, 0), fx_at(D - 28, 0), "High", "b");
    fx_ticket(f, 1, "t3", fx_at(D - 30, 0), fx_at(D - 28, 0), "normal", "c");
    fx_ticket(f, 1, "t4", fx_at(D - 89, 0), fx_at(D - 88, 0), "high", "d");
    fx_ticket(f, 1, "t5", fx_at(D - 90, 0), fx_at(D - 88, 0), "urgent", "e");
    fx_ticket(f, 1, "t6", fx_at(D + 1, 0), 0, "urgent", "f");
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->support.tickets_30d, 2);
    assert_int_equal(a->support.tickets_90d, 4);
    assert_int_equal(a->support.high_priority_90d, 3);
    assert_int_equal(a->support.open_tickets, 0);
    fx_close(f);
}

static void test_open_tickets_follow_resolved_at(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 300);
    fx_ticket(f, 1, "later", fx_at(D - 5, 0), fx_at(D + 1, 1), "low", "a");
    fx_ticket(f, 1, "on_d", fx_at(D - 5, 0), fx_at(D, 23), "low", "b");
    fx_ticket(f, 1, "never", fx_at(D - 5, 0), 0, "low", "c");
    fx_ticket(f, 1, "before", fx_at(D - 5, 0), fx_at(D - 1, 0), "low", "d");
    fx_sql(f, "UPDATE ticket SET status = 'solved' WHERE ticket_id = 'never'");
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->support.open_tickets, 2);
    fx_close(f);
}

static void test_resolution_median_odd_and_even(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 300);
    fx_ticket(f, 1, "h1", fx_at(D - 3, 0), fx_at(D - 3, 1), "low", "a");
    fx_ticket(f, 1, "h5", fx_at(D - 3, 0), fx_at(D - 3, 5), "low", "b");
    fx_ticket(f, 1, "old", fx_at(D - 200, 0), fx_at(D - 200, 3), "low", "c");
    fx_ticket(f, 1, "out", fx_at(D - 95, 0), fx_at(D - 90, 0), "low", "d");
    fx_ticket(f, 1, "h3", fx_at(D - 91, 21), fx_at(D - 89, 0), "low", "e");
    a = fx_compute(f, D, "a1");
    /* 1, 5 and 27 hours: the created-long-ago one counts, "out" not. */
    assert_true(a->support.has_resolution_hours_median_90d);
    assert_near(a->support.resolution_hours_median_90d, 5);

    fx_ticket(f, 1, "h2", fx_at(D - 2, 0), fx_at(D - 2, 2), "low", "g");
    a = fx_compute(f, D, "a1");
    /* 1, 2, 5, 27: the mean of 2 and 5 */
    assert_near(a->support.resolution_hours_median_90d, 3.5);
    fx_close(f);
}

static void test_no_resolved_ticket_gives_null_median(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 300);
    fx_ticket(f, 1, "t", fx_at(D - 3, 0), 0, "low", "a");
    a = fx_compute(f, D, "a1");
    assert_false(a->support.has_resolution_hours_median_90d);
    fx_close(f);
}

static void test_first_matching_topic_wins_caselessly(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 300);
    fx_ticket(f, 1, "t1", fx_at(D - 3, 0), 0, "low", "INVOICE is wrong");
    fx_ticket(f, 1, "t2", fx_at(D - 3, 0), 0, "low", "SAML login");
    fx_ticket(f, 1, "t3", fx_at(D - 3, 0), 0, "low", "Need SSO and refund");
    fx_ticket(f, 1, "t4", fx_at(D - 3, 0), 0, "low", "ssomething else");
    fx_sql(f, "UPDATE ticket SET description = 'about the Refund' "
              "WHERE ticket_id = 't4'");
    fx_ticket(f, 1, "t5", fx_at(D - 3, 0), 0, "low", "hello");
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->support.n_topics_90d, 3);
    assert_string_equal(a->support.topics_90d[0].name, "billing");
    assert_int_equal(a->support.topics_90d[0].count, 3);
    assert_string_equal(a->support.topics_90d[1].name, "sso");
    assert_int_equal(a->support.topics_90d[1].count, 1);
    assert_string_equal(a->support.topics_90d[2].name, "other");
    assert_int_equal(a->support.topics_90d[2].count, 1);
    assert_int_equal(a->support.n_repeat_topics, 1);
    assert_string_equal(a->support.repeat_topics[0], "billing");
    fx_close(f);
}

static void test_repeat_topics_by_count_then_name(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;
    char id[8];

    (void)state;
    fx_account(f, 1, "a1", D - 300);
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof(id), "b%d", i);
        fx_ticket(f, 1, id, fx_at(D - 3, 0), 0, "low", "invoice");
        snprintf(id, sizeof(id), "s%d", i);
        fx_ticket(f, 1, id, fx_at(D - 3, 0), 0, "low", "saml");
        snprintf(id, sizeof(id), "o%d", i);
        fx_ticket(f, 1, id, fx_at(D - 3, 0), 0, "low", "other things");
    }
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->support.n_repeat_topics, 2);
    assert_string_equal(a->support.repeat_topics[0], "billing");
    assert_string_equal(a->support.repeat_topics[1], "sso");

    fx_ticket(f, 1, "s9", fx_at(D - 3, 0), 0, "low", "saml");
    a = fx_compute(f, D, "a1");
    assert_string_equal(a->support.repeat_topics[0], "sso");
    assert_string_equal(a->support.repeat_topics[1], "billing");
    fx_close(f);
}

static void test_nps_boundaries_six_seven_eight_nine(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 300);
    fx_feedback(f, 1, D - 1, "nps", "6", NULL);
    fx_feedback(f, 1, D - 1, "nps", "7", NULL);
    fx_feedback(f, 1, D - 1, "nps", "8", NULL);
    fx_feedback(f, 1, D - 1, "nps", "9", NULL);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->feedback.nps_responses_180d, 4);
    assert_near(a->feedback.nps_180d, 0);

    fx_feedback(f, 1, D - 2, "nps", "9", NULL);
    a = fx_compute(f, D, "a1");
    /* (2 - 1) / 5 */
    assert_near(a->feedback.nps_180d, 20);
    fx_close(f);
}

static void test_nps_window_and_trend(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 300);
    fx_feedback(f, 1, D - 180, "nps", "0", NULL);
    fx_feedback(f, 1, D, "nps", "10", NULL);
    fx_feedback(f, 1, D - 89, "nps", "9", NULL);
    fx_feedback(f, 1, D - 89, "nps", "3", NULL);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->feedback.nps_responses_180d, 3);
    assert_near(a->feedback.nps_180d, 33.33);
    assert_false(a->feedback.has_nps_trend);

    fx_feedback(f, 1, D - 179, "nps", "8", NULL);
    fx_feedback(f, 1, D - 90, "nps", "2", NULL);
    a = fx_compute(f, D, "a1");
    /* recent (2 - 1) / 3 = 33.33..., before (0 - 1) / 2 = -50 */
    assert_true(a->feedback.has_nps_trend);
    assert_near(a->feedback.nps_trend, 83.33);
    assert_false(a->feedback.nps_small_sample);
    fx_close(f);
}

static void test_no_nps_gives_null(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 300);
    fx_feedback(f, 1, D - 1, "csat", "4", "fine");
    fx_feedback(f, 1, D - 90, "survey", "NULL", "ok");
    a = fx_compute(f, D, "a1");
    assert_false(a->feedback.has_nps_180d);
    assert_int_equal(a->feedback.nps_responses_180d, 0);
    assert_int_equal(a->feedback.feedback_90d, 1);
    fx_close(f);
}

static double sentiment(const char *s)
{
    struct regex *tok = sig_text_tokenizer();
    double v;

    assert_non_null(tok);
    v = sig_text_sentiment(tok, s, strlen(s));
    regex_free(tok);
    return v;
}

static void test_sentiment_lexicon_with_negation(void **state)
{
    (void)state;
    assert_near(sentiment("Great product"), 1);
    assert_near(sentiment("not great"), -1);
    assert_near(sentiment("It doesn\xe2\x80\x99t feel slow"), 1);
    assert_near(sentiment("slow and broken, but I love it"), -1.0 / 3);
    assert_near(sentiment("the weekly report"), 0);
    /* Negation reaches three words, no further. */
    assert_near(sentiment("not one two three four good"), 1);
    assert_near(sentiment("not one two good"), -1);
}

static void test_sentiment_mean_and_trend_over_texts(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 300);
    fx_feedback(f, 1, D - 1, "survey", "NULL", "great");
    fx_feedback(f, 1, D - 2, "nps", "9", "love it");
    fx_ticket(f, 1, "t", fx_at(D - 3, 0), 0, "low", "broken invoice");
    fx_feedback(f, 1, D - 100, "survey", "NULL", "love it");
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->feedback.texts_90d, 3);
    assert_true(a->feedback.small_sample);
    assert_near(a->feedback.sentiment_90d, 0.33);
    assert_near(a->feedback.sentiment_trend, -0.67);
    fx_close(f);
}

static void test_themes_prefer_two_word_phrases(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 300);
    fx_feedback(f, 1, D - 1, "survey", "NULL", "Slow dashboard loading");
    fx_feedback(f, 1, D - 1, "survey", "NULL", "the slow dashboard!");
    fx_ticket(f, 1, "t", fx_at(D - 3, 0), 0, "low", "export fails");
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->feedback.n_themes_90d, 3);
    assert_string_equal(a->feedback.themes_90d[0].phrase, "slow dashboard");
    assert_int_equal(a->feedback.themes_90d[0].count, 2);
    assert_string_equal(a->feedback.themes_90d[1].phrase, "dashboard loading");
    assert_int_equal(a->feedback.themes_90d[1].count, 1);
    assert_string_equal(a->feedback.themes_90d[2].phrase, "export fails");
    fx_close(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticket_windows_count_created_days),
        cmocka_unit_test(test_open_tickets_follow_resolved_at),
        cmocka_unit_test(test_resolution_median_odd_and_even),
        cmocka_unit_test(test_no_resolved_ticket_gives_null_median),
        cmocka_unit_test(test_first_matching_topic_wins_caselessly),
        cmocka_unit_test(test_repeat_topics_by_count_then_name),
        cmocka_unit_test(test_nps_boundaries_six_seven_eight_nine),
        cmocka_unit_test(test_nps_window_and_trend),
        cmocka_unit_test(test_no_nps_gives_null),
        cmocka_unit_test(test_sentiment_lexicon_with_negation),
        cmocka_unit_test(test_sentiment_mean_and_trend_over_texts),
        cmocka_unit_test(test_themes_prefer_two_word_phrases),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
