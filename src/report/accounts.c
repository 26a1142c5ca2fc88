/* The heat map rows and each account's section: ledger, alerts, artifacts. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "csmap/buf.h"
#include "csmap/date.h"
#include "csmap/report.h"
#include "csmap/signals.h"
#include "internal.h"

#define SPARK_W 96
#define SPARK_H 24

static void cells(struct jb *j, cJSON *o, const struct page_acct *pa)
{
    cJSON *arr = jb_arr(j, o, "cells");

    for (int s = 0; s < STAGE_COUNT; s++) {
        cJSON *c = jb_item(j, arr);

        jb_str(j, c, "stage", sig_stage_name((enum sig_stage)s));
        status_fields(j, c, pa->st[s]);
        jb_str(j, c, "why", pa->why[s]);
        jb_strf(j, c, "title", "%s: %s%s%s", sig_stage_name((enum sig_stage)s),
                sig_status_name(pa->st[s]), pa->why[s][0] ? ", " : "",
                pa->why[s]);
    }
}

/* Weekly core events, oldest first, as an SVG polyline's points. */
static void spark(struct jb *j, cJSON *o, const struct sig_usage *u)
{
    cJSON *sp = jb_obj(j, o, "spark");
    cJSON *weeks = jb_arr(j, sp, "weekly");
    char pts[SIG_WEEKS * 16] = "";
    size_t used = 0;
    int64_t max = 0;

    for (int k = 0; k < SIG_WEEKS; k++)
        if (u->weekly[k] > max)
            max = u->weekly[k];
    for (int k = SIG_WEEKS - 1; k >= 0; k--) {
        int x = (SIG_WEEKS - 1 - k) * SPARK_W / (SIG_WEEKS - 1);
        double y = max > 0 ? (SPARK_H - 2) - (double)u->weekly[k] /
                                                 (double)max * (SPARK_H - 4)
                           : SPARK_H - 2;

        used += (size_t)snprintf(pts + used, sizeof(pts) - used, "%s%d,%.1f",
                                 used ? " " : "", x, y);
        if (weeks)
            cJSON_AddItemToArray(weeks,
                                 cJSON_CreateNumber((double)u->weekly[k]));
    }
    jb_str(j, sp, "points", pts);
    jb_num(j, sp, "max", (double)max);
    jb_num(j, sp, "last", (double)u->weekly[0]);
    jb_num(j, sp, "width", SPARK_W);
    jb_num(j, sp, "height", SPARK_H);
    jb_strf(j, sp, "title",
            "core events per week, last 9 weeks: latest "
            "%lld, peak %lld",
            (long long)u->weekly[0], (long long)max);
    if (weeks && cJSON_GetArraySize(weeks) != SIG_WEEKS)
        j->nomem = true;
}

static void components(struct jb *j, cJSON *h, const struct sig_health *hl)
{
    cJSON *arr = jb_arr(j, h, "components");
    char t[32];

    for (int c = 0; c < SIG_N_COMPONENTS; c++) {
        cJSON *o = jb_item(j, arr);
        double pts = hl->effective_weight[c] * hl->component[c];

        jb_str(j, o, "name", sig_component_name((enum sig_component)c));
        jb_num(j, o, "weight", hl->weight[c]);
        jb_num(j, o, "effective_weight", hl->effective_weight[c]);
        jb_bool(j, o, "has_data", hl->has_component[c]);
        jb_opt(j, o, "score", hl->has_component[c], hl->component[c]);
        jb_opt(j, o, "points", hl->has_component[c], sig_round(pts, 1));
        fmt_num(t, sizeof(t), hl->component[c]);
        jb_str(j, o, "score_text", hl->has_component[c] ? t : "no data");
        fmt_num(t, sizeof(t), pts);
        jb_str(j, o, "points_text", hl->has_component[c] ? t : "--");
        jb_strf(j, o, "weight_text", "%.2f", hl->weight[c]);
        jb_strf(j, o, "effective_weight_text", "%.2f", hl->effective_weight[c]);
    }
}

static void drivers(struct jb *j, cJSON *h, const struct sig_health *hl)
{
    cJSON *arr = jb_arr(j, h, "drivers");
    struct buf b = BUF_INIT;
    char t[32];

    for (size_t i = 0; i < hl->n_drivers; i++) {
        const struct sig_driver *d = &hl->drivers[i];
        cJSON *o = jb_item(j, arr);

        jb_str(j, o, "signal", d->signal);
        jb_str(j, o, "component", sig_component_name(d->component));
        jb_num(j, o, "value", d->value);
        if (d->value_is_bool)
            jb_str(j, o, "value_text", d->value != 0 ? "yes" : "no");
        else {
            fmt_num(t, sizeof(t), d->value);
            jb_str(j, o, "value_text", t);
        }
        jb_num(j, o, "points", d->points);
        jb_strf(j, o, "points_text", "-%.1f", d->points);
        if (buf_printf(
                &b, "%s%s = %s (-%.1f)", i ? "; " : "", d->signal,
                cJSON_GetStringValue(cJSON_GetObjectItem(o, "value_text")),
                d->points))
            j->nomem = true;
    }
    jb_str(j, h, "drivers_text", buf_str(&b));
    buf_release(&b);
}

static void health(struct jb *j, cJSON *o, const struct sig_health *hl)
{
    cJSON *h = jb_obj(j, o, "health");
    char t[32];

    jb_opt(j, h, "score", hl->has_score, hl->score);
    fmt_num(t, sizeof(t), hl->score);
    jb_str(j, h, "score_text", hl->has_score ? t : "no data");
    jb_str(j, h, "band", hl->band);
    jb_str(j, h, "band_class",
           !hl->band                         ? "nodata"
           : strcmp(hl->band, "red") == 0    ? "problem"
           : strcmp(hl->band, "yellow") == 0 ? "watch"
                                             : "ok");
    jb_num(j, h, "coverage", hl->coverage);
    fmt_share(t, sizeof(t), hl->coverage);
    jb_str(j, h, "coverage_text", t);
    components(j, h, hl);
    drivers(j, h, hl);
    jb_bool(j, h, "has_drivers", hl->n_drivers > 0);
}

static void alerts(struct jb *j, cJSON *o, const struct page *p,
                   const struct sig_account *a)
{
    const struct sig_set *set = p->in->now;
    size_t k = (size_t)(a - set->accounts);
    cJSON *arr = jb_arr(j, o, "alerts");

    for (size_t i = 0; i < p->alert_count[k]; i++) {
        const struct sig_alert *al = &set->alerts[p->alert_first[k] + i];
        cJSON *x = jb_item(j, arr);

        jb_str(j, x, "kind", al->kind_name);
        jb_str(j, x, "stage", al->stage);
        jb_str(j, x, "owner", al->owner);
        jb_str(j, x, "signal", al->signal);
        jb_str(j, x, "value", al->value);
        jb_str(j, x, "artifact", al->artifact);
        jb_bool(j, x, "continuing", al->continuing);
        jb_str(j, x, "since", al->continuing ? "continuing" : "new");
    }
}

/* Joins a list of strings with ", " into a field (none: the field is ""). */
static void joined(struct jb *j, cJSON *o, const char *key,
                   const char *const *v, size_t n)
{
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < n; i++)
        if (buf_printf(&b, "%s%s", i ? ", " : "", v[i]))
            j->nomem = true;
    jb_str(j, o, key, buf_str(&b));
    buf_release(&b);
}

static void facts(struct jb *j, cJSON *o, const struct sig_account *a)
{
    cJSON *r = jb_obj(j, o, "renewal");
    cJSON *e = jb_obj(j, o, "expansion");
    char d[16];

    fmt_date(d, sizeof(d), a->renewal.renewal_date);
    jb_str(j, r, "date", a->renewal.renewal_date == DATE_NONE ? NULL : d);
    jb_opt(j, r, "days", a->renewal.has_days_to_renewal,
           a->renewal.days_to_renewal);
    jb_str(j, r, "risk", a->renewal.risk);
    jb_bool(j, r, "in_window", a->renewal.in_window);
    joined(j, r, "reasons", a->renewal.risk_reasons, a->renewal.n_risk_reasons);
    jb_str(j, e, "potential", a->expansion.potential);
    joined(j, e, "reasons", a->expansion.reasons, a->expansion.n_reasons);
    jb_bool(j, o, "sponsor_present", a->sponsor.sponsor_present);
}

static void account(struct jb *j, cJSON *arr, const struct page *p,
                    const struct page_acct *pa)
{
    const struct sig_account *a = pa->a;
    cJSON *o = jb_item(j, arr);
    char t[32];

    jb_str(j, o, "account_id", a->account_id);
    jb_str(j, o, "name", a->name && *a->name ? a->name : a->account_id);
    jb_str(j, o, "anchor", pa->anchor);
    jb_str(j, o, "owner", a->owner);
    jb_str(j, o, "plan", a->plan);
    fmt_date(t, sizeof(t), a->signup_date);
    jb_str(j, o, "signup_date", t);
    jb_num(j, o, "arr", pa->arr);
    fmt_money(t, sizeof(t), pa->arr);
    jb_str(j, o, "arr_text", a->renewal.has_arr ? t : "n/a");
    jb_num(j, o, "arr_at_stake", pa->at_stake);
    fmt_money(t, sizeof(t), pa->at_stake);
    jb_str(j, o, "arr_at_stake_text", pa->at_stake > 0 ? t : "");
    jb_num(j, o, "problems", pa->problems);
    jb_num(j, o, "watches", pa->watches);
    jb_bool(j, o, "attention",
            pa->problems > 0 || pa->st[STAGE_EXPANSION] == STATUS_OPPORTUNITY);
    cells(j, o, pa);
    spark(j, o, &a->usage);
    health(j, o, &a->health);
    facts(j, o, a);
    alerts(j, o, p, a);
    model_account_artifacts(j, o, p, a);
}

void model_accounts(struct jb *j, cJSON *page, const struct page *p)
{
    cJSON *arr = jb_arr(j, page, "accounts");

    for (size_t i = 0; i < p->n && !j->nomem; i++)
        account(j, arr, p, &p->accts[i]);
}
