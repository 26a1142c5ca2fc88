/* The status of an account at each stage, and its ARR at stake. */
#include <stdio.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/signals.h"

static const char *const stage_names[STAGE_COUNT] = {
    "onboarding", "usage",   "support",   "feedback",
    "health",     "renewal", "expansion",
};

const char *sig_stage_name(enum sig_stage s)
{
    if ((int)s < 0 || s >= STAGE_COUNT)
        return NULL;
    return stage_names[s];
}

const char *sig_status_name(enum sig_status st)
{
    switch (st) {
    case STATUS_OK:
        return "ok";
    case STATUS_WATCH:
        return "watch";
    case STATUS_PROBLEM:
        return "problem";
    case STATUS_OPPORTUNITY:
        return "opportunity";
    case STATUS_NO_DATA:
        break;
    }
    return "no data";
}

/* A step-by-step onboarding that ran out of window without activating is
 * as much a problem as one that is stuck inside it. */
static enum sig_status onboarding_status(const struct sig_set *set,
                                         const struct sig_account *a, char *why,
                                         size_t n)
{
    const struct sig_onboarding *o = &a->onboarding;
    int age = set->as_of - a->signup_date;

    if (o->steps_total == 0)
        return STATUS_NO_DATA;
    if (o->activated)
        return STATUS_OK;
    if (o->stuck) {
        snprintf(why, n, "stuck at %s for %d days",
                 o->current_step ? o->current_step : "a step",
                 o->days_since_progress);
        return STATUS_PROBLEM;
    }
    if (age >= set->cfg->onboarding.window_days) {
        snprintf(why, n, "not activated after %d days (%d of %d steps)", age,
                 o->steps_done, o->steps_total);
        return STATUS_PROBLEM;
    }
    snprintf(why, n, "onboarding: %d of %d steps, day %d", o->steps_done,
             o->steps_total, age);
    return STATUS_WATCH;
}

static enum sig_status usage_status(const struct sig_account *a, char *why,
                                    size_t n)
{
    const struct sig_usage *u = &a->usage;

    if (u->dormant) {
        if (u->has_days_since_core)
            snprintf(why, n, "dormant: no core use for %d days",
                     u->days_since_core);
        else
            snprintf(why, n, "dormant: no core use yet");
        return STATUS_PROBLEM;
    }
    if (!u->has_core_ever)
        return STATUS_NO_DATA;
    if (u->anomaly && strcmp(u->anomaly, "drop") == 0) {
        snprintf(why, n, "usage drop (z %.1f)", u->anomaly_z);
        return STATUS_PROBLEM;
    }
    if (u->trend_pct <= -20) {
        snprintf(why, n, "usage trend %.0f%% a week", u->trend_pct);
        return STATUS_WATCH;
    }
    return STATUS_OK;
}

/* Writes "repeat topics: a, b" (as many as fit) into why. */
static void repeat_topics_text(const struct sig_support *s, char *why, size_t n)
{
    size_t used;

    snprintf(why, n, "repeat topics:");
    for (size_t i = 0; i < s->n_repeat_topics; i++) {
        used = strlen(why);
        snprintf(why + used, n - used, "%s %s", i ? "," : "",
                 s->repeat_topics[i]);
    }
}

static enum sig_status support_status(const struct sig_account *a, char *why,
                                      size_t n)
{
    const struct sig_support *s = &a->support;

    if (s->tickets_ever == 0)
        return STATUS_NO_DATA;
    if (s->n_repeat_topics > 0) {
        repeat_topics_text(s, why, n);
        return STATUS_PROBLEM;
    }
    if (s->high_priority_90d > 0 && s->open_tickets > 0) {
        snprintf(why, n, "%d open, %d high priority in 90 days",
                 s->open_tickets, s->high_priority_90d);
        return STATUS_PROBLEM;
    }
    if (s->open_tickets > 0 || s->high_priority_90d > 0) {
        snprintf(why, n, "%d open, %d high priority in 90 days",
                 s->open_tickets, s->high_priority_90d);
        return STATUS_WATCH;
    }
    return STATUS_OK;
}

static enum sig_status feedback_status(const struct sig_account *a, char *why,
                                       size_t n)
{
    const struct sig_feedback *f = &a->feedback;

    if (!f->has_nps_180d && !f->has_sentiment_90d)
        return STATUS_NO_DATA;
    if (f->has_nps_180d && f->nps_180d < 0) {
        snprintf(why, n, "NPS %.0f: more detractors than promoters",
                 f->nps_180d);
        return STATUS_PROBLEM;
    }
    if (f->has_sentiment_90d && f->sentiment_90d <= -0.2) {
        snprintf(why, n, "negative sentiment %.2f", f->sentiment_90d);
        return STATUS_PROBLEM;
    }
    if (f->has_sentiment_90d && f->sentiment_90d < 0) {
        snprintf(why, n, "sentiment %.2f", f->sentiment_90d);
        return STATUS_WATCH;
    }
    if (f->has_nps_trend && f->nps_trend <= -20) {
        snprintf(why, n, "NPS down %.0f", -f->nps_trend);
        return STATUS_WATCH;
    }
    if (f->has_sentiment_trend && f->sentiment_trend <= -0.2) {
        snprintf(why, n, "sentiment down %.2f", -f->sentiment_trend);
        return STATUS_WATCH;
    }
    return STATUS_OK;
}

static enum sig_status health_status(const struct sig_account *a, char *why,
                                     size_t n)
{
    const struct sig_health *h = &a->health;

    if (!h->has_score || !h->band)
        return STATUS_NO_DATA;
    if (strcmp(h->band, "green") == 0)
        return STATUS_OK;
    snprintf(why, n, "%s: score %.1f", h->band, h->score);
    return strcmp(h->band, "red") == 0 ? STATUS_PROBLEM : STATUS_WATCH;
}

static enum sig_status renewal_status(const struct sig_account *a, char *why,
                                      size_t n)
{
    const struct sig_renewal *r = &a->renewal;
    bool high = r->risk && strcmp(r->risk, "high") == 0;
    bool medium = r->risk && strcmp(r->risk, "medium") == 0;

    if (!r->has_days_to_renewal)
        return STATUS_NO_DATA;
    if (r->in_window && (high || medium)) {
        snprintf(why, n, "renews in %d days, %s risk", r->days_to_renewal,
                 r->risk);
        return high ? STATUS_PROBLEM : STATUS_WATCH;
    }
    if (high) {
        snprintf(why, n, "high risk, renews in %d days", r->days_to_renewal);
        return STATUS_WATCH;
    }
    return STATUS_OK;
}

static enum sig_status expansion_status(const struct sig_account *a, char *why,
                                        size_t n)
{
    const struct sig_expansion *e = &a->expansion;

    if (!e->potential)
        return STATUS_NO_DATA;
    if (strcmp(e->potential, "low") == 0)
        return STATUS_OK;
    if (e->n_reasons > 0)
        snprintf(why, n, "%s potential: %s", e->potential, e->reasons[0]);
    else
        snprintf(why, n, "%s potential", e->potential);
    return strcmp(e->potential, "high") == 0 ? STATUS_OPPORTUNITY
                                             : STATUS_WATCH;
}

enum sig_status sig_stage_status(const struct sig_set *set,
                                 const struct sig_account *a, enum sig_stage s,
                                 char *why, size_t why_size)
{
    char scratch[8];

    if (!why || why_size == 0) {
        why = scratch;
        why_size = sizeof(scratch);
    }
    why[0] = '\0';
    switch (s) {
    case STAGE_ONBOARDING:
        return onboarding_status(set, a, why, why_size);
    case STAGE_USAGE:
        return usage_status(a, why, why_size);
    case STAGE_SUPPORT:
        return support_status(a, why, why_size);
    case STAGE_FEEDBACK:
        return feedback_status(a, why, why_size);
    case STAGE_HEALTH:
        return health_status(a, why, why_size);
    case STAGE_RENEWAL:
        return renewal_status(a, why, why_size);
    case STAGE_EXPANSION:
        return expansion_status(a, why, why_size);
    case STAGE_COUNT:
        break;
    }
    return STATUS_NO_DATA;
}

double sig_arr_at_stake(const struct sig_set *set, const struct sig_account *a)
{
    if (!a->renewal.has_arr)
        return 0;
    for (int s = 0; s < STAGE_EXPANSION; s++)
        if (sig_stage_status(set, a, (enum sig_stage)s, NULL, 0) ==
            STATUS_PROBLEM)
            return a->renewal.arr;
    return 0;
}
