/* Shared by the signal files: one run's data and the stage functions. */
#ifndef CSMAP_SIGNALS_INTERNAL_H
#define CSMAP_SIGNALS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmap/rc.h"
#include "csmap/signals.h"

struct sqlite3_stmt;
struct regex;

/* The arena owns every string and array that a sig_set hands out. */
void *sig_arena_alloc(struct sig_arena *ar, size_t size);
char *sig_arena_strdup(struct sig_arena *ar, const char *s);
char *sig_arena_printf(struct sig_arena *ar, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct sig_arena *sig_arena_new(void);
void sig_arena_free(struct sig_arena *ar);

/* One row of event_day, its day clamped to signup_date. */
struct sig_event_row {
    int32_t day;
    uint32_t event;
    int64_t user;
    int64_t n;
};

struct sig_ticket_row {
    int64_t created_at;
    int64_t resolved_at;
    bool has_resolved;
    int32_t created_day;
    int32_t resolved_day;
    bool high;   /* priority urgent or high */
    size_t text; /* offset of subject "\n" description in run->text */
    size_t text_len;
    bool has_text; /* a subject or a description */
    int topic;     /* index into cfg topics; n_topics is "other" */
};

struct sig_feedback_row {
    int32_t date;
    bool nps;
    bool has_score;
    double score;
    size_t text; /* offset into run->text */
    size_t text_len;
    bool has_text;
};

struct sig_contact_row {
    const char *name; /* in the arena: name, else email, else contact_id */
    bool sponsor;
    int32_t first_seen;
    int32_t left_at; /* DATE_NONE when still there */
};

struct sig_contract_row {
    int32_t start;
    int32_t end;
    int seats; /* -1 when not stated; 0 when stated as 0 or less */
    double arr;
    bool has_arr;
};

/* What the configuration makes of one event name. */
struct sig_event_class {
    const char *name; /* in the arena */
    bool core;
    bool first_value;
};

struct sig_terms; /* theme term counts, text.c */

/* One run of sig_compute: the statements, the event classes and the
 * per-account scratch arrays, reused from one account to the next. */
struct sig_run {
    struct store *st;
    const struct config *cfg;
    int32_t as_of;
    struct sig_arena *arena;
    bool quiet; /* an unknown account or empty segment is no error */

    struct sig_event_class *ev; /* indexed by event_name.id */
    bool *ev_step;              /* ev_step[id * n_steps + step] */
    size_t n_ev;

    struct sqlite3_stmt *q_events, *q_tickets, *q_feedback, *q_contacts,
        *q_contracts;

    struct sig_event_row *rows;
    size_t n_rows, cap_rows;
    struct sig_ticket_row *tickets;
    size_t n_tickets, cap_tickets;
    struct sig_feedback_row *fb;
    size_t n_fb, cap_fb;
    struct sig_contact_row *contacts;
    size_t n_contacts, cap_contacts;
    struct sig_contract_row *contracts;
    size_t n_contracts, cap_contracts;
    char *text; /* ticket and feedback texts of the current account */
    size_t text_len, text_cap;

    int32_t *first_day; /* per event id, DATE_NONE when unseen */
    uint32_t *touched;  /* event ids whose first_day is set */
    size_t n_touched;
    int64_t *scratch; /* users, event ids: sorted and counted */
    size_t cap_scratch;

    struct regex *tok;            /* the word tokenizer */
    struct sig_terms *terms;      /* the current account's theme terms */
    struct sig_terms **seg_terms; /* per segment of the set */
    size_t n_seg_terms;
};

/* Grow run->scratch to hold n values. */
enum csmap_rc sig_run_scratch(struct sig_run *r, size_t n);

/* Sort a[0..n) and return the number of distinct values. */
size_t sig_count_distinct(int64_t *a, size_t n);

/* Median of a[0..n), sorted in place; false when n is 0. */
bool sig_median(double *a, size_t n, double *out);

/* Nearest-rank percentile p (0..100) of a[0..n), sorted in place. */
bool sig_percentile(double *a, size_t n, double p, double *out);

/* The stages, in the order sig_compute calls them. */
void sig_renewal_contract(struct sig_run *r, struct sig_account *a,
                          double account_arr, bool has_account_arr);
void sig_onboarding_compute(struct sig_run *r, struct sig_account *a);
enum csmap_rc sig_usage_compute(struct sig_run *r, struct sig_account *a,
                                int account_seats);
enum csmap_rc sig_support_compute(struct sig_run *r, struct sig_account *a);
enum csmap_rc sig_feedback_compute(struct sig_run *r, struct sig_account *a);
void sig_sponsor_compute(struct sig_run *r, struct sig_account *a);
enum csmap_rc sig_health_compute(struct sig_run *r, struct sig_account *a);
enum csmap_rc sig_renewal_risk(struct sig_run *r, struct sig_account *a);
enum csmap_rc sig_expansion_compute(struct sig_run *r, struct sig_account *a);

/* sig_compute, with quiet: an unknown account or an empty segment gives
 * an empty set without a report (for the D-7 recomputation of alerts). */
enum csmap_rc sig_compute_run(struct store *st, const struct config *cfg,
                              int32_t as_of, const char *account_id,
                              const char *segment, bool quiet,
                              struct sig_set **out);

/* Segment figures over set's accounts; seg_terms feed the themes. */
enum csmap_rc sig_segments_compute(struct sig_run *r, struct sig_set *set);

/* text.c: tokens, sentiment and themes. */
struct regex *sig_text_tokenizer(void);
double sig_text_sentiment(const struct regex *tok, const char *s, size_t n);
struct sig_terms *sig_terms_new(void);
void sig_terms_free(struct sig_terms *t);
void sig_terms_reset(struct sig_terms *t);
/* Count the themes of one text (each term once per text). */
enum csmap_rc sig_terms_add_text(struct sig_terms *t, const struct regex *tok,
                                 const char *s, size_t n);
/* Add every count of src into dst. */
enum csmap_rc sig_terms_merge(struct sig_terms *dst,
                              const struct sig_terms *src);
/* The top themes of t, copied into the arena. */
enum csmap_rc sig_terms_top(const struct sig_terms *t, size_t texts,
                            struct sig_arena *ar, struct sig_theme **out,
                            size_t *n_out);

/* Whole-day windows: day in the last n days before and including d. */
static inline bool sig_in_last(int32_t day, int32_t d, int n)
{
    return day <= d && day >= d - n + 1;
}

#endif
