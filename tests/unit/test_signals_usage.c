/* Tests of the usage signals: users, events, dormancy, trend, anomaly. */
#include "signals_fixture.h"

static void test_active_users_are_distinct_core_users_in_window(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 100);
    fx_event(f, 1, D, "report.viewed", "u1", 3);
    fx_event(f, 1, D - 20, "report.viewed", "u1", 1);
    fx_event(f, 1, D - 6, "dashboard.viewed", "u2", 2);
    fx_event(f, 1, D - 7, "report.created", "u3", 1);
    fx_event(f, 1, D, "user.login", "u4", 9);
    fx_event(f, 1, D - 30, "report.viewed", "u5", 4);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->usage.active_users_7d, 2);
    assert_int_equal(a->usage.active_users_30d, 3);
    assert_int_equal(a->usage.core_events_7d, 5);
    assert_int_equal(a->usage.core_events_30d, 7);
    assert_int_equal(a->usage.features_30d, 3);
    assert_int_equal(a->usage.last_core_date, D);
    assert_int_equal(a->usage.days_since_core, 0);
    assert_false(a->usage.dormant);
    fx_close(f);
}

static void test_dormant_from_dormant_after_days(void **state)
{
    struct fx *f = fx_open();

    (void)state;
    fx_account(f, 1, "d14", D - 100);
    fx_event(f, 1, D - 14, "report.viewed", "u", 1);
    fx_event(f, 1, D - 3, "user.login", "u", 1);
    fx_account(f, 2, "d13", D - 100);
    fx_event(f, 2, D - 13, "report.viewed", "u", 1);
    fx_account(f, 3, "new14", D - 14);
    fx_account(f, 4, "new13", D - 13);
    assert_true(fx_compute(f, D, "d14")->usage.dormant);
    assert_int_equal(fx_compute(f, D, "d14")->usage.days_since_core, 14);
    assert_false(fx_compute(f, D, "d13")->usage.dormant);
    assert_true(fx_compute(f, D, "new14")->usage.dormant);
    assert_false(fx_compute(f, D, "new14")->usage.has_days_since_core);
    assert_false(fx_compute(f, D, "new13")->usage.dormant);
    fx_close(f);
}

/* Puts weekly[k] core events on day D - 7k. */
static void weeks(struct fx *f, const int *w)
{
    for (int k = 0; k < SIG_WEEKS; k++)
        if (w[k])
            fx_event(f, 1, D - 7 * k - (k % 3), "report.viewed", "u", w[k]);
}

static void test_trend_is_the_slope_over_the_mean(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;
    const int w[SIG_WEEKS] = {7, 6, 5, 4, 3, 2, 1, 0, 0};

    (void)state;
    fx_account(f, 1, "a1", D - 200);
    weeks(f, w);
    a = fx_compute(f, D, "a1");
    for (int k = 0; k < SIG_WEEKS; k++)
        assert_int_equal(a->usage.weekly[k], w[k]);
    /* slope 1 per week over a mean of 3.5 */
    assert_near(a->usage.trend_pct, 28.57);
    /* (7 - 2.625) / sd(6 5 4 3 2 1 0 0) = 2.0659... */
    assert_near(a->usage.anomaly_z, 2.07);
    assert_string_equal(a->usage.anomaly, "spike");
    fx_close(f);
}

static void test_trend_of_a_late_drop(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;
    const int w[SIG_WEEKS] = {1, 5, 5, 5, 5, 5, 5, 5, 5};

    (void)state;
    fx_account(f, 1, "a1", D - 200);
    weeks(f, w);
    a = fx_compute(f, D, "a1");
    /* slope -1/3 over a mean of 4.5 */
    assert_near(a->usage.trend_pct, -7.41);
    /* sd of w1..w8 is 0, clamped to 1 */
    assert_near(a->usage.anomaly_z, -4);
    assert_string_equal(a->usage.anomaly, "drop");
    fx_close(f);
}

static void test_trend_is_zero_without_events(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 200);
    a = fx_compute(f, D, "a1");
    assert_near(a->usage.trend_pct, 0);
    assert_near(a->usage.anomaly_z, 0);
    assert_null(a->usage.anomaly);
    fx_close(f);
}

static void test_anomaly_sd_below_one_is_clamped(void **state)
{
    struct fx *f = fx_open();
    const int spike[SIG_WEEKS] = {12, 10, 10, 10, 10, 10, 10, 10, 10};
    const int none[SIG_WEEKS] = {11, 10, 10, 10, 10, 10, 10, 10, 10};
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 200);
    weeks(f, spike);
    a = fx_compute(f, D, "a1");
    assert_near(a->usage.anomaly_z, 2);
    assert_string_equal(a->usage.anomaly, "spike");
    fx_close(f);

    f = fx_open();
    fx_account(f, 1, "a1", D - 200);
    weeks(f, none);
    a = fx_compute(f, D, "a1");
    assert_near(a->usage.anomaly_z, 1);
    assert_null(a->usage.anomaly);
    fx_close(f);
}

static void test_seats_come_from_the_current_contract(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 100);
    fx_sql(f, "UPDATE account SET seats = 10 WHERE id = 1");
    fx_event(f, 1, D, "report.viewed", "u1", 1);
    fx_event(f, 1, D, "report.viewed", "u2", 1);
    fx_event(f, 1, D, "report.viewed", "u3", 1);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->usage.seats, 10);
    assert_near(a->usage.seat_utilization, 0.3);

    fx_contract(f, 1, D - 10, D + 100, "2");
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->usage.seats, 2);
    assert_near(a->usage.seat_utilization, 1.5);
    assert_true(a->expansion.over_plan);
    assert_int_equal(a->expansion.seat_overage, 1);
    fx_close(f);
}

static void test_contract_without_seats_falls_back_to_account(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 100);
    fx_sql(f, "UPDATE account SET seats = 4 WHERE id = 1");
    fx_contract(f, 1, D - 10, D + 100, "NULL");
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->usage.seats, 4);
    assert_near(a->usage.seat_utilization, 0);
    fx_close(f);
}

static void test_zero_or_missing_seats_give_null_utilization(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 100);
    fx_event(f, 1, D, "report.viewed", "u1", 1);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->usage.seats, 0);
    assert_false(a->usage.has_seat_utilization);
    assert_false(a->expansion.over_plan);

    /* A contract stating 0 seats wins over the account's 10. */
    fx_sql(f, "UPDATE account SET seats = 10 WHERE id = 1");
    fx_contract(f, 1, D - 10, D + 100, "0");
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->usage.seats, 0);
    assert_false(a->usage.has_seat_utilization);
    fx_close(f);
}

static void test_new_use_cases_need_an_older_first_core_event(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "old", D - 100);
    fx_event(f, 1, D - 30, "report.viewed", "u", 1);
    fx_event(f, 1, D - 29, "report.exported", "u", 1);
    fx_event(f, 1, D - 2, "dashboard.viewed", "u", 1);
    fx_event(f, 1, D - 40, "report.created", "u", 1);
    fx_event(f, 1, D - 1, "report.created", "u", 1);
    fx_event(f, 1, D - 1, "user.invited", "u", 1);
    a = fx_compute(f, D, "old");
    assert_int_equal(a->expansion.new_use_cases_30d, 2);
    assert_int_equal(a->expansion.n_new_use_cases, 2);
    assert_string_equal(a->expansion.new_use_cases[0], "dashboard.viewed");
    assert_string_equal(a->expansion.new_use_cases[1], "report.exported");

    /* First core event exactly on D-29: not before it, so nothing counts. */
    fx_account(f, 2, "young", D - 100);
    fx_event(f, 2, D - 29, "report.viewed", "u", 1);
    fx_event(f, 2, D - 2, "dashboard.viewed", "u", 1);
    a = fx_compute(f, D, "young");
    assert_int_equal(a->expansion.new_use_cases_30d, 0);
    assert_int_equal(a->expansion.n_new_use_cases, 0);
    fx_close(f);
}

static void test_ticket_late_in_a_western_zone_is_after_d(void **state)
{
    struct fx *f = fx_open();
    int64_t late, early;

    (void)state;
    /* 23:30 at UTC-1 on D is 00:30 UTC on D+1; 00:30 at UTC+2 on D+1 is
     * 22:30 UTC on D. */
    assert_true(date_parse_ts("2026-03-31T23:30:00-01:00", 25, &late));
    assert_true(date_parse_ts("2026-04-01T00:30:00+02:00", 25, &early));
    fx_account(f, 1, "a1", D - 100);
    fx_ticket(f, 1, "late", late, 0, "low", "x");
    fx_ticket(f, 1, "early", early, 0, "low", "y");
    assert_int_equal(fx_compute(f, D, "a1")->support.tickets_30d, 1);
    assert_int_equal(fx_compute(f, D + 1, "a1")->support.tickets_30d, 2);
    fx_close(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_active_users_are_distinct_core_users_in_window),
        cmocka_unit_test(test_dormant_from_dormant_after_days),
        cmocka_unit_test(test_trend_is_the_slope_over_the_mean),
        cmocka_unit_test(test_trend_of_a_late_drop),
        cmocka_unit_test(test_trend_is_zero_without_events),
        cmocka_unit_test(test_anomaly_sd_below_one_is_clamped),
        cmocka_unit_test(test_seats_come_from_the_current_contract),
        cmocka_unit_test(test_contract_without_seats_falls_back_to_account),
        cmocka_unit_test(test_zero_or_missing_seats_give_null_utilization),
        cmocka_unit_test(test_new_use_cases_need_an_older_first_core_event),
        cmocka_unit_test(test_ticket_late_in_a_western_zone_is_after_d),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
