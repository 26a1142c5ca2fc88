/* The seven stage nodes of a page: owner, signals with trend, friction. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "csmap/report.h"
#include "csmap/signals.h"
#include "internal.h"

enum unit { U_COUNT, U_DAYS, U_PCT, U_SHARE, U_MONEY, U_NPS, U_SENT, U_SCORE };

/* One key signal of a node, now and four weeks before. */
struct line {
    const char *label;
    enum unit unit;
    int better; /* +1 higher is better, -1 lower is better, 0 neither */
    bool has;
    double v;
    bool has_b;
    double b;
    const char *note;
};

/* v rounded to the decimals shown, so that -0.3 prints as +0, not -0. */
static double shown(double v, int decimals)
{
    double r = sig_round(v, decimals);

    return r == 0 ? 0 : r;
}

static void value_text(char *t, size_t n, enum unit u, double v)
{
    char x[32];

    switch (u) {
    case U_DAYS:
        fmt_num(x, sizeof(x), v);
        snprintf(t, n, "%s d", x);
        break;
    case U_PCT:
        snprintf(t, n, shown(v, 0) ? "%+.0f%%" : "%.0f%%", shown(v, 0));
        break;
    case U_SHARE:
        fmt_share(t, n, v);
        break;
    case U_MONEY:
        fmt_money(t, n, v);
        break;
    case U_NPS:
        snprintf(t, n, shown(v, 0) ? "%+.0f" : "%.0f", shown(v, 0));
        break;
    case U_SENT:
        snprintf(t, n, shown(v, 2) ? "%+.2f" : "%.2f", shown(v, 2));
        break;
    case U_COUNT:
    case U_SCORE:
        fmt_num(t, n, v);
        break;
    }
}

static void delta_text(char *t, size_t n, enum unit u, double d)
{
    char x[32];

    switch (u) {
    case U_PCT:
        snprintf(t, n, "%+.0f pts", d);
        break;
    case U_SHARE:
        snprintf(t, n, "%+.0f pts", d * 100);
        break;
    case U_MONEY:
        fmt_money(x, sizeof(x), fabs(d));
        snprintf(t, n, "%s%s", d < 0 ? "-" : "+", x);
        break;
    case U_SENT:
        snprintf(t, n, "%+.2f", d);
        break;
    case U_NPS:
        snprintf(t, n, "%+.0f", d);
        break;
    case U_COUNT:
    case U_DAYS:
    case U_SCORE:
        fmt_num(x, sizeof(x), fabs(d));
        snprintf(t, n, "%s%s", d < 0 ? "-" : "+", x);
        break;
    }
}

/* The smallest change worth an arrow, in the unit's own terms. */
static double unit_epsilon(enum unit u)
{
    switch (u) {
    case U_SHARE:
        return 0.005;
    case U_SENT:
        return 0.005;
    case U_PCT:
        return 0.5;
    case U_NPS:
        return 0.5;
    case U_COUNT:
        return 0.5;
    case U_MONEY:
        return 0.5;
    default:
        return 0.05;
    }
}

/* Adds the trend fields of a change (or nulls without one) to o. */
static void put_trend(struct jb *j, cJSON *o, enum unit u, int better, bool has,
                      double d)
{
    char t[48];
    int dir;

    if (!has) {
        jb_null(j, o, "delta");
        jb_str(j, o, "delta_text", "");
        jb_str(j, o, "arrow", "");
        jb_str(j, o, "tone", "none");
        return;
    }
    dir = d > unit_epsilon(u) ? 1 : d < -unit_epsilon(u) ? -1 : 0;
    /* No change shows as a bare arrow: the text would only add noise. */
    if (dir == 0)
        t[0] = '\0';
    else
        delta_text(t, sizeof(t), u, d);
    jb_num(j, o, "delta", d);
    jb_str(j, o, "delta_text", t);
    jb_str(j, o, "arrow", dir > 0 ? "\u2191" : dir < 0 ? "\u2193" : "\u2192");
    jb_str(j, o, "tone",
           dir * better > 0   ? "good"
           : dir * better < 0 ? "bad"
                              : "neutral");
}

static void put_line(struct jb *j, cJSON *arr, const struct line *l)
{
    cJSON *o = jb_item(j, arr);
    char t[48];

    jb_str(j, o, "label", l->label);
    jb_opt(j, o, "value", l->has, l->v);
    jb_opt(j, o, "before", l->has_b, l->b);
    if (l->has)
        value_text(t, sizeof(t), l->unit, l->v);
    else
        snprintf(t, sizeof(t), "n/a");
    jb_str(j, o, "value_text", t);
    put_trend(j, o, l->unit, l->better, l->has && l->has_b, l->v - l->b);
    jb_str(j, o, "note", l->note ? l->note : "");
    jb_bool(j, o, "is_text", false);
}

/* A line that is only text (topics, themes): no value, no trend. */
static void put_text_line(struct jb *j, cJSON *arr, const char *label,
                          const char *text)
{
    cJSON *o = jb_item(j, arr);

    jb_str(j, o, "label", label);
    jb_null(j, o, "value");
    jb_null(j, o, "before");
    jb_str(j, o, "value_text", text);
    put_trend(j, o, U_COUNT, 0, false, 0);
    jb_str(j, o, "note", "");
    jb_bool(j, o, "is_text", true);
}

/* Appends "name count" pairs to t while they fit. */
static void join_counts(char *t, size_t n, const char *const *names,
                        const int *counts, size_t k, bool parens)
{
    size_t used = 0;

    snprintf(t, n, "none");
    for (size_t i = 0; i < k; i++) {
        int w = snprintf(t + used, n - used, parens ? "%s%s (%d)" : "%s%s %d",
                         i ? ", " : "", names[i], counts[i]);

        if (w < 0 || (size_t)w >= n - used) {
            t[used] = '\0';
            break;
        }
        used += (size_t)w;
    }
}

/* Shorthands: a count or number, with its value four weeks before. */
#define B(f) (p->seg_before ? (double)p->seg_before->f : 0)
#define HB(f) (p->seg_before != NULL && p->seg_before->f)
#define NOW(label, unit, better, f)                                            \
    {                                                                          \
        label, unit, better, true, (double)s->f, p->seg_before != NULL, B(f),  \
            NULL                                                               \
    }
#define OPT(label, unit, better, f, hasf)                                      \
    {                                                                          \
        label, unit, better, s->hasf, s->f, HB(hasf), B(f), NULL               \
    }

static void lines(struct jb *j, cJSON *arr, const struct line *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_line(j, arr, &v[i]);
}

static void onboarding_lines(struct jb *j, cJSON *arr, const struct page *p)
{
    const struct sig_segment *s = p->seg;
    const struct line v[] = {
        NOW("Activated", U_COUNT, 1, activated),
        NOW("In onboarding", U_COUNT, 0, onboarding),
        NOW("Stuck", U_COUNT, -1, stuck),
        OPT("Time to value, median", U_DAYS, -1, ttfv_median, has_ttfv_median),
        OPT("Time to value, p90", U_DAYS, -1, ttfv_p90, has_ttfv_p90),
    };

    lines(j, arr, v, sizeof(v) / sizeof(v[0]));
}

static void usage_lines(struct jb *j, cJSON *arr, const struct page *p)
{
    const struct sig_segment *s = p->seg;
    const struct line v[] = {
        NOW("Dormant", U_COUNT, -1, dormant),
        NOW("Anomalies", U_COUNT, -1, anomalies),
        NOW("Active users 30d, median", U_COUNT, 1, active_users_30d_median),
        OPT("Usage trend, median", U_PCT, 1, trend_pct_median,
            has_trend_pct_median),
    };

    lines(j, arr, v, sizeof(v) / sizeof(v[0]));
}

static int cmp_count(const void *x, const void *y)
{
    const struct sig_count *a = x, *b = y;

    if (a->count != b->count)
        return b->count - a->count;
    return strcmp(a->name, b->name);
}

/* "billing 12, sso 4, other 3": the three biggest topics. */
static void top_topics(struct jb *j, cJSON *arr, const struct sig_segment *s)
{
    struct sig_count top[4];
    const char *names[3];
    int counts[3];
    size_t n = 0;
    char t[160];

    for (size_t i = 0; i < s->n_topics_90d; i++) {
        if (s->topics_90d[i].count <= 0)
            continue;
        /* Keep the three biggest: the newcomer goes last, then sort. */
        top[n] = s->topics_90d[i];
        qsort(top, n + 1, sizeof(top[0]), cmp_count);
        if (n < 3)
            n++;
    }
    for (size_t i = 0; i < n; i++) {
        names[i] = top[i].name;
        counts[i] = top[i].count;
    }
    join_counts(t, sizeof(t), names, counts, n, false);
    put_text_line(j, arr, "Top topics, 90d", t);
}

static void support_lines(struct jb *j, cJSON *arr, const struct page *p)
{
    const struct sig_segment *s = p->seg;
    const struct line v[] = {
        NOW("Tickets, 30d", U_COUNT, -1, tickets_30d),
        NOW("Open tickets", U_COUNT, -1, open_tickets),
        NOW("Accounts with repeat topics", U_COUNT, -1,
            accounts_with_repeat_topics),
    };

    lines(j, arr, v, sizeof(v) / sizeof(v[0]));
    top_topics(j, arr, s);
}

static void themes_line(struct jb *j, cJSON *arr, const struct sig_segment *s)
{
    const char *names[3];
    int counts[3];
    size_t n = 0;
    char t[200];

    for (; n < s->n_themes_90d && n < 3; n++) {
        names[n] = s->themes_90d[n].phrase;
        counts[n] = s->themes_90d[n].count;
    }
    join_counts(t, sizeof(t), names, counts, n, true);
    put_text_line(j, arr, "Themes, 90d", t);
}

static void feedback_lines(struct jb *j, cJSON *arr, const struct page *p)
{
    const struct sig_segment *s = p->seg;
    char note[64];
    struct line v[] = {
        OPT("NPS, 180d", U_NPS, 1, nps_180d, has_nps_180d),
        OPT("Sentiment, 90d", U_SENT, 1, sentiment_90d_mean,
            has_sentiment_90d_mean),
    };

    snprintf(note, sizeof(note), "%d responses%s", s->nps_responses_180d,
             s->nps_responses_180d < 5 ? ", small sample" : "");
    v[0].note = note;
    if (s->small_sample)
        v[1].note = "small sample";
    lines(j, arr, v, sizeof(v) / sizeof(v[0]));
    themes_line(j, arr, s);
}

static void health_lines(struct jb *j, cJSON *arr, const struct page *p)
{
    const struct sig_segment *s = p->seg;
    const struct line v[] = {
        NOW("Red", U_SHARE, -1, share_red),
        NOW("Yellow", U_SHARE, -1, share_yellow),
        NOW("Green", U_SHARE, 1, share_green),
        OPT("Median score", U_SCORE, 1, score_median, has_score_median),
    };

    lines(j, arr, v, sizeof(v) / sizeof(v[0]));
}

static void renewal_lines(struct jb *j, cJSON *arr, const struct page *p)
{
    const struct sig_segment *s = p->seg;
    const struct line v[] = {
        NOW("In the renewal window", U_COUNT, 0, in_window),
        NOW("High risk", U_COUNT, -1, risk_high),
        NOW("ARR at risk", U_MONEY, -1, arr_at_risk),
        NOW("ARR in the window", U_MONEY, 0, arr_in_window),
    };

    lines(j, arr, v, sizeof(v) / sizeof(v[0]));
}

static void expansion_lines(struct jb *j, cJSON *arr, const struct page *p)
{
    const struct sig_segment *s = p->seg;
    const struct line v[] = {
        NOW("High potential", U_COUNT, 1, potential_high),
        NOW("Medium potential", U_COUNT, 1, potential_medium),
        NOW("Over plan", U_COUNT, 1, over_plan),
        NOW("Seat overage", U_COUNT, 1, seat_overage),
    };

    lines(j, arr, v, sizeof(v) / sizeof(v[0]));
}

enum sig_status friction_status(const struct friction *f, enum sig_stage s)
{
    if (f->with_data == 0)
        return STATUS_NO_DATA;
    if (f->affected == 0)
        return STATUS_OK;
    if (s == STAGE_EXPANSION)
        return STATUS_OPPORTUNITY;
    return f->share >= 0.15 ? STATUS_PROBLEM : STATUS_WATCH;
}

void status_fields(struct jb *j, cJSON *o, enum sig_status st)
{
    jb_str(j, o, "status", sig_status_name(st));
    jb_str(j, o, "class", status_class(st));
    jb_str(j, o, "symbol", status_symbol(st));
    if (st == STATUS_OK)
        jb_str(j, o, "chip", "ok");
    else
        jb_strf(j, o, "chip", "%s %s", status_symbol(st), sig_status_name(st));
}

static void friction_fields(struct jb *j, cJSON *o, const struct page *p,
                            enum sig_stage s)
{
    const struct friction *f = &p->fr[s];
    cJSON *fo = jb_obj(j, o, "friction");
    char t[32];

    jb_str(j, fo, "label",
           s == STAGE_EXPANSION ? "ARR opportunity" : "friction");
    jb_num(j, fo, "share", sig_round(f->share, 4));
    fmt_share(t, sizeof(t), f->share);
    jb_str(j, fo, "share_text", t);
    jb_num(j, fo, "bar", round(f->share * 100));
    jb_num(j, fo, "arr", f->arr);
    fmt_money(t, sizeof(t), f->arr);
    jb_str(j, fo, "arr_text", t);
    jb_num(j, fo, "affected", f->affected);
    jb_strf(j, fo, "affected_text", "%d account%s", f->affected,
            f->affected == 1 ? "" : "s");
    status_fields(j, fo, friction_status(f, s));
    jb_opt(j, fo, "before", p->has_before, sig_round(p->fr_before[s].share, 4));
    put_trend(j, fo, U_SHARE, s == STAGE_EXPANSION ? 1 : -1, p->has_before,
              f->share - p->fr_before[s].share);
}

static void (*const stage_lines[STAGE_COUNT])(struct jb *, cJSON *,
                                              const struct page *) = {
    onboarding_lines, usage_lines,   support_lines,   feedback_lines,
    health_lines,     renewal_lines, expansion_lines,
};

void model_stages(struct jb *j, cJSON *page, const struct page *p,
                  const char *page_id)
{
    cJSON *arr = jb_arr(j, page, "stages");

    for (int i = 0; i < STAGE_COUNT; i++) {
        enum sig_stage s = (enum sig_stage)i;
        cJSON *o = jb_item(j, arr);

        jb_str(j, o, "stage", sig_stage_name(s));
        jb_str(j, o, "title", stage_title(s));
        jb_str(j, o, "owner", stage_owner(p->in->now, s));
        jb_strf(j, o, "id", "%s-%s", page_id, sig_stage_name(s));
        friction_fields(j, o, p, s);
        stage_lines[s](j, jb_arr(j, o, "signals"), p);
        model_stage_artifacts(j, jb_arr(j, o, "artifacts"), p, s);
    }
}
