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

/*
 * The usage windows reach this many days back from a date (the weekly
 * totals w0..w8).  Older event rows only give each event name's first day
 * and the last core day, so they are read for those alone (load.c).
 */
#define SIG_USAGE_DAYS (7 * SIG_WEEKS)

/* One row of event_day, its day clamped to signup_date. */
struct sig_event_row {
    int32_t day;
    uint32_t event;
    int64_t user;
    int64_t n;
};

/* What a ticket's or feedback row's text gives, worked out once per run
 * (load.c): its sentiment and its theme phrases in run->phrases. */
struct sig_text_info {
    bool done;
    double sentiment;
    size_t phrase, n_phrases;
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
    int topic;     /* index into cfg topics; n_topics is "other"; -1 until
                      first needed */
    struct sig_text_info info;
};

struct sig_feedback_row {
    int32_t date;
    bool nps;
    bool has_score;
    double score;
    size_t text; /* offset into run->text */
    size_t text_len;
    bool has_text;
    struct sig_text_info info;
};

struct sig_contact_row {
    size_t name; /* offset into run->text: name, else email, else id */
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
    const char *name; /* in the run's own arena: copy it into a set's */
    bool core;
    bool first_value;
};

struct sig_terms; /* theme term counts, text.c */

/* Theme phrases of texts, one after the other: the text of v[i] is the
 * NUL-terminated string at buf + v[i].off. */
struct sig_phrase {
    size_t off, len;
    uint64_t hash;
};

struct sig_phrases {
    char *buf;
    size_t len, cap;
    struct sig_phrase *v;
    size_t n, cap_v;
};

/* A set of values for counting distinct ones, emptied in O(1): a slot is
 * in use when its generation is the current one. */
struct sig_distinct {
    int64_t *keys;
    uint32_t *gen;
    size_t cap; /* a power of two, 0 before the first use */
    int shift;  /* 64 - log2(cap) */
    uint32_t cur;
    size_t n; /* distinct values added since the last clear */
};

/* One as-of date of a run: its set and its segments' theme terms. */
struct sig_date {
    int32_t as_of;
    struct sig_set *set;
    size_t cap_accounts;
    /* seg_terms[k] pools the terms of the segment whose first account in
     * set is k (NULL for the other k); segment.c reads it. */
    struct sig_terms **seg_terms;
    size_t n_seg_terms;
};

/* How many rows of each kind an account has as of the run's last date. */
struct sig_loaded {
    size_t rows, tickets, fb, contacts, contracts;
};

/*
 * One run of sig_compute_dates: the statements, the event classes and the
 * per-account rows, reused from one account to the next.  Each account's
 * rows are read once, as of the latest date (load_as_of), in the order of
 * the date that filters them; the rows of an earlier date are a prefix,
 * and the n_ counts below are the prefix of the date being computed.
 */
struct sig_run {
    struct store *st;
    const struct config *cfg;
    int32_t as_of;           /* the date being computed */
    struct sig_arena *arena; /* its set's arena */
    struct sig_date *date;   /* its date */
    struct sig_date *dates;
    size_t n_dates;
    int32_t load_as_of; /* the latest of the dates */
    int32_t full_from;  /* event rows from this day on are kept (load.c) */
    bool quiet;         /* an unknown account or empty segment is no error */
    struct sig_arena *names; /* the run's own strings */

    struct sig_event_class *ev; /* indexed by event_name.id */
    bool *ev_step;              /* ev_step[id * n_steps + step] */
    size_t n_ev;

    struct sqlite3_stmt *q_old_events, *q_events, *q_tickets, *q_feedback,
        *q_contacts, *q_contracts;
    bool functions;        /* the row functions are registered */
    enum csmap_rc sink_rc; /* what went wrong in a row function */
    bool rows_unsorted;    /* a scan gave the rows out of day order */
    int32_t signup;        /* the account's signup_date */

    struct sig_event_row *rows; /* from full_from, by day */
    size_t n_rows, cap_rows;
    struct sig_ticket_row *tickets; /* by created_at */
    size_t n_tickets, cap_tickets;
    struct sig_feedback_row *fb; /* by date */
    size_t n_fb, cap_fb;
    struct sig_contact_row *contacts; /* by first_seen */
    size_t n_contacts, cap_contacts;
    struct sig_contract_row *contracts; /* by start */
    size_t n_contracts, cap_contracts;
    struct sig_loaded loaded;
    char *text; /* ticket, feedback and contact texts of the account */
    size_t text_len, text_cap;
    struct sig_phrases phrases; /* of the account's texts */

    int32_t old_last_core; /* the last core day before full_from */
    int32_t *first_day;    /* per event id, DATE_NONE when unseen */
    uint32_t *seen;        /* event ids in the order of first use */
    size_t n_seen;
    uint32_t *touched; /* those first used on or before as_of */
    size_t n_touched;
    struct sig_distinct distinct; /* users, event ids */

    struct regex *tok;       /* the word tokenizer */
    struct sig_terms *terms; /* the current account's theme terms */
};

/* Grow *p (of *cap elements of size bytes) to hold need elements. */
enum csmap_rc sig_grow(void **p, size_t *cap, size_t need, size_t size);

/* load.c: the event classes, the statements and one account's rows. */
enum csmap_rc sig_load_event_classes(struct sig_run *r);
enum csmap_rc sig_load_prepare(struct sig_run *r);
void sig_load_release(struct sig_run *r);
/* Read account id's rows as of r->load_as_of, and the first day of each
 * event name it used. */
enum csmap_rc sig_load_account(struct sig_run *r, int64_t id, int32_t signup);
/* Make d the date being computed: its prefixes of the loaded rows. */
void sig_load_view(struct sig_run *r, struct sig_date *d);
/* Fill *info for the text at run->text + text, unless done already. */
enum csmap_rc sig_load_text_info(struct sig_run *r, size_t text, size_t len,
                                 struct sig_text_info *info);

/* Empty d, ready for up to n values. */
enum csmap_rc sig_distinct_clear(struct sig_distinct *d, size_t n);
/* Add v to d; d->n counts the distinct values. */
void sig_distinct_add(struct sig_distinct *d, int64_t v);
void sig_distinct_release(struct sig_distinct *d);

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
/* The sentiment of s[0..n) and its theme phrases, appended to ph. */
enum csmap_rc sig_text_analyse(const struct regex *tok, const char *s, size_t n,
                               struct sig_phrases *ph, double *sentiment);
void sig_phrases_release(struct sig_phrases *ph);
struct sig_terms *sig_terms_new(void);
void sig_terms_free(struct sig_terms *t);
void sig_terms_reset(struct sig_terms *t);
/* Count the themes of one text, ph->v[first .. first + n) (each term once
 * per text). */
enum csmap_rc sig_terms_add_phrases(struct sig_terms *t,
                                    const struct sig_phrases *ph, size_t first,
                                    size_t n);
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
