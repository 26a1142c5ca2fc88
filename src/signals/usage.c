/* Usage: active users, core events, dormancy, trend, anomaly, seats. */
#include "internal.h"

#include <math.h>

#include "csmap/config.h"
#include "csmap/date.h"

/* The first of the date's rows on or after day (the rows are by day). */
static size_t rows_from(const struct sig_run *r, int32_t day)
{
    size_t lo = 0, hi = r->n_rows;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (r->rows[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Distinct users of core events in the last 7 and 30 days: the users of
 * the last 7 days, then those of the 23 days before who are new. */
static enum csmap_rc active_users(struct sig_run *r, struct sig_usage *u)
{
    size_t lo30 = rows_from(r, r->as_of - 29);
    size_t lo7 = rows_from(r, r->as_of - 6);
    struct sig_distinct *d = &r->distinct;

    if (sig_distinct_clear(d, r->n_rows - lo30))
        return CS_NOMEM;
    for (size_t i = lo7; i < r->n_rows; i++)
        if (r->ev[r->rows[i].event].core)
            sig_distinct_add(d, r->rows[i].user);
    u->active_users_7d = (int)d->n;
    for (size_t i = lo30; i < lo7; i++)
        if (r->ev[r->rows[i].event].core)
            sig_distinct_add(d, r->rows[i].user);
    u->active_users_30d = (int)d->n;
    return CS_OK;
}

static enum csmap_rc features_30d(struct sig_run *r, int *out)
{
    struct sig_distinct *d = &r->distinct;

    if (sig_distinct_clear(d, r->n_ev < r->n_rows ? r->n_ev : r->n_rows))
        return CS_NOMEM;
    for (size_t i = rows_from(r, r->as_of - 29); i < r->n_rows; i++)
        if (r->ev[r->rows[i].event].core)
            sig_distinct_add(d, r->rows[i].event);
    *out = (int)d->n;
    return CS_OK;
}

/* Counts and weekly totals over the last 9 weeks' rows; the last core
 * date is that of the last core row, or the one before the rows kept. */
static void totals(const struct sig_run *r, struct sig_usage *u)
{
    u->last_core_date = r->old_last_core;
    for (size_t i = r->n_rows; i > 0; i--)
        if (r->ev[r->rows[i - 1].event].core) {
            u->last_core_date = r->rows[i - 1].day;
            break;
        }
    for (size_t i = rows_from(r, r->as_of - SIG_USAGE_DAYS + 1); i < r->n_rows;
         i++) {
        const struct sig_event_row *row = &r->rows[i];
        int32_t ago = r->as_of - row->day;

        if (!r->ev[row->event].core)
            continue;
        if (ago < 7)
            u->core_events_7d += row->n;
        if (ago < 30)
            u->core_events_30d += row->n;
        u->weekly[ago / 7] += row->n;
    }
}

/* Least-squares slope of w7..w0 (x = 0..7) over their mean, in percent. */
static double trend_pct(const int64_t *w)
{
    double mean = 0, num = 0;

    for (int x = 0; x < 8; x++)
        mean += (double)w[7 - x];
    mean /= 8;
    if (mean == 0)
        return 0;
    for (int x = 0; x < 8; x++)
        num += (x - 3.5) * ((double)w[7 - x] - mean);
    /* The sum of (x - 3.5)^2 over 0..7 is 42. */
    return num / 42 / mean * 100;
}

/* (w0 - mean(w1..w8)) / max(population sd(w1..w8), 1). */
static double anomaly_z(const int64_t *w)
{
    double mean = 0, var = 0, sd;

    for (int k = 1; k <= 8; k++)
        mean += (double)w[k];
    mean /= 8;
    for (int k = 1; k <= 8; k++)
        var += ((double)w[k] - mean) * ((double)w[k] - mean);
    sd = sqrt(var / 8);
    return ((double)w[0] - mean) / (sd > 1 ? sd : 1);
}

enum csmap_rc sig_usage_compute(struct sig_run *r, struct sig_account *a,
                                int account_seats)
{
    const struct config *cfg = r->cfg;
    struct sig_usage *u = &a->usage;
    enum csmap_rc rc;
    double z;

    if ((rc = active_users(r, u)) || (rc = features_30d(r, &u->features_30d)))
        return rc;
    totals(r, u);

    u->has_core_ever = u->last_core_date != DATE_NONE;
    u->has_days_since_core = u->has_core_ever;
    if (u->has_core_ever)
        u->days_since_core = r->as_of - u->last_core_date;
    u->dormant =
        u->has_core_ever
            ? u->days_since_core >= cfg->usage.dormant_after_days
            : r->as_of - a->signup_date >= cfg->usage.dormant_after_days;

    u->trend_pct = sig_round(trend_pct(u->weekly), 2);
    z = anomaly_z(u->weekly);
    u->anomaly_z = sig_round(z, 2);
    if (fabs(z) >= cfg->usage.anomaly_z)
        u->anomaly = z < 0 ? "drop" : "spike";

    /* sig_renewal_contract() has put the contract's seats here, or -1. */
    if (u->seats < 0)
        u->seats = account_seats > 0 ? account_seats : 0;
    u->has_seat_utilization = u->seats > 0;
    if (u->has_seat_utilization)
        u->seat_utilization =
            sig_round((double)u->active_users_30d / u->seats, 2);
    return CS_OK;
}
