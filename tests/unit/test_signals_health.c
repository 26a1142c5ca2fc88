/* Tests of sponsor, renewal, expansion, health, risk and alerts. */
#include "signals_fixture.h"

static void test_sponsor_leaving_after_d_is_still_present(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 200);
    fx_contact(f, 1, "c1", 1, D - 200, D + 1);
    a = fx_compute(f, D, "a1");
    assert_true(a->sponsor.sponsor_present);
    assert_false(a->sponsor.sponsor_left_90d);
    fx_close(f);
}

static void test_sponsor_leaving_on_d_has_left(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 200);
    fx_contact(f, 1, "c1", 1, D - 200, D);
    fx_contact(f, 1, "c2", 0, D - 200, DATE_NONE);
    a = fx_compute(f, D, "a1");
    assert_false(a->sponsor.sponsor_present);
    assert_true(a->sponsor.sponsor_left_90d);
    /* Left 90 days ago is outside the window. */
    a = fx_compute(f, D + 90, "a1");
    assert_false(a->sponsor.sponsor_left_90d);
    a = fx_compute(f, D + 89, "a1");
    assert_true(a->sponsor.sponsor_left_90d);
    fx_close(f);
}

static void test_sponsor_first_seen_after_d_is_ignored(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 200);
    fx_contact(f, 1, "c1", 1, D + 1, DATE_NONE);
    a = fx_compute(f, D, "a1");
    assert_false(a->sponsor.sponsor_present);
    assert_int_equal(a->sponsor.contacts, 0);
    assert_false(a->health.has_component[SIG_C_SPONSOR]);
    fx_close(f);
}

static void test_new_sponsor_must_come_after_signup_plus_30(void **state)
{
    struct fx *f = fx_open();
    int32_t s = D - 100;

    (void)state;
    fx_account(f, 1, "at30", s);
    fx_contact(f, 1, "c1", 1, s + 30, DATE_NONE);
    fx_account(f, 2, "at31", s);
    fx_contact(f, 2, "c2", 1, s + 31, DATE_NONE);
    fx_account(f, 3, "old", D - 300);
    fx_contact(f, 3, "c3", 1, D - 90, DATE_NONE);
    assert_false(fx_compute(f, D, "at30")->sponsor.sponsor_new_90d);
    assert_true(fx_compute(f, D, "at31")->sponsor.sponsor_new_90d);
    assert_false(fx_compute(f, D, "old")->sponsor.sponsor_new_90d);
    assert_true(fx_compute(f, D - 1, "old")->sponsor.sponsor_new_90d);
    fx_close(f);
}

static void test_overlapping_contracts_latest_end_wins(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 400);
    fx_contract(f, 1, D - 300, D + 30, "5");
    fx_contract(f, 1, D - 10, D + 200, "8");
    fx_contract(f, 1, D + 1, D + 500, "20");
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->renewal.renewal_date, D + 200);
    assert_int_equal(a->renewal.days_to_renewal, 200);
    assert_false(a->renewal.in_window);
    assert_int_equal(a->usage.seats, 8);
    fx_close(f);
}

static void test_renewal_window_edges(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "edge", D - 400);
    fx_contract(f, 1, D - 300, D + 60, "NULL");
    fx_account(f, 2, "past", D - 400);
    fx_contract(f, 2, D - 300, D + 61, "NULL");
    fx_account(f, 3, "today", D - 400);
    fx_contract(f, 3, D - 300, D, "NULL");
    fx_account(f, 4, "ended", D - 400);
    fx_contract(f, 4, D - 300, D - 1, "NULL");
    a = fx_compute(f, D, "edge");
    assert_int_equal(a->renewal.days_to_renewal, 60);
    assert_true(a->renewal.in_window);
    assert_false(fx_compute(f, D, "past")->renewal.in_window);
    a = fx_compute(f, D, "today");
    assert_int_equal(a->renewal.days_to_renewal, 0);
    assert_true(a->renewal.in_window);
    a = fx_compute(f, D, "ended");
    assert_int_equal(a->renewal.renewal_date, DATE_NONE);
    assert_false(a->renewal.has_days_to_renewal);
    assert_false(a->renewal.in_window);
    fx_close(f);
}

static void test_new_stakeholders_are_contacts_of_30_days(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 400);
    fx_contact(f, 1, "c30", 0, D - 30, DATE_NONE);
    fx_contact(f, 1, "c29", 0, D - 29, D - 2);
    fx_contact(f, 1, "c0", 1, D, DATE_NONE);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->expansion.new_stakeholders_30d, 2);
    assert_string_equal(a->expansion.new_stakeholders[0], "Person c29");
    assert_string_equal(a->expansion.new_stakeholders[1], "Person c0");
    fx_close(f);
}

static void test_health_uses_only_components_with_data(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 400);
    for (int k = 0; k < SIG_WEEKS; k++)
        fx_event(f, 1, D - 7 * k, "report.viewed", "u", 5);
    a = fx_compute(f, D, "a1");
    assert_true(a->health.has_component[SIG_C_USAGE]);
    assert_false(a->health.has_component[SIG_C_SUPPORT]);
    assert_false(a->health.has_component[SIG_C_SPONSOR]);
    assert_false(a->health.has_component[SIG_C_FEEDBACK]);
    assert_near(a->health.component[SIG_C_USAGE], 100);
    assert_near(a->health.score, 100);
    assert_near(a->health.coverage, 0.4);
    assert_string_equal(a->health.band, "green");
    assert_int_equal(a->health.n_drivers, 0);
    fx_close(f);
}

static void test_health_without_any_data_has_no_score(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 3);
    a = fx_compute(f, D, "a1");
    assert_false(a->health.has_score);
    assert_null(a->health.band);
    assert_near(a->health.coverage, 0);
    fx_close(f);
}

static void test_dormant_account_is_never_green(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 400);
    fx_event(f, 1, D - 20, "report.viewed", "u", 1);
    fx_ticket(f, 1, "t", fx_at(D - 200, 0), fx_at(D - 199, 0), "low", "x");
    fx_contact(f, 1, "c", 1, D - 300, DATE_NONE);
    fx_feedback(f, 1, D - 5, "nps", "10", NULL);
    a = fx_compute(f, D, "a1");
    assert_true(a->usage.dormant);
    assert_near(a->health.component[SIG_C_USAGE], 50);
    assert_near(a->health.component[SIG_C_SUPPORT], 100);
    assert_near(a->health.component[SIG_C_SPONSOR], 100);
    assert_near(a->health.component[SIG_C_FEEDBACK], 100);
    assert_near(a->health.score, 80);
    assert_string_equal(a->health.band, "yellow");
    assert_near(a->health.coverage, 1);
    assert_int_equal(a->health.n_drivers, 1);
    assert_string_equal(a->health.drivers[0].signal, "usage.dormant");
    assert_near(a->health.drivers[0].points, 20);
    fx_close(f);
}

static void test_missing_weight_is_shared_among_the_others(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 400);
    fx_event(f, 1, D - 20, "report.viewed", "u", 1);
    fx_contact(f, 1, "c", 1, D - 300, DATE_NONE);
    a = fx_compute(f, D, "a1");
    /* usage 50 at 0.4 and sponsor 100 at 0.2, out of 0.6 */
    assert_near(a->health.score, 66.7);
    assert_near(a->health.coverage, 0.6);
    assert_near(a->health.drivers[0].points, 33.3);
    assert_string_equal(a->health.band, "yellow");
    fx_close(f);
}

/* A red account in its renewal window (numbers in docs/signals.md). */
static void red_account(struct fx *f)
{
    fx_account(f, 1, "a1", D - 400);
    fx_event(f, 1, D - 20, "report.viewed", "u", 1);
    fx_ticket(f, 1, "t1", fx_at(D - 1, 0), 0, "high", "x");
    fx_ticket(f, 1, "t2", fx_at(D - 2, 0), 0, "urgent", "x");
    fx_ticket(f, 1, "t3", fx_at(D - 3, 0), 0, "high", "x");
    fx_contact(f, 1, "c", 1, D - 300, D - 10);
    fx_feedback(f, 1, D - 30, "nps", "0", NULL);
    fx_contract(f, 1, D - 300, D + 30, "NULL");
}

static void test_red_account_ledger_and_drivers(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;
    const struct sig_health *h;
    static const char *const order[] = {"usage.dormant",
                                        "feedback.nps_180d",
                                        "sponsor.sponsor_present",
                                        "sponsor.sponsor_left_90d",
                                        "support.high_priority_90d",
                                        "support.open_tickets",
                                        "support.tickets_30d"};
    static const double points[] = {20, 12, 12, 6, 6, 6, 1};

    (void)state;
    red_account(f);
    a = fx_compute(f, D, "a1");
    h = &a->health;
    assert_near(h->component[SIG_C_USAGE], 50);
    assert_near(h->component[SIG_C_SUPPORT], 35);
    assert_near(h->component[SIG_C_SPONSOR], 10);
    assert_near(h->component[SIG_C_FEEDBACK], 40);
    assert_near(h->score, 37);
    assert_string_equal(h->band, "red");
    assert_int_equal(h->n_drivers, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(h->drivers[i].signal, order[i]);
        assert_near(h->drivers[i].points, points[i]);
    }
    fx_close(f);
}

static void test_red_in_window_is_high_risk(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;
    bool found = false;

    (void)state;
    red_account(f);
    a = fx_compute(f, D, "a1");
    assert_true(a->renewal.in_window);
    assert_string_equal(a->renewal.risk, "high");
    for (size_t i = 0; i < a->renewal.n_risk_reasons; i++)
        if (strcmp(a->renewal.risk_reasons[i],
                   "in the renewal window with a red band") == 0)
            found = true;
    assert_true(found);
    assert_string_equal(a->expansion.potential, "low");
    fx_close(f);
}

static void test_alerts_are_new_or_continuing(void **state)
{
    struct fx *f = fx_open();
    const struct sig_alert *al;

    (void)state;
    red_account(f);
    fx_compute(f, D, "a1");
    assert_int_equal(sig_alerts(f->st, f->set), CS_OK);
    assert_int_equal(f->set->n_alerts, 3);
    al = f->set->alerts;
    assert_string_equal(al[0].kind_name, "dormant");
    assert_string_equal(al[0].owner, "CS lead");
    assert_string_equal(al[0].artifact, "usage-anomaly");
    assert_string_equal(al[0].value, "20 days since core event");
    assert_false(al[0].continuing);
    assert_string_equal(al[1].kind_name, "sponsor_left");
    assert_true(al[1].continuing);
    assert_string_equal(al[2].kind_name, "renewal_risk");
    assert_string_equal(al[2].owner, "Account manager");
    assert_string_equal(al[2].artifact, "renewal-packet");
    assert_string_equal(al[2].value, "high, 30 days to renewal");
    assert_false(al[2].continuing);
    fx_close(f);
}

static void test_stuck_alert_names_the_step(void **state)
{
    struct fx *f = fx_open();
    const struct sig_alert *al;

    (void)state;
    fx_account(f, 1, "a1", D - 20);
    fx_event(f, 1, D - 19, "source.connected", "u", 1);
    fx_event(f, 1, D - 1, "user.login", "u", 1);
    fx_compute(f, D, "a1");
    assert_int_equal(sig_alerts(f->st, f->set), CS_OK);
    al = f->set->alerts;
    assert_int_equal(f->set->n_alerts, 2);
    assert_string_equal(al[0].kind_name, "stuck_onboarding");
    assert_string_equal(al[0].owner, "Onboarding lead");
    assert_string_equal(al[0].value, "'first_report' for 19 days");
    assert_true(al[0].continuing);
    /* Never a core event, 20 days after signup: newly dormant. */
    assert_string_equal(al[1].kind_name, "dormant");
    assert_false(al[1].continuing);
    fx_close(f);
}

static void test_expansion_potential_from_thresholds(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 400);
    for (int k = 0; k < SIG_WEEKS; k++)
        fx_event(f, 1, D - 7 * k, "report.viewed", "u1", 5);
    fx_event(f, 1, D, "report.viewed", "u2", 1);
    fx_event(f, 1, D, "report.viewed", "u3", 1);
    fx_contract(f, 1, D - 300, D + 300, "2");
    fx_contact(f, 1, "c1", 1, D - 300, DATE_NONE);
    fx_contact(f, 1, "c2", 0, D - 3, DATE_NONE);
    fx_contact(f, 1, "c3", 0, D - 2, DATE_NONE);
    a = fx_compute(f, D, "a1");
    assert_true(a->expansion.over_plan);
    assert_int_equal(a->expansion.seat_overage, 1);
    assert_string_equal(a->expansion.potential, "high");
    assert_int_equal(a->expansion.n_reasons, 2);
    assert_string_equal(a->expansion.reasons[0],
                        "over plan by 1 seats (3 of 2)");
    assert_string_equal(a->expansion.reasons[1],
                        "2 new stakeholders in 30 days");
    fx_close(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sponsor_leaving_after_d_is_still_present),
        cmocka_unit_test(test_sponsor_leaving_on_d_has_left),
        cmocka_unit_test(test_sponsor_first_seen_after_d_is_ignored),
        cmocka_unit_test(test_new_sponsor_must_come_after_signup_plus_30),
        cmocka_unit_test(test_overlapping_contracts_latest_end_wins),
        cmocka_unit_test(test_renewal_window_edges),
        cmocka_unit_test(test_new_stakeholders_are_contacts_of_30_days),
        cmocka_unit_test(test_health_uses_only_components_with_data),
        cmocka_unit_test(test_health_without_any_data_has_no_score),
        cmocka_unit_test(test_dormant_account_is_never_green),
        cmocka_unit_test(test_missing_weight_is_shared_among_the_others),
        cmocka_unit_test(test_red_account_ledger_and_drivers),
        cmocka_unit_test(test_red_in_window_is_high_risk),
        cmocka_unit_test(test_alerts_are_new_or_continuing),
        cmocka_unit_test(test_stuck_alert_names_the_step),
        cmocka_unit_test(test_expansion_potential_from_thresholds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
