/* Onboarding: steps done, activation, time to first value, stuck. */
#include "internal.h"

#include "csmap/config.h"
#include "csmap/date.h"

/* First day on which any event matching step s was seen. */
static int32_t step_first_day(const struct sig_run *r, size_t s)
{
    size_t n_steps = r->cfg->onboarding.n_steps;
    int32_t best = DATE_NONE;

    for (size_t i = 0; i < r->n_touched; i++) {
        uint32_t e = r->touched[i];

        if (r->ev_step[(size_t)e * n_steps + s] &&
            (best == DATE_NONE || r->first_day[e] < best))
            best = r->first_day[e];
    }
    return best;
}

static void steps(const struct sig_run *r, struct sig_account *a)
{
    const struct config *cfg = r->cfg;
    struct sig_onboarding *o = &a->onboarding;
    int32_t progress = a->signup_date;

    o->steps_total = (int)cfg->onboarding.n_steps;
    for (size_t s = 0; s < cfg->onboarding.n_steps; s++) {
        int32_t d = step_first_day(r, s);

        if (d == DATE_NONE) {
            if (!o->current_step)
                o->current_step = cfg->onboarding.steps[s].name;
            continue;
        }
        o->steps_done++;
        if (d > progress)
            progress = d;
    }
    o->activated = o->steps_done == o->steps_total;
    o->has_activation_pct = o->steps_total > 0;
    if (o->has_activation_pct)
        o->activation_pct =
            sig_round(100.0 * o->steps_done / o->steps_total, 2);
    o->days_since_progress = r->as_of - progress;
}

static void first_value(const struct sig_run *r, struct sig_account *a)
{
    struct sig_onboarding *o = &a->onboarding;

    o->first_value_date = DATE_NONE;
    for (size_t i = 0; i < r->n_touched; i++) {
        uint32_t e = r->touched[i];

        if (r->ev[e].first_value && (o->first_value_date == DATE_NONE ||
                                     r->first_day[e] < o->first_value_date))
            o->first_value_date = r->first_day[e];
    }
    o->has_ttfv_days = o->first_value_date != DATE_NONE;
    if (o->has_ttfv_days)
        o->ttfv_days = o->first_value_date - a->signup_date;
}

static int onboarding_tickets(const struct sig_run *r, int32_t signup)
{
    int n = 0;

    for (size_t i = 0; i < r->n_tickets; i++) {
        int32_t d = r->tickets[i].created_day;

        if (d >= signup && d <= signup + 29 && d <= r->as_of)
            n++;
    }
    return n;
}

/* run->touched and run->first_day are the date's (load.c). */
void sig_onboarding_compute(struct sig_run *r, struct sig_account *a)
{
    struct sig_onboarding *o = &a->onboarding;

    steps(r, a);
    first_value(r, a);
    o->stuck = !o->activated &&
               r->as_of - a->signup_date < r->cfg->onboarding.window_days &&
               o->days_since_progress >= r->cfg->onboarding.stuck_after_days;
    o->onboarding_tickets = onboarding_tickets(r, a->signup_date);
}
