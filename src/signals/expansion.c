/* Expansion: new stakeholders, new use cases, seats over plan, potential. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/date.h"

static enum csmap_rc stakeholders(struct sig_run *r, struct sig_expansion *x)
{
    size_t n = 0;

    for (size_t i = 0; i < r->n_contacts; i++)
        if (sig_in_last(r->contacts[i].first_seen, r->as_of, 30))
            n++;
    x->new_stakeholders_30d = (int)n;
    if (!n)
        return CS_OK;
    if (!(x->new_stakeholders = sig_arena_alloc(r->arena, n * sizeof(char *))))
        return CS_NOMEM;
    for (size_t i = 0; i < r->n_contacts; i++) {
        const struct sig_contact_row *c = &r->contacts[i];
        const char **name = &x->new_stakeholders[x->n_new_stakeholders];

        if (!sig_in_last(c->first_seen, r->as_of, 30))
            continue;
        if (!(*name = sig_arena_strdup(r->arena, r->text + c->name)))
            return CS_NOMEM;
        x->n_new_stakeholders++;
    }
    return CS_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Core event names first used in the last 30 days, counted only when the
 * account's first core event is before D-29. */
static enum csmap_rc use_cases(struct sig_run *r, struct sig_expansion *x)
{
    int32_t first_core = DATE_NONE;
    size_t n = 0;

    for (size_t i = 0; i < r->n_touched; i++) {
        uint32_t e = r->touched[i];

        if (r->ev[e].core &&
            (first_core == DATE_NONE || r->first_day[e] < first_core))
            first_core = r->first_day[e];
    }
    if (first_core == DATE_NONE || first_core >= r->as_of - 29)
        return CS_OK;
    for (size_t i = 0; i < r->n_touched; i++)
        if (r->ev[r->touched[i]].core &&
            sig_in_last(r->first_day[r->touched[i]], r->as_of, 30))
            n++;
    x->new_use_cases_30d = (int)n;
    if (!n)
        return CS_OK;
    if (!(x->new_use_cases = sig_arena_alloc(r->arena, n * sizeof(char *))))
        return CS_NOMEM;
    for (size_t i = 0; i < r->n_touched; i++) {
        uint32_t e = r->touched[i];
        const char **name = &x->new_use_cases[x->n_new_use_cases];

        if (!r->ev[e].core || !sig_in_last(r->first_day[e], r->as_of, 30))
            continue;
        if (!(*name = sig_arena_strdup(r->arena, r->ev[e].name)))
            return CS_NOMEM;
        x->n_new_use_cases++;
    }
    qsort(x->new_use_cases, n, sizeof(char *), cmp_str);
    return CS_OK;
}

#define MAX_REASONS 6

struct potential {
    int points;
    const char *reasons[MAX_REASONS];
    size_t n;
};

static enum csmap_rc reason(struct potential *p, int points, const char *text)
{
    if (!text)
        return CS_NOMEM;
    p->points += points;
    if (p->n < MAX_REASONS)
        p->reasons[p->n++] = text;
    return CS_OK;
}

static enum csmap_rc score(struct sig_run *r, const struct sig_account *a,
                           struct potential *p)
{
    const struct config *cfg = r->cfg;
    const struct sig_expansion *x = &a->expansion;
    const struct sig_usage *u = &a->usage;
    struct sig_arena *ar = r->arena;
    enum csmap_rc rc = CS_OK;

    if (x->over_plan)
        rc = reason(p, 2,
                    sig_arena_printf(ar, "over plan by %d seats (%d of %d)",
                                     x->seat_overage, u->active_users_30d,
                                     u->seats));
    else if (u->has_seat_utilization &&
             u->seat_utilization >= cfg->expansion.utilization_high)
        rc = reason(p, 1,
                    sig_arena_printf(ar, "seat utilization %.0f%%",
                                     u->seat_utilization * 100));
    if (!rc && x->new_stakeholders_30d >= cfg->expansion.new_stakeholders_min)
        rc = reason(p, 1,
                    sig_arena_printf(ar, "%d new stakeholders in 30 days",
                                     x->new_stakeholders_30d));
    if (!rc && x->new_use_cases_30d >= cfg->expansion.new_use_cases_min)
        rc = reason(p, 1,
                    sig_arena_printf(ar, "%d new use cases in 30 days",
                                     x->new_use_cases_30d));
    if (!rc && !u->dormant && u->trend_pct >= 20)
        rc = reason(
            p, 1, sig_arena_printf(ar, "usage trend up %.2f%%", u->trend_pct));
    return rc;
}

static enum csmap_rc potential(struct sig_run *r, struct sig_account *a)
{
    struct sig_expansion *x = &a->expansion;
    struct potential p = {0};
    bool unhealthy = a->usage.dormant ||
                     (a->health.band && strcmp(a->health.band, "red") == 0);
    enum csmap_rc rc;

    if ((rc = score(r, a, &p)))
        return rc;
    x->potential = p.points >= 3 ? "high" : p.points >= 1 ? "medium" : "low";
    if (unhealthy && p.points >= 3) {
        x->potential = "medium";
        if ((rc = reason(&p, 0,
                         a->usage.dormant ? "capped: usage dormant"
                                          : "capped: health band red")))
            return rc;
    }
    x->n_reasons = p.n;
    if (p.n && !(x->reasons = sig_arena_alloc(r->arena, p.n * sizeof(char *))))
        return CS_NOMEM;
    if (p.n)
        memcpy(x->reasons, p.reasons, p.n * sizeof(char *));
    return CS_OK;
}

enum csmap_rc sig_expansion_compute(struct sig_run *r, struct sig_account *a)
{
    struct sig_expansion *x = &a->expansion;
    enum csmap_rc rc;

    if ((rc = stakeholders(r, x)) || (rc = use_cases(r, x)))
        return rc;
    x->over_plan =
        a->usage.seats > 0 && a->usage.active_users_30d > a->usage.seats;
    x->seat_overage =
        x->over_plan ? a->usage.active_users_30d - a->usage.seats : 0;
    return potential(r, a);
}
