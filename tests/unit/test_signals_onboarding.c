/* Tests of the onboarding signals and of what sig_compute lists. */
#include "signals_fixture.h"

static void test_ttfv_is_zero_when_value_on_signup_day(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 20);
    fx_event(f, 1, D - 20, "report.shared", "u1", 1);
    fx_event(f, 1, D - 5, "report.shared", "u2", 1);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->onboarding.first_value_date, D - 20);
    assert_true(a->onboarding.has_ttfv_days);
    assert_int_equal(a->onboarding.ttfv_days, 0);
    fx_close(f);
}

static void test_event_before_signup_counts_on_signup_day(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 20);
    fx_event(f, 1, D - 25, "report.shared", "u1", 1);
    fx_event(f, 1, D - 30, "source.connected", "u1", 1);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->onboarding.first_value_date, D - 20);
    assert_int_equal(a->onboarding.ttfv_days, 0);
    assert_int_equal(a->onboarding.steps_done, 1);
    assert_int_equal(a->onboarding.days_since_progress, 20);
    /* report.shared is a core event: its day is clamped too. */
    assert_int_equal(a->usage.last_core_date, D - 20);
    fx_close(f);
}

static void test_events_after_as_of_are_ignored(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 20);
    fx_event(f, 1, D + 1, "source.connected", "u1", 1);
    fx_event(f, 1, D + 1, "report.shared", "u1", 1);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->onboarding.steps_done, 0);
    assert_string_equal(a->onboarding.current_step, "connect_source");
    assert_int_equal(a->onboarding.first_value_date, DATE_NONE);
    assert_false(a->onboarding.has_ttfv_days);
    assert_int_equal(a->usage.core_events_7d, 0);
    assert_false(a->usage.has_days_since_core);
    fx_close(f);
}

static void test_activation_counts_steps_done_in_any_order(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 20);
    fx_event(f, 1, D - 3, "report.created", "u1", 2);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->onboarding.steps_total, 2);
    assert_int_equal(a->onboarding.steps_done, 1);
    assert_near(a->onboarding.activation_pct, 50);
    assert_string_equal(a->onboarding.current_step, "connect_source");
    assert_false(a->onboarding.activated);
    assert_int_equal(a->onboarding.days_since_progress, 3);

    fx_event(f, 1, D - 1, "source.connected", "u2", 1);
    a = fx_compute(f, D, "a1");
    assert_true(a->onboarding.activated);
    assert_null(a->onboarding.current_step);
    assert_near(a->onboarding.activation_pct, 100);
    fx_close(f);
}

static void test_progress_is_the_latest_first_completion(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 30);
    fx_event(f, 1, D - 15, "source.connected", "u1", 1);
    fx_event(f, 1, D - 2, "source.connected", "u1", 1);
    fx_event(f, 1, D - 10, "report.created", "u1", 1);
    fx_event(f, 1, D - 1, "report.created", "u1", 1);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->onboarding.days_since_progress, 10);
    fx_close(f);
}

static void test_progress_falls_back_to_signup(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;

    (void)state;
    fx_account(f, 1, "a1", D - 12);
    a = fx_compute(f, D, "a1");
    assert_int_equal(a->onboarding.days_since_progress, 12);
    fx_close(f);
}

static void test_stuck_boundaries(void **state)
{
    struct fx *f = fx_open();

    (void)state;
    fx_account(f, 1, "six", D - 6);
    fx_account(f, 2, "seven", D - 7);
    fx_account(f, 3, "d89", D - 89);
    fx_account(f, 4, "d90", D - 90);
    fx_account(f, 5, "done", D - 20);
    fx_event(f, 5, D - 19, "source.connected", "u", 1);
    fx_event(f, 5, D - 18, "report.created", "u", 1);
    fx_account(f, 6, "moving", D - 30);
    fx_event(f, 6, D - 6, "source.connected", "u", 1);
    assert_false(fx_compute(f, D, "six")->onboarding.stuck);
    assert_true(fx_compute(f, D, "seven")->onboarding.stuck);
    assert_true(fx_compute(f, D, "d89")->onboarding.stuck);
    assert_false(fx_compute(f, D, "d90")->onboarding.stuck);
    assert_false(fx_compute(f, D, "done")->onboarding.stuck);
    assert_false(fx_compute(f, D, "moving")->onboarding.stuck);
    assert_true(fx_compute(f, D + 1, "moving")->onboarding.stuck);
    fx_close(f);
}

static void test_onboarding_tickets_are_the_first_30_days(void **state)
{
    struct fx *f = fx_open();
    int32_t s = D - 40;

    (void)state;
    fx_account(f, 1, "a1", s);
    fx_ticket(f, 1, "t0", fx_at(s - 1, 12), 0, "low", "before");
    fx_ticket(f, 1, "t1", fx_at(s, 0), 0, "low", "first day");
    fx_ticket(f, 1, "t2", fx_at(s + 29, 23), 0, "low", "last day");
    fx_ticket(f, 1, "t3", fx_at(s + 30, 0), 0, "low", "too late");
    assert_int_equal(fx_compute(f, D, "a1")->onboarding.onboarding_tickets, 2);
    /* As of s + 10 the ticket of s + 29 is in the future. */
    assert_int_equal(fx_compute(f, s + 10, "a1")->onboarding.onboarding_tickets,
                     1);
    fx_close(f);
}

static void test_accounts_signing_up_after_as_of_are_not_listed(void **state)
{
    struct fx *f = fx_open();

    (void)state;
    fx_account(f, 1, "b", D - 1);
    fx_account(f, 2, "a", D);
    fx_account(f, 3, "c", D + 1);
    assert_int_equal(sig_compute(f->st, f->cfg, D, NULL, NULL, &f->set), CS_OK);
    assert_int_equal(f->set->n_accounts, 2);
    assert_string_equal(f->set->accounts[0].account_id, "a");
    assert_string_equal(f->set->accounts[1].account_id, "b");
    sig_set_free(f->set);
    f->set = NULL;
    assert_int_equal(sig_compute(f->st, f->cfg, D, "c", NULL, &f->set),
                     CS_NOTFOUND);
    assert_int_equal(sig_compute(f->st, f->cfg, D, "zz", NULL, &f->set),
                     CS_NOTFOUND);
    assert_int_equal(sig_compute(f->st, f->cfg, D, NULL, "enterprise", &f->set),
                     CS_NOTFOUND);
    assert_int_equal(sig_compute(f->st, f->cfg, D, "b", NULL, &f->set), CS_OK);
    assert_int_equal(f->set->n_accounts, 1);
    fx_close(f);
}

static void test_empty_store_gives_an_empty_set(void **state)
{
    struct fx *f = fx_open();

    (void)state;
    assert_int_equal(sig_compute(f->st, f->cfg, D, NULL, NULL, &f->set), CS_OK);
    assert_int_equal(f->set->n_accounts, 0);
    assert_int_equal(f->set->n_segments, 0);
    fx_close(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ttfv_is_zero_when_value_on_signup_day),
        cmocka_unit_test(test_event_before_signup_counts_on_signup_day),
        cmocka_unit_test(test_events_after_as_of_are_ignored),
        cmocka_unit_test(test_activation_counts_steps_done_in_any_order),
        cmocka_unit_test(test_progress_is_the_latest_first_completion),
        cmocka_unit_test(test_progress_falls_back_to_signup),
        cmocka_unit_test(test_stuck_boundaries),
        cmocka_unit_test(test_onboarding_tickets_are_the_first_30_days),
        cmocka_unit_test(test_accounts_signing_up_after_as_of_are_not_listed),
        cmocka_unit_test(test_empty_store_gives_an_empty_set),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
