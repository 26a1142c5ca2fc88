/* Tests of the JSON shape of section 6 and of the segment figures. */
#include "signals_fixture.h"

#include <math.h>

static const char *const top_keys[] = {
    "account_id", "name",     "segment", "owner",  "onboarding", "usage",
    "support",    "feedback", "sponsor", "health", "renewal",    "expansion",
};

static const char *const stage_keys[] = {
    "onboarding.steps_total",
    "onboarding.steps_done",
    "onboarding.activation_pct",
    "onboarding.current_step",
    "onboarding.activated",
    "onboarding.first_value_date",
    "onboarding.ttfv_days",
    "onboarding.days_since_progress",
    "onboarding.stuck",
    "onboarding.onboarding_tickets",
    "usage.active_users_7d",
    "usage.active_users_30d",
    "usage.core_events_7d",
    "usage.core_events_30d",
    "usage.features_30d",
    "usage.last_core_date",
    "usage.days_since_core",
    "usage.dormant",
    "usage.trend_pct",
    "usage.anomaly_z",
    "usage.anomaly",
    "usage.seats",
    "usage.seat_utilization",
    "support.tickets_30d",
    "support.tickets_90d",
    "support.open_tickets",
    "support.high_priority_90d",
    "support.resolution_hours_median_90d",
    "support.topics_90d",
    "support.repeat_topics",
    "feedback.nps_180d",
    "feedback.nps_responses_180d",
    "feedback.nps_trend",
    "feedback.feedback_90d",
    "feedback.sentiment_90d",
    "feedback.sentiment_trend",
    "feedback.themes_90d",
    "sponsor.sponsor_present",
    "sponsor.sponsor_left_90d",
    "sponsor.sponsor_new_90d",
    "health.usage",
    "health.support",
    "health.sponsor",
    "health.feedback",
    "health.score",
    "health.band",
    "health.drivers",
    "health.coverage",
    "renewal.renewal_date",
    "renewal.days_to_renewal",
    "renewal.in_window",
    "renewal.risk",
    "renewal.risk_reasons",
    "expansion.new_stakeholders_30d",
    "expansion.new_stakeholders",
    "expansion.new_use_cases_30d",
    "expansion.new_use_cases",
    "expansion.over_plan",
    "expansion.seat_overage",
    "expansion.potential",
    "expansion.reasons",
};

static const cJSON *field(const cJSON *o, const char *path)
{
    char stage[32];
    const char *dot = strchr(path, '.');

    snprintf(stage, sizeof(stage), "%.*s", (int)(dot - path), path);
    return cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(o, stage), dot + 1);
}

static void test_json_has_every_field_of_the_dictionary(void **state)
{
    struct fx *f = fx_open();
    const struct sig_account *a;
    const cJSON *it;
    cJSON *o;
    size_t i = 0;

    (void)state;
    fx_account(f, 1, "a1", D - 20);
    a = fx_compute(f, D, "a1");
    o = sig_account_json(a);
    assert_non_null(o);
    cJSON_ArrayForEach(it, o)
    {
        assert_true(i < sizeof(top_keys) / sizeof(top_keys[0]));
        assert_string_equal(it->string, top_keys[i++]);
    }
    assert_int_equal(i, sizeof(top_keys) / sizeof(top_keys[0]));
    for (i = 0; i < sizeof(stage_keys) / sizeof(stage_keys[0]); i++)
        if (!field(o, stage_keys[i]))
            fail_msg("missing %s", stage_keys[i]);
    cJSON_Delete(o);
    fx_close(f);
}

static void test_json_nulls_dates_and_empty_lists(void **state)
{
    struct fx *f = fx_open();
    cJSON *o;

    (void)state;
    fx_account(f, 1, "a1", D - 20);
    fx_event(f, 1, D - 20, "report.shared", "u", 1);
    o = sig_account_json(fx_compute(f, D, "a1"));
    assert_non_null(o);
    assert_string_equal(field(o, "onboarding.first_value_date")->valuestring,
                        "2026-03-11");
    assert_true(cJSON_IsNumber(field(o, "onboarding.ttfv_days")));
    assert_true(cJSON_IsNull(field(o, "usage.seat_utilization")));
    assert_true(cJSON_IsNull(field(o, "usage.anomaly")));
    assert_true(cJSON_IsObject(field(o, "support.topics_90d")));
    assert_null(field(o, "support.topics_90d")->child);
    assert_true(cJSON_IsArray(field(o, "support.repeat_topics")));
    assert_true(cJSON_IsNull(field(o, "support.resolution_hours_median_90d")));
    assert_true(cJSON_IsNull(field(o, "feedback.nps_180d")));
    assert_int_equal(field(o, "feedback.nps_responses_180d")->valueint, 0);
    assert_true(cJSON_IsNull(field(o, "renewal.renewal_date")));
    assert_true(cJSON_IsFalse(field(o, "renewal.in_window")));
    assert_string_equal(field(o, "onboarding.current_step")->valuestring,
                        "connect_source");
    cJSON_Delete(o);
    fx_close(f);
}

static void test_set_json_is_sorted_by_account_id(void **state)
{
    struct fx *f = fx_open();
    cJSON *arr;

    (void)state;
    fx_account(f, 1, "b", D - 20);
    fx_account(f, 2, "B", D - 20);
    fx_account(f, 3, "a", D - 20);
    assert_int_equal(sig_compute(f->st, f->cfg, D, NULL, NULL, &f->set), CS_OK);
    arr = sig_set_json(f->set);
    assert_int_equal(cJSON_GetArraySize(arr), 3);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "account_id")
            ->valuestring,
        "B");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 1), "account_id")
            ->valuestring,
        "a");
    cJSON_Delete(arr);
    fx_close(f);
}

/* Account rowid in segment seg with first value ttfv days after signup
 * (none when negative). */
static void seg_account(struct fx *f, int rowid, const char *seg, int ttfv)
{
    char id[16];

    snprintf(id, sizeof(id), "%s%d", seg, rowid);
    fx_account(f, rowid, id, D - 50);
    fx_sql(f, "UPDATE account SET segment = '%s' WHERE id = %d", seg, rowid);
    if (ttfv >= 0)
        fx_event(f, rowid, D - 50 + ttfv, "report.shared", "u", 1);
}

static const struct sig_segment *segment(const struct sig_set *set,
                                         const char *name)
{
    for (size_t i = 0; i < set->n_segments; i++)
        if (strcmp(set->segments[i].name, name) == 0)
            return &set->segments[i];
    fail_msg("no segment %s", name);
    abort(); /* fail_msg does not return; this tells the compiler */
}

static void test_segment_ttfv_median_and_p90(void **state)
{
    struct fx *f = fx_open();
    const struct sig_segment *s;

    (void)state;
    seg_account(f, 1, "smb", 0);
    seg_account(f, 2, "smb", 10);
    seg_account(f, 3, "smb", 4);
    seg_account(f, 4, "smb", -1);
    seg_account(f, 5, "mid", 2);
    assert_int_equal(sig_compute(f->st, f->cfg, D, NULL, NULL, &f->set), CS_OK);
    assert_int_equal(f->set->n_segments, 2);
    assert_string_equal(f->set->segments[0].name, "mid");
    s = segment(f->set, "smb");
    assert_int_equal(s->accounts, 4);
    assert_near(s->arr_total, 4000);
    assert_near(s->ttfv_median, 4);
    assert_near(s->ttfv_p90, 10);
    sig_set_free(f->set);
    f->set = NULL;

    seg_account(f, 6, "smb", 6);
    assert_int_equal(sig_compute(f->st, f->cfg, D, NULL, NULL, &f->set), CS_OK);
    s = segment(f->set, "smb");
    /* 0 4 6 10: the mean of the middle two; rank ceil(3.6) = 4 */
    assert_near(s->ttfv_median, 5);
    assert_near(s->ttfv_p90, 10);
    fx_close(f);
}

static void test_segment_nps_pools_responses(void **state)
{
    struct fx *f = fx_open();
    const struct sig_segment *s;

    (void)state;
    seg_account(f, 1, "smb", -1);
    seg_account(f, 2, "smb", -1);
    fx_sql(f, "UPDATE account SET segment = NULL WHERE id = 2");
    seg_account(f, 3, "smb", -1);
    fx_feedback(f, 1, D - 1, "nps", "10", NULL);
    fx_feedback(f, 3, D - 1, "nps", "0", NULL);
    fx_feedback(f, 3, D - 2, "nps", "9", NULL);
    assert_int_equal(sig_compute(f->st, f->cfg, D, NULL, NULL, &f->set), CS_OK);
    s = segment(f->set, "smb");
    assert_int_equal(s->accounts, 2);
    assert_int_equal(s->nps_responses_180d, 3);
    assert_near(s->nps_180d, 33.33);
    assert_int_equal(segment(f->set, "(none)")->accounts, 1);
    fx_close(f);
}

static void test_segment_filter_selects_accounts(void **state)
{
    struct fx *f = fx_open();

    (void)state;
    seg_account(f, 1, "smb", -1);
    seg_account(f, 2, "mid", -1);
    assert_int_equal(sig_compute(f->st, f->cfg, D, NULL, "mid", &f->set),
                     CS_OK);
    assert_int_equal(f->set->n_accounts, 1);
    assert_string_equal(f->set->accounts[0].account_id, "mid2");
    assert_int_equal(f->set->n_segments, 1);
    sig_set_free(f->set);
    f->set = NULL;

    fx_sql(f, "UPDATE account SET segment = NULL WHERE id = 1");
    assert_int_equal(sig_compute(f->st, f->cfg, D, NULL, "(none)", &f->set),
                     CS_OK);
    assert_int_equal(f->set->n_accounts, 1);
    assert_string_equal(f->set->accounts[0].account_id, "smb1");
    assert_string_equal(f->set->segments[0].name, "(none)");
    fx_close(f);
}

static void test_account_found_by_external_id(void **state)
{
    struct fx *f = fx_open();

    (void)state;
    fx_account(f, 1, "acme", D - 20);
    fx_sql(f, "INSERT INTO account_ext(ext, account) VALUES "
              "('zendesk:3601', 1)");
    assert_int_equal(
        sig_compute(f->st, f->cfg, D, "zendesk:3601", NULL, &f->set), CS_OK);
    assert_int_equal(f->set->n_accounts, 1);
    assert_string_equal(f->set->accounts[0].account_id, "acme");
    fx_close(f);
}

static void test_rounding_follows_printf_on_the_binary_value(void **state)
{
    (void)state;
    /* 0.355 is stored as 0.35499...; 1.625 and 0.125 are true ties. */
    assert_near(sig_round(0.355, 2), 0.35);
    assert_near(sig_round(1.625, 2), 1.62);
    assert_near(sig_round(0.125, 2), 0.12);
    assert_near(sig_round(0.375, 2), 0.38);
    assert_near(sig_round(-7.4074, 2), -7.41);
    assert_near(sig_round(66.66666, 1), 66.7);
    assert_false(signbit(sig_round(-0.001, 2)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_has_every_field_of_the_dictionary),
        cmocka_unit_test(test_json_nulls_dates_and_empty_lists),
        cmocka_unit_test(test_set_json_is_sorted_by_account_id),
        cmocka_unit_test(test_segment_ttfv_median_and_p90),
        cmocka_unit_test(test_segment_nps_pools_responses),
        cmocka_unit_test(test_segment_filter_selects_accounts),
        cmocka_unit_test(test_account_found_by_external_id),
        cmocka_unit_test(test_rounding_follows_printf_on_the_binary_value),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
