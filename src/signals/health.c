/* Health: four component scores, the weighted score, band and drivers. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "csmap/config.h"

/*
 * Each component starts at 100 and loses points for what is wrong
 * (docs/signals.md has the table).  When a component's losses add up to
 * more than 100 they are scaled down together, so the drivers of a
 * component always add up to 100 minus its score.
 */

#define MAX_DRIVERS 16

struct ledger {
    struct sig_driver d[MAX_DRIVERS];
    size_t n;
};

static double min_d(double a, double b)
{
    return a < b ? a : b;
}

static void cost(struct ledger *l, enum sig_component c, const char *signal,
                 double value, bool is_bool, double points)
{
    struct sig_driver *d;

    if (points <= 0 || l->n == MAX_DRIVERS)
        return;
    d = &l->d[l->n++];
    d->component = c;
    d->signal = signal;
    d->value = value;
    d->value_is_bool = is_bool;
    d->component_points = points;
}

static bool usage_costs(const struct sig_account *a, struct ledger *l)
{
    const struct sig_usage *u = &a->usage;

    if (!u->has_core_ever && !u->dormant)
        return false;
    cost(l, SIG_C_USAGE, "usage.dormant", 1, true, u->dormant ? 50 : 0);
    cost(l, SIG_C_USAGE, "usage.trend_pct", u->trend_pct, false,
         min_d(25, -u->trend_pct / 2));
    if (u->anomaly && strcmp(u->anomaly, "drop") == 0)
        cost(l, SIG_C_USAGE, "usage.anomaly_z", u->anomaly_z, false, 15);
    if (u->has_seat_utilization)
        cost(l, SIG_C_USAGE, "usage.seat_utilization", u->seat_utilization,
             false, (0.5 - u->seat_utilization) * 40);
    return true;
}

static bool support_costs(const struct sig_account *a, struct ledger *l)
{
    const struct sig_support *s = &a->support;

    if (s->tickets_ever == 0)
        return false;
    cost(l, SIG_C_SUPPORT, "support.open_tickets", s->open_tickets, false,
         min_d(30, 10.0 * s->open_tickets));
    cost(l, SIG_C_SUPPORT, "support.high_priority_90d", s->high_priority_90d,
         false, min_d(30, 10.0 * s->high_priority_90d));
    cost(l, SIG_C_SUPPORT, "support.repeat_topics", (double)s->n_repeat_topics,
         false, min_d(30, 15.0 * (double)s->n_repeat_topics));
    if (s->has_resolution_hours_median_90d)
        cost(l, SIG_C_SUPPORT, "support.resolution_hours_median_90d",
             s->resolution_hours_median_90d, false,
             min_d(20, (s->resolution_hours_median_90d - 24) / 5));
    cost(l, SIG_C_SUPPORT, "support.tickets_30d", s->tickets_30d, false,
         min_d(20, 5.0 * (s->tickets_30d - 2)));
    return true;
}

static bool sponsor_costs(const struct sig_account *a, struct ledger *l)
{
    const struct sig_sponsor *sp = &a->sponsor;

    if (sp->contacts == 0)
        return false;
    cost(l, SIG_C_SPONSOR, "sponsor.sponsor_present", 0, true,
         sp->sponsor_present ? 0 : 60);
    cost(l, SIG_C_SPONSOR, "sponsor.sponsor_left_90d", 1, true,
         sp->sponsor_left_90d ? 30 : 0);
    return true;
}

static bool feedback_costs(const struct sig_account *a, struct ledger *l)
{
    const struct sig_feedback *f = &a->feedback;

    if (!f->has_nps_180d && !f->has_sentiment_90d)
        return false;
    if (f->has_nps_180d)
        cost(l, SIG_C_FEEDBACK, "feedback.nps_180d", f->nps_180d, false,
             (50 - f->nps_180d) * 0.4);
    if (f->has_sentiment_90d)
        cost(l, SIG_C_FEEDBACK, "feedback.sentiment_90d", f->sentiment_90d,
             false, -f->sentiment_90d * 40);
    if (f->has_nps_trend && !f->nps_small_sample)
        cost(l, SIG_C_FEEDBACK, "feedback.nps_trend", f->nps_trend, false,
             min_d(20, -f->nps_trend / 4));
    return true;
}

/* Score one component from its ledger entries l->d[from..]. */
static double component_score(struct ledger *l, size_t from)
{
    double lost = 0;

    for (size_t i = from; i < l->n; i++)
        lost += l->d[i].component_points;
    if (lost > 100)
        for (size_t i = from; i < l->n; i++)
            l->d[i].component_points *= 100 / lost;
    return lost > 100 ? 0 : 100 - lost;
}

static int cmp_driver(const void *a, const void *b)
{
    const struct sig_driver *x = a, *y = b;

    if (x->points != y->points)
        return x->points < y->points ? 1 : -1;
    return strcmp(x->signal, y->signal);
}

static void weights(const struct config *cfg, struct sig_health *h)
{
    h->weight[SIG_C_USAGE] = cfg->health.w_usage;
    h->weight[SIG_C_SUPPORT] = cfg->health.w_support;
    h->weight[SIG_C_SPONSOR] = cfg->health.w_sponsor;
    h->weight[SIG_C_FEEDBACK] = cfg->health.w_feedback;
}

static const char *band_of(const struct config *cfg, double score, bool dormant)
{
    if (score < cfg->health.band_red)
        return "red";
    if (score < cfg->health.band_yellow || dormant)
        return "yellow";
    return "green";
}

/* Weighted score over the components that had data, and the drivers. */
static void combine(const struct sig_run *r, struct sig_account *a,
                    struct ledger *l, const double *raw)
{
    struct sig_health *h = &a->health;
    double total = 0, present = 0, score = 0;

    for (int c = 0; c < SIG_N_COMPONENTS; c++) {
        total += h->weight[c];
        if (h->has_component[c])
            present += h->weight[c];
    }
    h->coverage = total > 0 ? sig_round(present / total, 2) : 0;
    if (present <= 0)
        return;
    for (int c = 0; c < SIG_N_COMPONENTS; c++) {
        if (!h->has_component[c])
            continue;
        h->effective_weight[c] = h->weight[c] / present;
        score += h->effective_weight[c] * raw[c];
    }
    for (size_t i = 0; i < l->n; i++)
        l->d[i].points = sig_round(h->effective_weight[l->d[i].component] *
                                       l->d[i].component_points,
                                   1);
    h->has_score = true;
    h->score = sig_round(score, 1);
    h->band = band_of(r->cfg, h->score, a->usage.dormant);
}

enum csmap_rc sig_health_compute(struct sig_run *r, struct sig_account *a)
{
    bool (*const costs[SIG_N_COMPONENTS])(const struct sig_account *,
                                          struct ledger *) = {
        usage_costs, support_costs, sponsor_costs, feedback_costs};
    struct sig_health *h = &a->health;
    struct ledger l = {0};
    double raw[SIG_N_COMPONENTS] = {0};

    weights(r->cfg, h);
    for (int c = 0; c < SIG_N_COMPONENTS; c++) {
        size_t from = l.n;

        if (!(h->has_component[c] = costs[c](a, &l)))
            continue;
        raw[c] = component_score(&l, from);
        h->component[c] = sig_round(raw[c], 1);
    }
    combine(r, a, &l, raw);

    qsort(l.d, l.n, sizeof(l.d[0]), cmp_driver);
    h->n_drivers = l.n;
    if (l.n &&
        !(h->drivers = sig_arena_alloc(r->arena, l.n * sizeof(*h->drivers))))
        return CS_NOMEM;
    if (l.n)
        memcpy(h->drivers, l.d, l.n * sizeof(*h->drivers));
    for (size_t i = 0; i < l.n; i++)
        h->drivers[i].component_points =
            sig_round(h->drivers[i].component_points, 1);
    return CS_OK;
}

const char *sig_component_name(enum sig_component c)
{
    static const char *const names[SIG_N_COMPONENTS] = {"usage", "support",
                                                        "sponsor", "feedback"};

    return c < SIG_N_COMPONENTS ? names[c] : "?";
}
