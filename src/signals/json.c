/* The JSON form of signals, segments and alerts (DESIGN section 6). */
#include "internal.h"

#include <cjson/cJSON.h>

#include "csmap/date.h"

/* Builders that remember a failed allocation in *ok, so a whole object is
 * built and checked once. */
static cJSON *obj(cJSON *parent, const char *key, bool *ok)
{
    cJSON *o = cJSON_AddObjectToObject(parent, key);

    if (!o)
        *ok = false;
    return o;
}

static void num(cJSON *o, const char *key, double v, bool *ok)
{
    if (!cJSON_AddNumberToObject(o, key, v))
        *ok = false;
}

static void opt_num(cJSON *o, const char *key, bool has, double v, bool *ok)
{
    if (!(has ? cJSON_AddNumberToObject(o, key, v)
              : cJSON_AddNullToObject(o, key)))
        *ok = false;
}

static void boolean(cJSON *o, const char *key, bool v, bool *ok)
{
    if (!cJSON_AddBoolToObject(o, key, v))
        *ok = false;
}

static void str(cJSON *o, const char *key, const char *v, bool *ok)
{
    if (!(v ? cJSON_AddStringToObject(o, key, v)
            : cJSON_AddNullToObject(o, key)))
        *ok = false;
}

static void date(cJSON *o, const char *key, int32_t d, bool *ok)
{
    char buf[11];

    if (d == DATE_NONE) {
        str(o, key, NULL, ok);
        return;
    }
    date_format(d, buf);
    str(o, key, buf, ok);
}

static void strings(cJSON *o, const char *key, const char *const *v, size_t n,
                    bool *ok)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);

    if (!a) {
        *ok = false;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *s = cJSON_CreateString(v[i]);

        if (!s || !cJSON_AddItemToArray(a, s)) {
            cJSON_Delete(s);
            *ok = false;
        }
    }
}

static void counts(cJSON *o, const char *key, const struct sig_count *c,
                   size_t n, bool *ok)
{
    cJSON *t = obj(o, key, ok);

    for (size_t i = 0; t && i < n; i++)
        num(t, c[i].name, c[i].count, ok);
}

static void themes(cJSON *o, const char *key, const struct sig_theme *th,
                   size_t n, bool *ok)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);

    if (!a) {
        *ok = false;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *t = cJSON_CreateObject();

        if (!t || !cJSON_AddItemToArray(a, t)) {
            cJSON_Delete(t);
            *ok = false;
            return;
        }
        str(t, "theme", th[i].phrase, ok);
        num(t, "count", th[i].count, ok);
    }
}

static void onboarding(cJSON *root, const struct sig_onboarding *s, bool *ok)
{
    cJSON *o = obj(root, "onboarding", ok);

    if (!o)
        return;
    num(o, "steps_total", s->steps_total, ok);
    num(o, "steps_done", s->steps_done, ok);
    opt_num(o, "activation_pct", s->has_activation_pct, s->activation_pct, ok);
    str(o, "current_step", s->current_step, ok);
    boolean(o, "activated", s->activated, ok);
    date(o, "first_value_date", s->first_value_date, ok);
    opt_num(o, "ttfv_days", s->has_ttfv_days, s->ttfv_days, ok);
    num(o, "days_since_progress", s->days_since_progress, ok);
    boolean(o, "stuck", s->stuck, ok);
    num(o, "onboarding_tickets", s->onboarding_tickets, ok);
}

static void weekly(cJSON *o, const int64_t *w, bool *ok)
{
    cJSON *a = cJSON_AddArrayToObject(o, "weekly");

    if (!a) {
        *ok = false;
        return;
    }
    for (int k = SIG_WEEKS - 1; k >= 0; k--) {
        cJSON *n = cJSON_CreateNumber((double)w[k]);

        if (!n || !cJSON_AddItemToArray(a, n)) {
            cJSON_Delete(n);
            *ok = false;
        }
    }
}

static void usage(cJSON *root, const struct sig_usage *s, bool *ok)
{
    cJSON *o = obj(root, "usage", ok);

    if (!o)
        return;
    num(o, "active_users_7d", s->active_users_7d, ok);
    num(o, "active_users_30d", s->active_users_30d, ok);
    num(o, "core_events_7d", (double)s->core_events_7d, ok);
    num(o, "core_events_30d", (double)s->core_events_30d, ok);
    num(o, "features_30d", s->features_30d, ok);
    date(o, "last_core_date", s->last_core_date, ok);
    opt_num(o, "days_since_core", s->has_days_since_core, s->days_since_core,
            ok);
    boolean(o, "dormant", s->dormant, ok);
    weekly(o, s->weekly, ok);
    num(o, "trend_pct", s->trend_pct, ok);
    num(o, "anomaly_z", s->anomaly_z, ok);
    str(o, "anomaly", s->anomaly, ok);
    num(o, "seats", s->seats, ok);
    opt_num(o, "seat_utilization", s->has_seat_utilization, s->seat_utilization,
            ok);
}

static void support(cJSON *root, const struct sig_support *s, bool *ok)
{
    cJSON *o = obj(root, "support", ok);

    if (!o)
        return;
    num(o, "tickets_30d", s->tickets_30d, ok);
    num(o, "tickets_90d", s->tickets_90d, ok);
    num(o, "open_tickets", s->open_tickets, ok);
    num(o, "high_priority_90d", s->high_priority_90d, ok);
    opt_num(o, "resolution_hours_median_90d",
            s->has_resolution_hours_median_90d, s->resolution_hours_median_90d,
            ok);
    counts(o, "topics_90d", s->topics_90d, s->n_topics_90d, ok);
    strings(o, "repeat_topics", s->repeat_topics, s->n_repeat_topics, ok);
}

static void feedback(cJSON *root, const struct sig_feedback *s, bool *ok)
{
    cJSON *o = obj(root, "feedback", ok);

    if (!o)
        return;
    opt_num(o, "nps_180d", s->has_nps_180d, s->nps_180d, ok);
    num(o, "nps_responses_180d", s->nps_responses_180d, ok);
    opt_num(o, "nps_trend", s->has_nps_trend, s->nps_trend, ok);
    num(o, "feedback_90d", s->feedback_90d, ok);
    opt_num(o, "sentiment_90d", s->has_sentiment_90d, s->sentiment_90d, ok);
    opt_num(o, "sentiment_trend", s->has_sentiment_trend, s->sentiment_trend,
            ok);
    themes(o, "themes_90d", s->themes_90d, s->n_themes_90d, ok);
    num(o, "texts_90d", s->texts_90d, ok);
    boolean(o, "small_sample", s->small_sample, ok);
    boolean(o, "nps_small_sample", s->nps_small_sample, ok);
}

static void sponsor(cJSON *root, const struct sig_sponsor *s, bool *ok)
{
    cJSON *o = obj(root, "sponsor", ok);

    if (!o)
        return;
    boolean(o, "sponsor_present", s->sponsor_present, ok);
    boolean(o, "sponsor_left_90d", s->sponsor_left_90d, ok);
    boolean(o, "sponsor_new_90d", s->sponsor_new_90d, ok);
}

static void drivers(cJSON *o, const struct sig_health *h, bool *ok)
{
    cJSON *a = cJSON_AddArrayToObject(o, "drivers");

    if (!a) {
        *ok = false;
        return;
    }
    for (size_t i = 0; i < h->n_drivers; i++) {
        const struct sig_driver *d = &h->drivers[i];
        cJSON *t = cJSON_CreateObject();

        if (!t || !cJSON_AddItemToArray(a, t)) {
            cJSON_Delete(t);
            *ok = false;
            return;
        }
        str(t, "signal", d->signal, ok);
        if (d->value_is_bool)
            boolean(t, "value", d->value != 0, ok);
        else
            num(t, "value", d->value, ok);
        num(t, "points", d->points, ok);
        str(t, "component", sig_component_name(d->component), ok);
    }
}

static void health(cJSON *root, const struct sig_health *h, bool *ok)
{
    cJSON *o = obj(root, "health", ok);

    if (!o)
        return;
    for (int c = 0; c < SIG_N_COMPONENTS; c++)
        opt_num(o, sig_component_name((enum sig_component)c),
                h->has_component[c], h->component[c], ok);
    opt_num(o, "score", h->has_score, h->score, ok);
    str(o, "band", h->band, ok);
    drivers(o, h, ok);
    num(o, "coverage", h->coverage, ok);
}

static void renewal(cJSON *root, const struct sig_renewal *s, bool *ok)
{
    cJSON *o = obj(root, "renewal", ok);

    if (!o)
        return;
    date(o, "renewal_date", s->renewal_date, ok);
    opt_num(o, "days_to_renewal", s->has_days_to_renewal, s->days_to_renewal,
            ok);
    boolean(o, "in_window", s->in_window, ok);
    str(o, "risk", s->risk, ok);
    strings(o, "risk_reasons", s->risk_reasons, s->n_risk_reasons, ok);
    opt_num(o, "arr", s->has_arr, s->arr, ok);
}

static void expansion(cJSON *root, const struct sig_expansion *s, bool *ok)
{
    cJSON *o = obj(root, "expansion", ok);

    if (!o)
        return;
    num(o, "new_stakeholders_30d", s->new_stakeholders_30d, ok);
    strings(o, "new_stakeholders", s->new_stakeholders, s->n_new_stakeholders,
            ok);
    num(o, "new_use_cases_30d", s->new_use_cases_30d, ok);
    strings(o, "new_use_cases", s->new_use_cases, s->n_new_use_cases, ok);
    boolean(o, "over_plan", s->over_plan, ok);
    num(o, "seat_overage", s->seat_overage, ok);
    str(o, "potential", s->potential, ok);
    strings(o, "reasons", s->reasons, s->n_reasons, ok);
}

cJSON *sig_account_json(const struct sig_account *a)
{
    cJSON *root = cJSON_CreateObject();
    bool ok = root != NULL;

    if (!root)
        return NULL;
    str(root, "account_id", a->account_id, &ok);
    str(root, "name", a->name, &ok);
    str(root, "segment", a->segment, &ok);
    str(root, "owner", a->owner, &ok);
    onboarding(root, &a->onboarding, &ok);
    usage(root, &a->usage, &ok);
    support(root, &a->support, &ok);
    feedback(root, &a->feedback, &ok);
    sponsor(root, &a->sponsor, &ok);
    health(root, &a->health, &ok);
    renewal(root, &a->renewal, &ok);
    expansion(root, &a->expansion, &ok);
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

cJSON *sig_set_json(const struct sig_set *set)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; arr && i < set->n_accounts; i++) {
        cJSON *o = sig_account_json(&set->accounts[i]);

        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static void segment_stages(cJSON *root, const struct sig_segment *s, bool *ok)
{
    cJSON *o;

    if ((o = obj(root, "onboarding", ok))) {
        num(o, "activated", s->activated, ok);
        num(o, "onboarding", s->onboarding, ok);
        num(o, "stuck", s->stuck, ok);
        opt_num(o, "activation_pct_median", s->has_activation_pct_median,
                s->activation_pct_median, ok);
        opt_num(o, "ttfv_median", s->has_ttfv_median, s->ttfv_median, ok);
        opt_num(o, "ttfv_p90", s->has_ttfv_p90, s->ttfv_p90, ok);
    }
    if ((o = obj(root, "usage", ok))) {
        num(o, "dormant", s->dormant, ok);
        num(o, "anomalies", s->anomalies, ok);
        num(o, "active_users_30d_median", s->active_users_30d_median, ok);
        opt_num(o, "trend_pct_median", s->has_trend_pct_median,
                s->trend_pct_median, ok);
    }
    if ((o = obj(root, "support", ok))) {
        num(o, "tickets_30d", s->tickets_30d, ok);
        num(o, "open_tickets", s->open_tickets, ok);
        counts(o, "topics_90d", s->topics_90d, s->n_topics_90d, ok);
        num(o, "accounts_with_repeat_topics", s->accounts_with_repeat_topics,
            ok);
    }
    if ((o = obj(root, "feedback", ok))) {
        opt_num(o, "nps_180d", s->has_nps_180d, s->nps_180d, ok);
        num(o, "nps_responses_180d", s->nps_responses_180d, ok);
        opt_num(o, "sentiment_90d_mean", s->has_sentiment_90d_mean,
                s->sentiment_90d_mean, ok);
        themes(o, "themes_90d", s->themes_90d, s->n_themes_90d, ok);
        boolean(o, "small_sample", s->small_sample, ok);
    }
    if ((o = obj(root, "sponsor", ok))) {
        num(o, "sponsor_missing", s->sponsor_missing, ok);
        num(o, "sponsor_left_90d", s->sponsor_left_90d, ok);
    }
}

static void segment_outcomes(cJSON *root, const struct sig_segment *s, bool *ok)
{
    cJSON *o;

    if ((o = obj(root, "health", ok))) {
        num(o, "red", s->band_red, ok);
        num(o, "yellow", s->band_yellow, ok);
        num(o, "green", s->band_green, ok);
        num(o, "no_score", s->band_none, ok);
        num(o, "share_red", s->share_red, ok);
        num(o, "share_yellow", s->share_yellow, ok);
        num(o, "share_green", s->share_green, ok);
        opt_num(o, "score_median", s->has_score_median, s->score_median, ok);
    }
    if ((o = obj(root, "renewal", ok))) {
        num(o, "in_window", s->in_window, ok);
        num(o, "risk_high", s->risk_high, ok);
        num(o, "risk_medium", s->risk_medium, ok);
        num(o, "arr_in_window", s->arr_in_window, ok);
        num(o, "arr_at_risk", s->arr_at_risk, ok);
    }
    if ((o = obj(root, "expansion", ok))) {
        num(o, "potential_high", s->potential_high, ok);
        num(o, "potential_medium", s->potential_medium, ok);
        num(o, "over_plan", s->over_plan, ok);
        num(o, "seat_overage", s->seat_overage, ok);
    }
}

cJSON *sig_segment_json(const struct sig_segment *s)
{
    cJSON *root = cJSON_CreateObject();
    bool ok = root != NULL;

    if (!root)
        return NULL;
    str(root, "segment", s->name, &ok);
    num(root, "accounts", s->accounts, &ok);
    num(root, "arr_total", s->arr_total, &ok);
    segment_stages(root, s, &ok);
    segment_outcomes(root, s, &ok);
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

cJSON *sig_alert_json(const struct sig_alert *al)
{
    cJSON *root = cJSON_CreateObject();
    bool ok = root != NULL;

    if (!root)
        return NULL;
    str(root, "account_id", al->account->account_id, &ok);
    str(root, "name", al->account->name, &ok);
    str(root, "alert", al->kind_name, &ok);
    str(root, "stage", al->stage, &ok);
    str(root, "owner", al->owner, &ok);
    str(root, "signal", al->signal, &ok);
    str(root, "value", al->value, &ok);
    str(root, "artifact", al->artifact, &ok);
    str(root, "status", al->continuing ? "continuing" : "new", &ok);
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
