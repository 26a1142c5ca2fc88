/* Shared by the report files: the model builder's helpers and formats. */
#ifndef CSMAP_REPORT_INTERNAL_H
#define CSMAP_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmap/report.h"

struct cJSON;
struct config;
struct sig_account;

/*
 * Builds JSON without checking every call: each helper does nothing when
 * its parent is NULL and sets nomem when an allocation fails, and the
 * builder checks nomem once at the end.  Keys are not copied (a map has
 * hundreds of thousands of them): pass string literals only.
 */
struct jb {
    bool nomem;
};

struct cJSON *jb_obj(struct jb *j, struct cJSON *parent, const char *key);
struct cJSON *jb_arr(struct jb *j, struct cJSON *parent, const char *key);
/* An object appended to array arr. */
struct cJSON *jb_item(struct jb *j, struct cJSON *arr);
void jb_str(struct jb *j, struct cJSON *o, const char *key, const char *v);
void jb_strf(struct jb *j, struct cJSON *o, const char *key, const char *fmt,
             ...) __attribute__((format(printf, 4, 5)));
void jb_num(struct jb *j, struct cJSON *o, const char *key, double v);
void jb_bool(struct jb *j, struct cJSON *o, const char *key, bool v);
void jb_null(struct jb *j, struct cJSON *o, const char *key);
/* A number, or null when has is false. */
void jb_opt(struct jb *j, struct cJSON *o, const char *key, bool has, double v);
/* A string appended to array arr. */
void jb_push_str(struct jb *j, struct cJSON *arr, const char *v);

/* Money as people read it: "1.2M", "340k", "900" (no currency). */
void fmt_money(char *out, size_t n, double v);
/* A share 0..1 as "23%" (below 1% but above 0: "<1%"). */
void fmt_share(char *out, size_t n, double share);
/* A number with up to one decimal: "12", "12.5". */
void fmt_num(char *out, size_t n, double v);
/* A date as YYYY-MM-DD, or "never" for DATE_NONE. */
void fmt_date(char *out, size_t n, int32_t day);
/* A letter, digit, '-' or '.'-only id for anchors and file names, made
 * from s so that different inputs give different ids. */
void fmt_anchor(char *out, size_t n, const char *prefix, const char *s);

/* Whether the weekly schedule makes artifact for a (csmap/schedule.h). */
bool report_artifact_needed(const struct config *cfg, const char *artifact,
                            const struct sig_account *a);

/* The caller's artifacts sorted by artifact, subject, newest first. */
struct art_index {
    const struct report_artifact **v;
    size_t n;
};

enum csmap_rc art_index_build(const struct report_input *in,
                              struct art_index *idx);
void art_index_release(struct art_index *idx);

/* The newest artifact for artifact and subject, or NULL. */
const struct report_artifact *art_find(const struct art_index *idx,
                                       const char *artifact,
                                       const char *subject);

#define REPORT_WHY 112
#define REPORT_ANCHOR 96

/* One account of a page, classified. */
struct page_acct {
    const struct sig_account *a;
    enum sig_status st[STAGE_COUNT];
    char why[STAGE_COUNT][REPORT_WHY];
    char anchor[REPORT_ANCHOR];
    double arr;      /* 0 without ARR */
    double at_stake; /* sig_arr_at_stake() */
    int problems;    /* stages with a problem (expansion not counted) */
    int watches;
};

/* Friction of one stage over a set of accounts. */
struct friction {
    double share;  /* of the ARR (of accounts when there is no ARR) */
    double arr;    /* ARR of the affected accounts */
    int affected;  /* accounts with a problem (or an opportunity) */
    int with_data; /* accounts whose status is not "no data" */
};

/* Everything one segment page is built from. */
struct page {
    const struct report_input *in;
    const struct art_index *arts;
    const struct sig_segment *seg;
    const struct sig_segment *seg_before; /* NULL without a trend */
    struct page_acct *accts;              /* in heat map order */
    size_t n;
    double arr_total;
    double at_stake_total;
    struct friction fr[STAGE_COUNT];
    struct friction fr_before[STAGE_COUNT];
    bool has_before;
    const size_t *alert_first; /* per account of in->now */
    const size_t *alert_count;
};

/* Whether account a belongs to the segment named name ("(none)": none). */
bool page_in_segment(const struct sig_account *a, const char *name);

/* Classify the accounts of set in segment name and sum the friction. */
enum csmap_rc page_classify(const struct sig_set *set, const char *name,
                            struct page_acct **accts, size_t *n,
                            struct friction fr[STAGE_COUNT], double *arr_total);

/* The pieces of a page's JSON. */
void model_stages(struct jb *j, struct cJSON *page, const struct page *p,
                  const char *page_id);
void model_stage_artifacts(struct jb *j, struct cJSON *arr,
                           const struct page *p, enum sig_stage s);
/* A node's status: problem from 15% friction, watch below, ok at 0. */
enum sig_status friction_status(const struct friction *f, enum sig_stage s);
/* Adds status, class, symbol and chip ("!! problem") to o. */
void status_fields(struct jb *j, struct cJSON *o, enum sig_status st);
void model_accounts(struct jb *j, struct cJSON *page, const struct page *p);
void model_backlog(struct jb *j, struct cJSON *page, const struct page *p);
/* The artifacts of one account (needed ones, and any that exist). */
void model_account_artifacts(struct jb *j, struct cJSON *o,
                             const struct page *p, const struct sig_account *a);

/* Status words and symbols for templates. */
const char *status_symbol(enum sig_status st);
const char *status_class(enum sig_status st);
const char *stage_title(enum sig_stage s);
const char *stage_owner(const struct sig_set *set, enum sig_stage s);

#endif
