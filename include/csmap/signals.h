/* The signals of every map stage, as of a date (DESIGN section 6). */
#ifndef CSMAP_SIGNALS_H
#define CSMAP_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmap/rc.h"

struct cJSON;
struct config;
struct store;
struct sig_arena;

/*
 * Conventions.  Dates are day numbers; DATE_NONE (csmap/date.h) stands for
 * a null date.  A nullable number has a has_ flag next to it; when the flag
 * is false the number is 0 and the JSON value is null.  Ratios and
 * percentages are already rounded to two decimals, the health score to
 * one.  Every string belongs to the struct sig_set that holds it (some
 * point into the configuration, which must outlive the set).
 */

#define SIG_WEEKS 9 /* weekly totals w0..w8 */

struct sig_onboarding {
    int steps_total;
    int steps_done;
    double activation_pct;
    bool has_activation_pct;  /* false when no steps are configured */
    const char *current_step; /* NULL when every step is done */
    bool activated;
    int32_t first_value_date; /* DATE_NONE when never */
    int ttfv_days;
    bool has_ttfv_days;
    int days_since_progress;
    bool stuck;
    int onboarding_tickets;
};

struct sig_usage {
    int active_users_7d;
    int active_users_30d;
    int64_t core_events_7d;
    int64_t core_events_30d;
    int features_30d;
    int32_t last_core_date; /* DATE_NONE when never */
    int days_since_core;
    bool has_days_since_core;
    bool dormant;
    int64_t weekly[SIG_WEEKS]; /* weekly[k] is wk: D-7k-6 .. D-7k */
    double trend_pct;
    double anomaly_z;
    const char *anomaly; /* "drop", "spike" or NULL */
    int seats;           /* 0 when there are no seats */
    double seat_utilization;
    bool has_seat_utilization;
    bool has_core_ever; /* a core event on or before D */
};

struct sig_count {
    const char *name;
    int count;
};

struct sig_support {
    int tickets_30d;
    int tickets_90d;
    int open_tickets;
    int high_priority_90d;
    double resolution_hours_median_90d;
    bool has_resolution_hours_median_90d;
    struct sig_count *topics_90d; /* configured order, then "other" */
    size_t n_topics_90d;
    const char **repeat_topics; /* most tickets first, then by name */
    size_t n_repeat_topics;
    int tickets_ever; /* created on or before D: support data exists */
};

struct sig_theme {
    char *phrase;
    int count; /* texts that mention it */
};

struct sig_feedback {
    double nps_180d;
    bool has_nps_180d;
    int nps_responses_180d;
    double nps_trend;
    bool has_nps_trend;
    int feedback_90d;
    double sentiment_90d;
    bool has_sentiment_90d;
    double sentiment_trend;
    bool has_sentiment_trend;
    int texts_90d;                /* feedback and ticket texts read */
    bool small_sample;            /* texts_90d < 5: not a trend */
    bool nps_small_sample;        /* nps_responses_180d < 5 */
    struct sig_theme *themes_90d; /* most frequent first */
    size_t n_themes_90d;
    int nps_promoters_180d; /* for segment NPS */
    int nps_detractors_180d;
};

struct sig_sponsor {
    bool sponsor_present;
    bool sponsor_left_90d;
    bool sponsor_new_90d;
    int contacts; /* contacts first seen on or before D: sponsor data */
};

enum sig_component {
    SIG_C_USAGE,
    SIG_C_SUPPORT,
    SIG_C_SPONSOR,
    SIG_C_FEEDBACK,
    SIG_N_COMPONENTS
};

/* A signal that costs health points. */
struct sig_driver {
    enum sig_component component;
    const char *signal; /* "usage.dormant", "support.open_tickets" ... */
    double value;       /* the signal's value (1/0 for a flag) */
    bool value_is_bool;
    double component_points; /* points off the component's 100 */
    double points;           /* points off the score, 1 decimal */
};

struct sig_health {
    double component[SIG_N_COMPONENTS]; /* 0..100, 1 decimal */
    bool has_component[SIG_N_COMPONENTS];
    double weight[SIG_N_COMPONENTS];           /* configured */
    double effective_weight[SIG_N_COMPONENTS]; /* share among present */
    double score;
    bool has_score;   /* false when no component has data */
    const char *band; /* "red", "yellow", "green"; NULL without score */
    struct sig_driver *drivers; /* most costly first */
    size_t n_drivers;
    double coverage; /* share of weight that had data, 0..1 */
};

struct sig_renewal {
    int32_t renewal_date; /* DATE_NONE without a current contract */
    int days_to_renewal;
    bool has_days_to_renewal;
    bool in_window;
    const char *risk; /* "low", "medium", "high" */
    const char **risk_reasons;
    size_t n_risk_reasons;
    double arr; /* current contract's ARR, else the account's */
    bool has_arr;
};

struct sig_expansion {
    int new_stakeholders_30d;
    const char **new_stakeholders;
    size_t n_new_stakeholders;
    int new_use_cases_30d;
    const char **new_use_cases;
    size_t n_new_use_cases;
    bool over_plan;
    int seat_overage;
    const char *potential; /* "low", "medium", "high" */
    const char **reasons;
    size_t n_reasons;
};

struct sig_account {
    int64_t rowid; /* account.id in the store */
    const char *account_id;
    const char *name;
    const char *segment; /* value of the configured segment field or NULL */
    const char *owner;
    const char *plan;
    int32_t signup_date;
    struct sig_onboarding onboarding;
    struct sig_usage usage;
    struct sig_support support;
    struct sig_feedback feedback;
    struct sig_sponsor sponsor;
    struct sig_health health;
    struct sig_renewal renewal;
    struct sig_expansion expansion;
};

/* Figures of one segment for the map; see docs/signals.md. */
struct sig_segment {
    const char *name; /* "(none)" for accounts without a segment */
    int accounts;
    double arr_total;

    int activated;
    int onboarding; /* not activated, within the onboarding window */
    int stuck;
    double activation_pct_median;
    bool has_activation_pct_median;
    double ttfv_median;
    bool has_ttfv_median;
    double ttfv_p90; /* nearest rank */
    bool has_ttfv_p90;

    int dormant;
    int anomalies;
    double active_users_30d_median;
    double trend_pct_median;
    bool has_trend_pct_median;

    int tickets_30d;
    int open_tickets;
    struct sig_count *topics_90d; /* summed over accounts */
    size_t n_topics_90d;
    int accounts_with_repeat_topics;

    double nps_180d; /* over all the segment's responses */
    bool has_nps_180d;
    int nps_responses_180d;
    double sentiment_90d_mean; /* mean of account means */
    bool has_sentiment_90d_mean;
    struct sig_theme *themes_90d;
    size_t n_themes_90d;
    bool small_sample;

    int sponsor_missing;
    int sponsor_left_90d;

    int band_red, band_yellow, band_green, band_none;
    double score_median;
    bool has_score_median;
    double share_red, share_yellow, share_green; /* of accounts, 0..1 */

    int in_window;
    int risk_high, risk_medium;
    double arr_in_window;
    double arr_at_risk; /* ARR of accounts whose renewal risk is high */

    int potential_high, potential_medium;
    int over_plan;
    int seat_overage;
};

enum sig_alert_kind {
    SIG_A_STUCK,
    SIG_A_DORMANT,
    SIG_A_ANOMALY,
    SIG_A_REPEAT_TOPIC,
    SIG_A_SPONSOR_LEFT,
    SIG_A_RENEWAL_RISK,
    SIG_A_SEAT_OVERAGE,
};

struct sig_alert {
    enum sig_alert_kind kind;
    const char *kind_name; /* "stuck_onboarding", "dormant" ... */
    const struct sig_account *account;
    const char *stage;    /* "onboarding", "usage" ... */
    const char *owner;    /* the stage owner from the configuration */
    const char *signal;   /* "onboarding.current_step" ... */
    char *value;          /* the signal's value as text */
    const char *artifact; /* "stuck-alert", "usage-anomaly" ... */
    bool continuing;      /* the alert also held at D-7 */
};

struct sig_set {
    int32_t as_of;
    const struct config *cfg;
    struct sig_account *accounts; /* sorted by account_id */
    size_t n_accounts;
    struct sig_segment *segments; /* sorted by name */
    size_t n_segments;
    struct sig_alert *alerts; /* filled by sig_alerts(); else NULL */
    size_t n_alerts;
    struct sig_arena *arena;    /* private: owns the strings */
    const char *account_filter; /* private: what sig_compute selected */
    const char *segment_filter;
};

/*
 * Compute the signals of every account that signed up on or before as_of,
 * or of one account (account_id, CS_NOTFOUND with a report when unknown),
 * or of one segment (segment, CS_NOTFOUND when no account has it;
 * "(none)" selects the accounts without a segment).  Only
 * that account's rows are read when account_id is given.  Segment figures
 * cover the accounts selected.  An empty store gives an empty set and
 * CS_OK.  The caller frees *out with sig_set_free(); cfg must outlive it.
 */
enum csmap_rc sig_compute(struct store *st, const struct config *cfg,
                          int32_t as_of, const char *account_id,
                          const char *segment, struct sig_set **out);

/*
 * What sig_compute gives at each of dates[0..n), each account's rows read
 * once for all of them: out[k] is the set as of dates[k] (the caller frees
 * each).  The selection is the same at every date; only dates[0] reports
 * an unknown account, an account that signs up after it, or an empty
 * segment (CS_NOTFOUND): at the other dates these give an empty set, as
 * the D-7 set of sig_alerts() does.  On error every out[k] is NULL.
 */
enum csmap_rc sig_compute_dates(struct store *st, const struct config *cfg,
                                const int32_t *dates, size_t n,
                                const char *account_id, const char *segment,
                                struct sig_set **out);

/*
 * Fill set->alerts: the alerts of set's accounts as of set->as_of, each
 * marked continuing when it also held at as_of - 7 (recomputed from the
 * store).  Sorted by account_id, then kind.
 */
enum csmap_rc sig_alerts(struct store *st, struct sig_set *set);

/*
 * sig_alerts with the set of set->as_of - 7 given (same selection, e.g.
 * from sig_compute_dates) instead of recomputed; prior may be NULL, then
 * no alert is continuing.  CS_ERR when prior is of another date.  The
 * alerts point into set, not prior, which may be freed after.
 */
enum csmap_rc sig_alerts_with(struct sig_set *set, const struct sig_set *prior);

void sig_set_free(struct sig_set *set);

/* The JSON object of section 6 for one account; NULL when out of memory.
 * The caller owns the result. */
struct cJSON *sig_account_json(const struct sig_account *a);

/* A JSON array of every account of set, sorted by account_id. */
struct cJSON *sig_set_json(const struct sig_set *set);

/* The JSON object of one segment's figures (docs/signals.md). */
struct cJSON *sig_segment_json(const struct sig_segment *s);

/* The JSON object of one alert. */
struct cJSON *sig_alert_json(const struct sig_alert *al);

/* Names of components and bands as printed ("usage", "support" ...). */
const char *sig_component_name(enum sig_component c);

/* Round to the given number of decimals as printf("%.*f") does. */
double sig_round(double x, int decimals);

/*
 * The stages of the map and each account's status at each: the rules
 * the map's heat map, its ARR at stake and the segment contexts share
 * (docs/map.md).  The seven stages, in the order the map shows them.
 */
enum sig_stage {
    STAGE_ONBOARDING,
    STAGE_USAGE,
    STAGE_SUPPORT,
    STAGE_FEEDBACK,
    STAGE_HEALTH,
    STAGE_RENEWAL,
    STAGE_EXPANSION,
    STAGE_COUNT
};

/*
 * The status of one account at one stage, as the heat map shows it.  The
 * rules are in docs/map.md.  OPPORTUNITY is expansion's "problem": upside,
 * not risk, so it never counts towards ARR at stake.
 */
enum sig_status {
    STATUS_NO_DATA,
    STATUS_OK,
    STATUS_WATCH,
    STATUS_PROBLEM,
    STATUS_OPPORTUNITY,
};

/* "onboarding" ... "expansion"; NULL for an out-of-range stage. */
const char *sig_stage_name(enum sig_stage s);

/* "no data", "ok", "watch", "problem", "opportunity". */
const char *sig_status_name(enum sig_status st);

/*
 * The status of account a at stage s, as of set->as_of with set->cfg.
 * When why is not NULL a short reason ("stuck at first_report for 12
 * days") is written into it (always NUL-terminated; empty when ok).
 */
enum sig_status sig_stage_status(const struct sig_set *set,
                                 const struct sig_account *a, enum sig_stage s,
                                 char *why, size_t why_size);

/*
 * The ARR an account has at stake: its ARR (renewal.arr) when any stage
 * but expansion is a problem, else 0.
 */
double sig_arr_at_stake(const struct sig_set *set, const struct sig_account *a);

#endif
