/* Renewal: the current contract, the window and the renewal risk. */
#include "internal.h"

#include <string.h>

#include "csmap/config.h"
#include "csmap/date.h"

/*
 * The current contract is the one with start_date <= D <= end_date and the
 * latest end_date (the latest start among equal ends).  Its seats go to
 * usage.seats when it states them (0 included); -1 there means it does
 * not, and usage takes the account's.
 */
void sig_renewal_contract(struct sig_run *r, struct sig_account *a,
                          double account_arr, bool has_account_arr)
{
    const struct sig_contract_row *cur = NULL;
    struct sig_renewal *rn = &a->renewal;

    for (size_t i = 0; i < r->n_contracts; i++) {
        const struct sig_contract_row *c = &r->contracts[i];

        if (c->start > r->as_of || c->end < r->as_of)
            continue;
        if (!cur || c->end > cur->end ||
            (c->end == cur->end && c->start >= cur->start))
            cur = c;
    }

    a->usage.seats = -1;
    rn->renewal_date = DATE_NONE;
    rn->arr = account_arr;
    rn->has_arr = has_account_arr;
    if (!cur)
        return;
    rn->renewal_date = cur->end;
    rn->days_to_renewal = cur->end - r->as_of;
    rn->has_days_to_renewal = true;
    rn->in_window = rn->days_to_renewal >= 0 &&
                    rn->days_to_renewal <= r->cfg->renewal.window_days;
    if (cur->has_arr) {
        rn->arr = cur->arr;
        rn->has_arr = true;
    }
    a->usage.seats = cur->seats;
}

/* Risk points (docs/signals.md): 4 or more is high, 2 or more medium. */
struct risk {
    int points;
    const char *reasons[8];
    size_t n;
};

static void reason(struct risk *k, int points, const char *why)
{
    k->points += points;
    if (k->n < sizeof(k->reasons) / sizeof(k->reasons[0]))
        k->reasons[k->n++] = why;
}

static void score_risk(const struct sig_account *a, struct risk *k)
{
    const char *band = a->health.band;

    if (band && strcmp(band, "red") == 0)
        reason(k, 3, "health band red");
    else if (band && strcmp(band, "yellow") == 0)
        reason(k, 1, "health band yellow");
    if (a->usage.dormant)
        reason(k, 2, "usage dormant");
    else if (a->usage.trend_pct <= -20)
        reason(k, 1, "usage trend down 20% or more");
    if (a->sponsor.sponsor_left_90d)
        reason(k, 2, "sponsor left in the last 90 days");
    else if (a->sponsor.contacts > 0 && !a->sponsor.sponsor_present)
        reason(k, 1, "no sponsor");
    if (a->support.high_priority_90d >= 2)
        reason(k, 1, "2 or more high-priority tickets in 90 days");
    if (a->support.open_tickets >= 3)
        reason(k, 1, "3 or more open tickets");
}

enum csmap_rc sig_renewal_risk(struct sig_run *r, struct sig_account *a)
{
    struct sig_renewal *rn = &a->renewal;
    struct risk k = {0};
    bool red = a->health.band && strcmp(a->health.band, "red") == 0;

    score_risk(a, &k);
    if (rn->in_window && red) {
        reason(&k, 0, "in the renewal window with a red band");
        rn->risk = "high";
    } else {
        rn->risk = k.points >= 4 ? "high" : k.points >= 2 ? "medium" : "low";
    }
    rn->n_risk_reasons = k.n;
    if (k.n) {
        rn->risk_reasons =
            sig_arena_alloc(r->arena, k.n * sizeof(*rn->risk_reasons));
        if (!rn->risk_reasons)
            return CS_NOMEM;
        memcpy(rn->risk_reasons, k.reasons, k.n * sizeof(*k.reasons));
    }
    return CS_OK;
}
