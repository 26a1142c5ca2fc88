/* Tests of several as-of dates in one pass and of alerts given last
 * week's set. */
#include "signals_fixture.h"

/* The set of day as sig_compute gives it, as JSON text. */
static char *json_of(const struct sig_set *set)
{
    cJSON *j = sig_set_json(set);
    char *s;

    assert_non_null(j);
    s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    assert_non_null(s);
    return s;
}

/* Each set of sig_compute_dates prints as sig_compute's of its date. */
static void assert_same_as_single(struct fx *f, struct sig_set **sets,
                                  const int32_t *dates, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        struct sig_set *one = NULL;
        char *a, *b;

        assert_int_equal(sig_compute(f->st, f->cfg, dates[k], NULL, NULL, &one),
                         CS_OK);
        a = json_of(sets[k]);
        b = json_of(one);
        assert_string_equal(a, b);
        assert_int_equal(sets[k]->n_segments, one->n_segments);
        cJSON_free(a);
        cJSON_free(b);
        sig_set_free(one);
    }
}

static const struct sig_account *find(const struct sig_set *set, const char *id)
{
    for (size_t i = 0; i < set->n_accounts; i++)
        if (strcmp(set->accounts[i].account_id, id) == 0)
            return &set->accounts[i];
    return NULL;
}

/*
 * With dates D, D-7 and D-28 the rows before D-90 are read for their
 * first days and last core day only: a1's steps, first value and, at
 * D-28, its last core event are all before D-90.  a2 signs up at D-10
 * with an event before that, which counts on D-10.
 */
static void fill_two_accounts(struct fx *f)
{
    fx_account(f, 1, "a1", D - 200);
    fx_event(f, 1, D - 150, "source.connected", "u1", 1);
    fx_event(f, 1, D - 120, "report.viewed", "u1", 2);
    fx_event(f, 1, D - 100, "report.created", "u2", 1);
    fx_event(f, 1, D - 95, "report.shared", "u2", 1);
    fx_event(f, 1, D - 20, "report.viewed", "u3", 5);
    fx_event(f, 1, D - 3, "dashboard.viewed", "u1", 1);
    fx_account(f, 2, "a2", D - 10);
    fx_event(f, 2, D - 40, "report.viewed", "u9", 2);
}

static void test_dates_in_one_pass(void **state)
{
    struct fx *f = fx_open();
    int32_t dates[3] = {D, D - 7, D - 28};
    struct sig_set *sets[3];
    const struct sig_account *a;

    (void)state;
    fill_two_accounts(f);
    assert_int_equal(
        sig_compute_dates(f->st, f->cfg, dates, 3, NULL, NULL, sets), CS_OK);

    a = find(sets[0], "a1");
    assert_non_null(a);
    assert_int_equal(a->onboarding.steps_done, 2);
    assert_int_equal(a->onboarding.days_since_progress, 100);
    assert_int_equal(a->onboarding.first_value_date, D - 95);
    assert_int_equal(a->onboarding.ttfv_days, 105);
    assert_int_equal(a->usage.days_since_core, 3);
    assert_int_equal(a->usage.active_users_7d, 1);
    assert_int_equal(a->usage.active_users_30d, 2);
    assert_int_equal(a->usage.core_events_7d, 1);
    assert_int_equal(a->usage.core_events_30d, 6);
    assert_int_equal(a->usage.features_30d, 2);

    a = find(sets[1], "a1");
    assert_non_null(a);
    assert_int_equal(a->usage.days_since_core, 13);
    assert_int_equal(a->usage.active_users_7d, 0);
    assert_int_equal(a->usage.active_users_30d, 1);
    assert_int_equal(a->usage.core_events_30d, 5);

    a = find(sets[2], "a1");
    assert_non_null(a);
    assert_int_equal(a->usage.last_core_date, D - 95);
    assert_int_equal(a->usage.days_since_core, 67);
    assert_int_equal(a->usage.active_users_30d, 0);
    assert_int_equal(a->onboarding.steps_done, 2);
    assert_int_equal(a->onboarding.first_value_date, D - 95);

    a = find(sets[0], "a2");
    assert_non_null(a);
    assert_int_equal(a->usage.last_core_date, D - 10);
    assert_int_equal(a->usage.active_users_30d, 1);
    assert_int_equal(a->usage.core_events_30d, 2);
    assert_int_equal(find(sets[1], "a2")->usage.days_since_core, 3);
    assert_null(find(sets[2], "a2"));
    assert_int_equal(sets[2]->n_accounts, 1);

    assert_same_as_single(f, sets, dates, 3);
    for (int k = 0; k < 3; k++)
        sig_set_free(sets[k]);
    fx_close(f);
}

/* Only the first date reports an account that signs up after it. */
static void test_account_filter_at_each_date(void **state)
{
    struct fx *f = fx_open();
    int32_t dates[2] = {D, D - 7};
    struct sig_set *sets[2] = {NULL, NULL};

    (void)state;
    fx_account(f, 1, "late", D - 3);
    fx_event(f, 1, D - 1, "report.viewed", "u", 1);
    assert_int_equal(
        sig_compute_dates(f->st, f->cfg, dates, 2, "late", NULL, sets), CS_OK);
    assert_int_equal(sets[0]->n_accounts, 1);
    assert_int_equal(sets[0]->accounts[0].usage.core_events_7d, 1);
    assert_int_equal(sets[1]->n_accounts, 0);
    sig_set_free(sets[0]);
    sig_set_free(sets[1]);

    dates[0] = D - 7;
    dates[1] = D;
    assert_int_equal(
        sig_compute_dates(f->st, f->cfg, dates, 2, "late", NULL, sets),
        CS_NOTFOUND);
    assert_null(sets[0]);
    assert_null(sets[1]);
    assert_int_equal(
        sig_compute_dates(f->st, f->cfg, dates, 2, "nobody", NULL, sets),
        CS_NOTFOUND);
    assert_null(sets[0]);
    fx_close(f);
}

/*
 * "was" went dormant before D-7 (last core event D-30: 23 days at D-7),
 * "now" only since (D-16: 9 days at D-7); both are dormant alerts at D,
 * the first continuing.  sig_alerts_with gives what sig_alerts does.
 */
static void test_alerts_with_last_weeks_set(void **state)
{
    struct fx *f = fx_open();
    int32_t dates[2] = {D, D - 7};
    struct sig_set *sets[2], *again = NULL, *wrong = NULL;

    (void)state;
    fx_account(f, 1, "now", D - 200);
    fx_event(f, 1, D - 16, "report.viewed", "u", 1);
    fx_account(f, 2, "was", D - 200);
    fx_event(f, 2, D - 30, "report.viewed", "u", 1);
    assert_int_equal(
        sig_compute_dates(f->st, f->cfg, dates, 2, NULL, NULL, sets), CS_OK);
    assert_int_equal(sig_alerts_with(sets[0], sets[1]), CS_OK);
    sig_set_free(sets[1]);
    assert_int_equal(sets[0]->n_alerts, 2);
    assert_string_equal(sets[0]->alerts[0].account->account_id, "now");
    assert_string_equal(sets[0]->alerts[0].kind_name, "dormant");
    assert_false(sets[0]->alerts[0].continuing);
    assert_string_equal(sets[0]->alerts[1].account->account_id, "was");
    assert_true(sets[0]->alerts[1].continuing);
    assert_string_equal(sets[0]->alerts[1].value, "30 days since core event");

    assert_int_equal(sig_compute(f->st, f->cfg, D, NULL, NULL, &again), CS_OK);
    assert_int_equal(sig_alerts(f->st, again), CS_OK);
    assert_int_equal(again->n_alerts, 2);
    assert_false(again->alerts[0].continuing);
    assert_true(again->alerts[1].continuing);

    assert_int_equal(sig_alerts_with(again, NULL), CS_OK);
    assert_int_equal(again->n_alerts, 2);
    assert_false(again->alerts[1].continuing);
    assert_int_equal(sig_compute(f->st, f->cfg, D - 1, NULL, NULL, &wrong),
                     CS_OK);
    assert_int_equal(sig_alerts_with(again, wrong), CS_ERR);

    sig_set_free(wrong);
    sig_set_free(again);
    sig_set_free(sets[0]);
    fx_close(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates_in_one_pass),
        cmocka_unit_test(test_account_filter_at_each_date),
        cmocka_unit_test(test_alerts_with_last_weeks_set),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
