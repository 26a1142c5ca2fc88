/* Segment figures for the map: counts, medians, shares and ARR at stake. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/mem.h"

#define NO_SEGMENT "(none)"

static const char *seg_name(const struct sig_account *a)
{
    return a->segment ? a->segment : NO_SEGMENT;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Medians and percentiles over the segment's accounts, via one array. */
struct stats {
    double *v;
    size_t n;
};

static void onboarding_figures(struct sig_segment *s, const struct sig_set *set,
                               struct stats *st)
{
    const struct config *cfg = set->cfg;

    st->n = 0;
    for (size_t i = 0; i < set->n_accounts; i++) {
        const struct sig_account *a = &set->accounts[i];

        if (strcmp(seg_name(a), s->name) != 0)
            continue;
        s->activated += a->onboarding.activated;
        s->onboarding +=
            !a->onboarding.activated &&
            set->as_of - a->signup_date < cfg->onboarding.window_days;
        s->stuck += a->onboarding.stuck;
        if (a->onboarding.has_activation_pct)
            st->v[st->n++] = a->onboarding.activation_pct;
    }
    s->has_activation_pct_median =
        sig_median(st->v, st->n, &s->activation_pct_median);

    st->n = 0;
    for (size_t i = 0; i < set->n_accounts; i++) {
        const struct sig_account *a = &set->accounts[i];

        if (strcmp(seg_name(a), s->name) == 0 && a->onboarding.has_ttfv_days)
            st->v[st->n++] = a->onboarding.ttfv_days;
    }
    s->has_ttfv_median = sig_median(st->v, st->n, &s->ttfv_median);
    s->has_ttfv_p90 = sig_percentile(st->v, st->n, 90, &s->ttfv_p90);
}

static void usage_figures(struct sig_segment *s, const struct sig_set *set,
                          struct stats *st)
{
    st->n = 0;
    for (size_t i = 0; i < set->n_accounts; i++) {
        const struct sig_account *a = &set->accounts[i];

        if (strcmp(seg_name(a), s->name) != 0)
            continue;
        s->dormant += a->usage.dormant;
        s->anomalies += a->usage.anomaly != NULL;
        st->v[st->n++] = a->usage.active_users_30d;
    }
    sig_median(st->v, st->n, &s->active_users_30d_median);

    st->n = 0;
    for (size_t i = 0; i < set->n_accounts; i++)
        if (strcmp(seg_name(&set->accounts[i]), s->name) == 0)
            st->v[st->n++] = set->accounts[i].usage.trend_pct;
    s->has_trend_pct_median = sig_median(st->v, st->n, &s->trend_pct_median);
    s->trend_pct_median = sig_round(s->trend_pct_median, 2);
}

static enum csmap_rc support_figures(struct sig_run *r, struct sig_segment *s,
                                     const struct sig_set *set)
{
    size_t nt = r->cfg->support.n_topics;
    int *sum = mem_calloc(nt + 1, sizeof(int));

    if (!sum)
        return CS_NOMEM;
    for (size_t i = 0; i < set->n_accounts; i++) {
        const struct sig_account *a = &set->accounts[i];

        if (strcmp(seg_name(a), s->name) != 0)
            continue;
        s->tickets_30d += a->support.tickets_30d;
        s->open_tickets += a->support.open_tickets;
        s->accounts_with_repeat_topics += a->support.n_repeat_topics > 0;
        for (size_t k = 0; k < a->support.n_topics_90d; k++) {
            size_t t = 0;

            while (t < nt && strcmp(r->cfg->support.topics[t].name,
                                    a->support.topics_90d[k].name) != 0)
                t++;
            sum[t] += a->support.topics_90d[k].count;
        }
    }
    s->topics_90d =
        sig_arena_alloc(r->arena, (nt + 1) * sizeof(*s->topics_90d));
    if (s->topics_90d)
        for (size_t t = 0; t <= nt; t++)
            if (sum[t]) {
                s->topics_90d[s->n_topics_90d].name =
                    t < nt ? r->cfg->support.topics[t].name : "other";
                s->topics_90d[s->n_topics_90d++].count = sum[t];
            }
    mem_free(sum);
    return s->topics_90d ? CS_OK : CS_NOMEM;
}

static enum csmap_rc feedback_figures(struct sig_run *r, struct sig_segment *s,
                                      const struct sig_set *set, size_t first)
{
    int promoters = 0, detractors = 0, texts = 0, n_sent = 0;
    double sent = 0;

    for (size_t i = 0; i < set->n_accounts; i++) {
        const struct sig_account *a = &set->accounts[i];

        if (strcmp(seg_name(a), s->name) != 0)
            continue;
        promoters += a->feedback.nps_promoters_180d;
        detractors += a->feedback.nps_detractors_180d;
        s->nps_responses_180d += a->feedback.nps_responses_180d;
        texts += a->feedback.texts_90d;
        if (a->feedback.has_sentiment_90d) {
            sent += a->feedback.sentiment_90d;
            n_sent++;
        }
        s->sponsor_missing +=
            a->sponsor.contacts > 0 && !a->sponsor.sponsor_present;
        s->sponsor_left_90d += a->sponsor.sponsor_left_90d;
    }
    s->has_nps_180d = s->nps_responses_180d > 0;
    if (s->has_nps_180d)
        s->nps_180d = sig_round(
            100.0 * (promoters - detractors) / s->nps_responses_180d, 2);
    s->has_sentiment_90d_mean = n_sent > 0;
    if (n_sent)
        s->sentiment_90d_mean = sig_round(sent / n_sent, 2);
    s->small_sample = texts < 5;
    if (first >= r->date->n_seg_terms || !r->date->seg_terms[first])
        return CS_OK;
    return sig_terms_top(r->date->seg_terms[first], (size_t)texts, r->arena,
                         &s->themes_90d, &s->n_themes_90d);
}

static void outcome_figures(struct sig_segment *s, const struct sig_set *set,
                            struct stats *st)
{
    st->n = 0;
    for (size_t i = 0; i < set->n_accounts; i++) {
        const struct sig_account *a = &set->accounts[i];
        const char *band = a->health.band;
        bool high = strcmp(a->renewal.risk, "high") == 0;

        if (strcmp(seg_name(a), s->name) != 0)
            continue;
        s->arr_total += a->renewal.has_arr ? a->renewal.arr : 0;
        s->band_red += band && strcmp(band, "red") == 0;
        s->band_yellow += band && strcmp(band, "yellow") == 0;
        s->band_green += band && strcmp(band, "green") == 0;
        s->band_none += !band;
        if (a->health.has_score)
            st->v[st->n++] = a->health.score;
        s->in_window += a->renewal.in_window;
        s->risk_high += high;
        s->risk_medium += strcmp(a->renewal.risk, "medium") == 0;
        if (a->renewal.in_window && a->renewal.has_arr)
            s->arr_in_window += a->renewal.arr;
        if (high && a->renewal.has_arr)
            s->arr_at_risk += a->renewal.arr;
        s->potential_high += strcmp(a->expansion.potential, "high") == 0;
        s->potential_medium += strcmp(a->expansion.potential, "medium") == 0;
        s->over_plan += a->expansion.over_plan;
        s->seat_overage += a->expansion.seat_overage;
    }
    s->has_score_median = sig_median(st->v, st->n, &s->score_median);
    s->score_median = sig_round(s->score_median, 1);
    s->share_red = sig_round((double)s->band_red / s->accounts, 2);
    s->share_yellow = sig_round((double)s->band_yellow / s->accounts, 2);
    s->share_green = sig_round((double)s->band_green / s->accounts, 2);
}

static enum csmap_rc one_segment(struct sig_run *r, struct sig_set *set,
                                 struct sig_segment *s, struct stats *st)
{
    size_t first = set->n_accounts;
    enum csmap_rc rc;

    for (size_t i = 0; i < set->n_accounts; i++)
        if (strcmp(seg_name(&set->accounts[i]), s->name) == 0) {
            if (first == set->n_accounts)
                first = i;
            s->accounts++;
        }
    onboarding_figures(s, set, st);
    usage_figures(s, set, st);
    if ((rc = support_figures(r, s, set)) ||
        (rc = feedback_figures(r, s, set, first)))
        return rc;
    outcome_figures(s, set, st);
    return CS_OK;
}

enum csmap_rc sig_segments_compute(struct sig_run *r, struct sig_set *set)
{
    const char **names = NULL;
    struct stats st = {NULL, 0};
    size_t n = 0;
    enum csmap_rc rc = CS_OK;

    if (set->n_accounts == 0)
        return CS_OK;
    names = mem_alloc(set->n_accounts * sizeof(*names));
    st.v = mem_alloc(set->n_accounts * sizeof(*st.v));
    set->segments = mem_calloc(set->n_accounts, sizeof(*set->segments));
    if (!names || !st.v || !set->segments) {
        rc = CS_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < set->n_accounts; i++)
        names[i] = seg_name(&set->accounts[i]);
    qsort(names, set->n_accounts, sizeof(*names), cmp_name);
    for (size_t i = 0; i < set->n_accounts; i++)
        if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
            set->segments[n++].name = names[i];
    set->n_segments = n;
    for (size_t i = 0; i < n && !rc; i++)
        rc = one_segment(r, set, &set->segments[i], &st);

out:
    mem_free(names);
    mem_free(st.v);
    return rc;
}
