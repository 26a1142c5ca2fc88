/* Alerts: what needs someone this week, each new or continuing. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/log.h"
#include "csmap/mem.h"

/*
 * A dormancy alert is for accounts that went dormant in the last four
 * weeks; older dormancy is visible in the signals but no longer news.
 */
#define DORMANT_ALERT_DAYS 28

struct alert_def {
    enum sig_alert_kind kind;
    const char *name;
    const char *stage;
    const char *signal;
    const char *artifact;
};

static const struct alert_def defs[] = {
    {SIG_A_STUCK, "stuck_onboarding", "onboarding",
     "onboarding.days_since_progress", "stuck-alert"},
    {SIG_A_DORMANT, "dormant", "usage", "usage.days_since_core",
     "usage-anomaly"},
    {SIG_A_ANOMALY, "usage_anomaly", "usage", "usage.anomaly_z",
     "usage-anomaly"},
    {SIG_A_REPEAT_TOPIC, "repeat_topics", "support", "support.repeat_topics",
     "support-digest"},
    {SIG_A_SPONSOR_LEFT, "sponsor_left", "health", "sponsor.sponsor_left_90d",
     "health-brief"},
    {SIG_A_RENEWAL_RISK, "renewal_risk", "renewal", "renewal.risk",
     "renewal-packet"},
    {SIG_A_SEAT_OVERAGE, "seat_overage", "expansion", "expansion.seat_overage",
     "expansion-prep"},
};

#define N_DEFS (sizeof(defs) / sizeof(defs[0]))

static bool newly_dormant(const struct config *cfg, int32_t as_of,
                          const struct sig_account *a)
{
    int limit = cfg->usage.dormant_after_days + DORMANT_ALERT_DAYS;

    if (!a->usage.dormant)
        return false;
    if (a->usage.has_days_since_core)
        return a->usage.days_since_core < limit;
    return as_of - a->signup_date < limit;
}

static bool holds(enum sig_alert_kind k, const struct config *cfg,
                  int32_t as_of, const struct sig_account *a)
{
    switch (k) {
    case SIG_A_STUCK:
        return a->onboarding.stuck;
    case SIG_A_DORMANT:
        return newly_dormant(cfg, as_of, a);
    case SIG_A_ANOMALY:
        return a->usage.anomaly != NULL;
    case SIG_A_REPEAT_TOPIC:
        return a->support.n_repeat_topics > 0;
    case SIG_A_SPONSOR_LEFT:
        return a->sponsor.sponsor_left_90d;
    case SIG_A_RENEWAL_RISK:
        return a->renewal.in_window && strcmp(a->renewal.risk, "high") == 0;
    case SIG_A_SEAT_OVERAGE:
        return a->expansion.over_plan;
    }
    return false;
}

static char *repeat_value(struct sig_arena *ar, const struct sig_account *a)
{
    const struct sig_support *s = &a->support;
    char *v = sig_arena_strdup(ar, "");

    for (size_t i = 0; v && i < s->n_repeat_topics; i++)
        for (size_t k = 0; k < s->n_topics_90d; k++)
            if (strcmp(s->topics_90d[k].name, s->repeat_topics[i]) == 0)
                v = sig_arena_printf(ar, "%s%s%s (%d)", v, i ? ", " : "",
                                     s->repeat_topics[i],
                                     s->topics_90d[k].count);
    return v;
}

static char *value_of(enum sig_alert_kind k, struct sig_arena *ar,
                      const struct sig_account *a)
{
    switch (k) {
    case SIG_A_STUCK:
        return sig_arena_printf(ar, "'%s' for %d days",
                                a->onboarding.current_step,
                                a->onboarding.days_since_progress);
    case SIG_A_DORMANT:
        if (a->usage.has_days_since_core)
            return sig_arena_printf(ar, "%d days since core event",
                                    a->usage.days_since_core);
        return sig_arena_strdup(ar, "no core event yet");
    case SIG_A_ANOMALY:
        return sig_arena_printf(ar, "%s, z=%.2f", a->usage.anomaly,
                                a->usage.anomaly_z);
    case SIG_A_REPEAT_TOPIC:
        return repeat_value(ar, a);
    case SIG_A_SPONSOR_LEFT:
        return sig_arena_strdup(ar, a->sponsor.sponsor_present
                                        ? "another sponsor remains"
                                        : "no sponsor remains");
    case SIG_A_RENEWAL_RISK:
        return sig_arena_printf(ar, "high, %d days to renewal",
                                a->renewal.days_to_renewal);
    case SIG_A_SEAT_OVERAGE:
        return sig_arena_printf(ar, "%d active users of %d seats",
                                a->usage.active_users_30d, a->usage.seats);
    }
    return NULL;
}

static const char *owner_of(const struct config *cfg, const char *stage)
{
    const char *o = NULL;

    if (strcmp(stage, "onboarding") == 0)
        o = cfg->onboarding.owner;
    else if (strcmp(stage, "usage") == 0)
        o = cfg->usage.owner;
    else if (strcmp(stage, "support") == 0)
        o = cfg->support.owner;
    else if (strcmp(stage, "health") == 0)
        o = cfg->health.owner;
    else if (strcmp(stage, "renewal") == 0)
        o = cfg->renewal.owner;
    else if (strcmp(stage, "expansion") == 0)
        o = cfg->expansion.owner;
    return o ? o : "";
}

static int cmp_account(const void *key, const void *elem)
{
    return strcmp(key, ((const struct sig_account *)elem)->account_id);
}

static bool held_before(const struct sig_set *prior, enum sig_alert_kind k,
                        const struct sig_account *a)
{
    const struct sig_account *p;

    if (!prior || prior->n_accounts == 0)
        return false;
    p = bsearch(a->account_id, prior->accounts, prior->n_accounts,
                sizeof(*prior->accounts), cmp_account);

    return p && holds(k, prior->cfg, prior->as_of, p);
}

static enum csmap_rc add_alerts(struct sig_set *set,
                                const struct sig_set *prior, size_t *cap)
{
    for (size_t i = 0; i < set->n_accounts; i++) {
        const struct sig_account *a = &set->accounts[i];

        for (size_t d = 0; d < N_DEFS; d++) {
            struct sig_alert *al;

            if (!holds(defs[d].kind, set->cfg, set->as_of, a))
                continue;
            if (set->n_alerts == *cap) {
                size_t ncap = *cap ? *cap * 2 : 16;
                void *p = mem_realloc(set->alerts, ncap * sizeof(*al));

                if (!p)
                    return CS_NOMEM;
                set->alerts = p;
                *cap = ncap;
            }
            al = &set->alerts[set->n_alerts++];
            al->kind = defs[d].kind;
            al->kind_name = defs[d].name;
            al->account = a;
            al->stage = defs[d].stage;
            al->owner = owner_of(set->cfg, defs[d].stage);
            al->signal = defs[d].signal;
            al->artifact = defs[d].artifact;
            al->continuing = held_before(prior, defs[d].kind, a);
            if (!(al->value = value_of(defs[d].kind, set->arena, a)))
                return CS_NOMEM;
        }
    }
    return CS_OK;
}

enum csmap_rc sig_alerts_with(struct sig_set *set, const struct sig_set *prior)
{
    size_t cap = 0;
    enum csmap_rc rc;

    mem_free(set->alerts);
    set->alerts = NULL;
    set->n_alerts = 0;
    if (prior && prior->as_of != set->as_of - 7) {
        log_error("alerts compare with the signals of a week before");
        return CS_ERR;
    }
    rc = add_alerts(set, prior, &cap);
    if (rc == CS_NOMEM)
        log_error("out of memory raising alerts");
    return rc;
}

enum csmap_rc sig_alerts(struct store *st, struct sig_set *set)
{
    struct sig_set *prior = NULL;
    enum csmap_rc rc;

    if ((rc = sig_compute_run(st, set->cfg, set->as_of - 7, set->account_filter,
                              set->segment_filter, true, &prior)))
        return rc;
    rc = sig_alerts_with(set, prior);
    sig_set_free(prior);
    return rc;
}
