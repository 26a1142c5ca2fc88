/* sig_compute: reads each account's rows once and runs every stage. */
#include "internal.h"

#include <sqlite3.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/regex.h"
#include "csmap/store.h"

/* ---- the arena: a list of blocks freed together ---- */

struct sig_arena_block {
    struct sig_arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

struct sig_arena {
    struct sig_arena_block *head;
};

struct sig_arena *sig_arena_new(void)
{
    return mem_calloc(1, sizeof(struct sig_arena));
}

void sig_arena_free(struct sig_arena *ar)
{
    if (!ar)
        return;
    while (ar->head) {
        struct sig_arena_block *next = ar->head->next;

        mem_free(ar->head);
        ar->head = next;
    }
    mem_free(ar);
}

void *sig_arena_alloc(struct sig_arena *ar, size_t size)
{
    const size_t align = sizeof(max_align_t);
    struct sig_arena_block *b = ar->head;
    void *p;

    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > 65536 ? size : 65536;

        b = mem_alloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = ar->head;
        ar->head = b;
    }
    p = (char *)b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *sig_arena_strdup(struct sig_arena *ar, const char *s)
{
    size_t n = strlen(s);
    char *p = sig_arena_alloc(ar, n + 1);

    if (p)
        memcpy(p, s, n + 1);
    return p;
}

char *sig_arena_printf(struct sig_arena *ar, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !(p = sig_arena_alloc(ar, (size_t)n + 1)))
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* ---- small numeric helpers ---- */

/*
 * Round as printf's "%.*f" does: to the nearest on the exact binary value,
 * a true tie to even.  Scaling by 100 and calling round() would round
 * twice (0.355 is stored as 0.35499..., but 0.355 * 100 is exactly 35.5).
 */
double sig_round(double x, int decimals)
{
    char buf[64];
    double r;

    if (!isfinite(x) || fabs(x) >= 1e15)
        return x;
    snprintf(buf, sizeof(buf), "%.*f", decimals, x);
    r = strtod(buf, NULL);
    return r == 0 ? 0 : r; /* no negative zero */
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

size_t sig_count_distinct(int64_t *a, size_t n)
{
    size_t k = 0;

    if (n == 0)
        return 0;
    qsort(a, n, sizeof(*a), cmp_i64);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || a[i] != a[i - 1])
            k++;
    return k;
}

bool sig_median(double *a, size_t n, double *out)
{
    if (n == 0)
        return false;
    qsort(a, n, sizeof(*a), cmp_double);
    *out = n % 2 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    return true;
}

bool sig_percentile(double *a, size_t n, double p, double *out)
{
    size_t rank;

    if (n == 0)
        return false;
    qsort(a, n, sizeof(*a), cmp_double);
    rank = (size_t)ceil(p / 100 * (double)n);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    *out = a[rank - 1];
    return true;
}

static enum csmap_rc grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t ncap;
    void *np;

    if (need <= *cap)
        return CS_OK;
    ncap = *cap ? *cap : 64;
    while (ncap < need)
        ncap *= 2;
    np = mem_realloc(*p, ncap * size);
    if (!np)
        return CS_NOMEM;
    *p = np;
    *cap = ncap;
    return CS_OK;
}

enum csmap_rc sig_run_scratch(struct sig_run *r, size_t n)
{
    return grow((void **)&r->scratch, &r->cap_scratch, n, sizeof(*r->scratch));
}

/* ---- the run: event classes and statements ---- */

static bool matches(const struct regex *re, const char *s)
{
    return re && regex_search(re, s, strlen(s)) == 1;
}

static void classify(struct sig_run *r, uint32_t id, const char *name)
{
    const struct config *cfg = r->cfg;
    struct sig_event_class *c = &r->ev[id];

    c->name = name;
    c->first_value = matches(cfg->onboarding.first_value_event, name);
    for (size_t i = 0; i < cfg->usage.n_core_events && !c->core; i++)
        c->core = matches(cfg->usage.core_events[i], name);
    for (size_t s = 0; s < cfg->onboarding.n_steps; s++)
        r->ev_step[id * cfg->onboarding.n_steps + s] =
            matches(cfg->onboarding.steps[s].event, name);
}

/* Every distinct event name is matched against the patterns once. */
static enum csmap_rc load_event_classes(struct sig_run *r)
{
    sqlite3 *db = store_db(r->st);
    sqlite3_stmt *q = NULL;
    size_t n_steps = r->cfg->onboarding.n_steps;
    int64_t max_id = 0;
    int step;
    enum csmap_rc rc = CS_OK;

    if (sqlite3_prepare_v2(db, "SELECT max(id) FROM event_name", -1, &q,
                           NULL) != SQLITE_OK)
        return store_error(r->st, "cannot read event names");
    if (sqlite3_step(q) == SQLITE_ROW)
        max_id = sqlite3_column_int64(q, 0);
    else
        rc = store_error(r->st, "cannot read event names");
    sqlite3_finalize(q);
    q = NULL;
    if (rc)
        return rc;
    if (max_id < 0 || max_id > UINT32_MAX - 1) {
        log_error("%s: event name ids out of range", store_path(r->st));
        return CS_STORE;
    }
    r->n_ev = (size_t)max_id + 1;
    r->ev = mem_calloc(r->n_ev, sizeof(*r->ev));
    r->ev_step = mem_calloc(r->n_ev * (n_steps ? n_steps : 1), 1);
    r->first_day = mem_alloc(r->n_ev * sizeof(*r->first_day));
    r->touched = mem_alloc(r->n_ev * sizeof(*r->touched));
    if (!r->ev || !r->ev_step || !r->first_day || !r->touched)
        return CS_NOMEM;
    for (size_t i = 0; i < r->n_ev; i++)
        r->first_day[i] = DATE_NONE;

    if (sqlite3_prepare_v2(db, "SELECT id, name FROM event_name", -1, &q,
                           NULL) != SQLITE_OK)
        return store_error(r->st, "cannot read event names");
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        const char *name = (const char *)sqlite3_column_text(q, 1);
        char *copy;

        if (id < 0 || (size_t)id >= r->n_ev || !name)
            continue;
        if (!(copy = sig_arena_strdup(r->arena, name))) {
            rc = CS_NOMEM;
            break;
        }
        classify(r, (uint32_t)id, copy);
    }
    /* A step that fails (out of memory, I/O) must not pass for the end. */
    if (!rc && step != SQLITE_DONE)
        rc = store_error(r->st, "cannot read event names");
    sqlite3_finalize(q);
    return rc;
}

static enum csmap_rc prepare(struct sig_run *r, sqlite3_stmt **q,
                             const char *sql)
{
    if (sqlite3_prepare_v2(store_db(r->st), sql, -1, q, NULL) != SQLITE_OK)
        return store_error(r->st, "cannot prepare a signal query");
    return CS_OK;
}

static enum csmap_rc prepare_all(struct sig_run *r)
{
    enum csmap_rc rc;

    if ((rc = prepare(r, &r->q_events,
                      "SELECT day, event, user, n FROM event_day "
                      "WHERE account = ?1 AND day <= ?2")) ||
        (rc = prepare(r, &r->q_tickets,
                      "SELECT created_at, resolved_at, priority, subject, "
                      "description FROM ticket "
                      "WHERE account = ?1 AND created_at < ?3 "
                      "ORDER BY created_at, id")) ||
        (rc = prepare(r, &r->q_feedback,
                      "SELECT date, kind, score, text FROM feedback "
                      "WHERE account = ?1 AND date <= ?2 ORDER BY date, id")) ||
        (rc = prepare(r, &r->q_contacts,
                      "SELECT name, email, contact_id, is_sponsor, "
                      "first_seen, left_at FROM contact "
                      "WHERE account = ?1 AND first_seen <= ?2 "
                      "ORDER BY first_seen, contact_id")) ||
        (rc = prepare(r, &r->q_contracts,
                      "SELECT start_date, end_date, seats, arr "
                      "FROM contract WHERE account = ?1 AND start_date <= ?2 "
                      "ORDER BY start_date")))
        return rc;
    return CS_OK;
}

static void run_release(struct sig_run *r)
{
    sqlite3_finalize(r->q_events);
    sqlite3_finalize(r->q_tickets);
    sqlite3_finalize(r->q_feedback);
    sqlite3_finalize(r->q_contacts);
    sqlite3_finalize(r->q_contracts);
    mem_free(r->ev);
    mem_free(r->ev_step);
    mem_free(r->rows);
    mem_free(r->tickets);
    mem_free(r->fb);
    mem_free(r->contacts);
    mem_free(r->contracts);
    mem_free(r->text);
    mem_free(r->first_day);
    mem_free(r->touched);
    mem_free(r->scratch);
    sig_terms_free(r->terms);
    for (size_t i = 0; i < r->n_seg_terms; i++)
        sig_terms_free(r->seg_terms[i]);
    mem_free(r->seg_terms);
    regex_free(r->tok);
}

/* ---- loading one account's rows ---- */

static void bind_account(struct sig_run *r, sqlite3_stmt *q, int64_t id)
{
    int n = sqlite3_bind_parameter_count(q);

    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, id);
    if (n >= 2)
        sqlite3_bind_int64(q, 2, r->as_of);
    if (n >= 3)
        sqlite3_bind_int64(q, 3, ((int64_t)r->as_of + 1) * 86400);
}

static enum csmap_rc load_events(struct sig_run *r, int64_t id, int32_t signup)
{
    sqlite3_stmt *q = r->q_events;
    int step;

    r->n_rows = 0;
    bind_account(r, q, id);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct sig_event_row *row;
        int64_t ev = sqlite3_column_int64(q, 1);

        if (ev < 0 || (size_t)ev >= r->n_ev)
            continue;
        if (grow((void **)&r->rows, &r->cap_rows, r->n_rows + 1,
                 sizeof(*r->rows)))
            return CS_NOMEM;
        row = &r->rows[r->n_rows++];
        row->day = (int32_t)sqlite3_column_int64(q, 0);
        if (row->day < signup)
            row->day = signup;
        row->event = (uint32_t)ev;
        row->user = sqlite3_column_int64(q, 2);
        row->n = sqlite3_column_int64(q, 3);
    }
    if (step != SQLITE_DONE)
        return store_error(r->st, "cannot read events");
    return CS_OK;
}

/*
 * Append a text to run->text and give its offset and length.  A ticket's
 * text is subject "\n" description (a missing one empty), so b is not
 * NULL for tickets; a feedback text is just a.  *has_text says whether
 * there was any text at all.
 */
static enum csmap_rc add_text(struct sig_run *r, const char *a, const char *b,
                              size_t *off, size_t *len, bool *has_text)
{
    size_t na = a ? strlen(a) : 0, nb = b ? strlen(b) : 0;
    size_t n = b ? na + 1 + nb : na;

    *off = r->text_len;
    *len = n;
    *has_text = na + nb > 0;
    if (grow((void **)&r->text, &r->text_cap, r->text_len + n + 1, 1))
        return CS_NOMEM;
    memcpy(r->text + r->text_len, a ? a : "", na);
    if (b) {
        r->text[r->text_len + na] = '\n';
        memcpy(r->text + r->text_len + na + 1, b, nb);
    }
    r->text[r->text_len + n] = '\0';
    r->text_len += n + 1;
    return CS_OK;
}

static bool is_high_priority(const char *p)
{
    return p && (strcasecmp(p, "urgent") == 0 || strcasecmp(p, "high") == 0);
}

static enum csmap_rc load_tickets(struct sig_run *r, int64_t id)
{
    sqlite3_stmt *q = r->q_tickets;
    int step;

    r->n_tickets = 0;
    bind_account(r, q, id);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct sig_ticket_row *t;
        const char *desc;

        if (grow((void **)&r->tickets, &r->cap_tickets, r->n_tickets + 1,
                 sizeof(*r->tickets)))
            return CS_NOMEM;
        t = &r->tickets[r->n_tickets++];
        t->created_at = sqlite3_column_int64(q, 0);
        t->created_day = date_of_ts(t->created_at);
        t->has_resolved = sqlite3_column_type(q, 1) != SQLITE_NULL;
        t->resolved_at = sqlite3_column_int64(q, 1);
        t->resolved_day =
            t->has_resolved ? date_of_ts(t->resolved_at) : DATE_NONE;
        t->high = is_high_priority((const char *)sqlite3_column_text(q, 2));
        t->topic = -1;
        desc = (const char *)sqlite3_column_text(q, 4);
        if (add_text(r, (const char *)sqlite3_column_text(q, 3),
                     desc ? desc : "", &t->text, &t->text_len, &t->has_text))
            return CS_NOMEM;
    }
    if (step != SQLITE_DONE)
        return store_error(r->st, "cannot read tickets");
    return CS_OK;
}

static enum csmap_rc load_feedback(struct sig_run *r, int64_t id)
{
    sqlite3_stmt *q = r->q_feedback;
    int step;

    r->n_fb = 0;
    bind_account(r, q, id);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct sig_feedback_row *f;
        const char *kind = (const char *)sqlite3_column_text(q, 1);

        if (grow((void **)&r->fb, &r->cap_fb, r->n_fb + 1, sizeof(*r->fb)))
            return CS_NOMEM;
        f = &r->fb[r->n_fb++];
        f->date = (int32_t)sqlite3_column_int64(q, 0);
        f->nps = kind && strcasecmp(kind, "nps") == 0;
        f->has_score = sqlite3_column_type(q, 2) != SQLITE_NULL;
        f->score = sqlite3_column_double(q, 2);
        if (add_text(r, (const char *)sqlite3_column_text(q, 3), NULL, &f->text,
                     &f->text_len, &f->has_text))
            return CS_NOMEM;
    }
    if (step != SQLITE_DONE)
        return store_error(r->st, "cannot read feedback");
    return CS_OK;
}

static const char *contact_label(sqlite3_stmt *q)
{
    for (int col = 0; col < 3; col++) {
        const char *s = (const char *)sqlite3_column_text(q, col);

        if (s && *s)
            return s;
    }
    return "";
}

static enum csmap_rc load_contacts(struct sig_run *r, int64_t id)
{
    sqlite3_stmt *q = r->q_contacts;
    int step;

    r->n_contacts = 0;
    bind_account(r, q, id);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct sig_contact_row *c;

        if (grow((void **)&r->contacts, &r->cap_contacts, r->n_contacts + 1,
                 sizeof(*r->contacts)))
            return CS_NOMEM;
        c = &r->contacts[r->n_contacts++];
        c->sponsor = sqlite3_column_int(q, 3) != 0;
        c->first_seen = (int32_t)sqlite3_column_int64(q, 4);
        c->left_at = sqlite3_column_type(q, 5) == SQLITE_NULL
                         ? DATE_NONE
                         : (int32_t)sqlite3_column_int64(q, 5);
        /* Only the recent contacts' names are printed; copy those. */
        c->name = NULL;
        if (sig_in_last(c->first_seen, r->as_of, 30) &&
            !(c->name = sig_arena_strdup(r->arena, contact_label(q))))
            return CS_NOMEM;
    }
    if (step != SQLITE_DONE)
        return store_error(r->st, "cannot read contacts");
    return CS_OK;
}

static enum csmap_rc load_contracts(struct sig_run *r, int64_t id)
{
    sqlite3_stmt *q = r->q_contracts;
    int step;

    r->n_contracts = 0;
    bind_account(r, q, id);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct sig_contract_row *c;
        int64_t seats = sqlite3_column_int64(q, 2);

        if (grow((void **)&r->contracts, &r->cap_contracts, r->n_contracts + 1,
                 sizeof(*r->contracts)))
            return CS_NOMEM;
        c = &r->contracts[r->n_contracts++];
        c->start = (int32_t)sqlite3_column_int64(q, 0);
        c->end = (int32_t)sqlite3_column_int64(q, 1);
        if (sqlite3_column_type(q, 2) == SQLITE_NULL)
            c->seats = -1;
        else
            c->seats = seats > 0 && seats < INT32_MAX ? (int)seats : 0;
        c->has_arr = sqlite3_column_type(q, 3) != SQLITE_NULL;
        c->arr = sqlite3_column_double(q, 3);
    }
    if (step != SQLITE_DONE)
        return store_error(r->st, "cannot read contracts");
    return CS_OK;
}

static enum csmap_rc load_account_rows(struct sig_run *r, int64_t id,
                                       int32_t signup)
{
    enum csmap_rc rc;

    r->text_len = 0;
    if ((rc = load_events(r, id, signup)) || (rc = load_tickets(r, id)) ||
        (rc = load_feedback(r, id)) || (rc = load_contacts(r, id)) ||
        (rc = load_contracts(r, id)))
        return rc;
    return CS_OK;
}

/* ---- the accounts ---- */

static const char *column_str(struct sig_run *r, sqlite3_stmt *q, int col,
                              bool *nomem)
{
    const char *s = (const char *)sqlite3_column_text(q, col);
    char *copy;

    if (!s || !*s)
        return NULL;
    if (!(copy = sig_arena_strdup(r->arena, s)))
        *nomem = true;
    return copy;
}

/* The value of the configured segment field ("segment", "plan", "owner"). */
static const char *segment_of(const struct sig_run *r,
                              const struct sig_account *a)
{
    const char *field = r->cfg->segment_field;

    if (field && strcmp(field, "plan") == 0)
        return a->plan;
    if (field && strcmp(field, "owner") == 0)
        return a->owner;
    return a->segment;
}

static enum csmap_rc compute_account(struct sig_run *r, struct sig_account *a,
                                     int seats, double arr, bool has_arr)
{
    enum csmap_rc rc;

    if ((rc = load_account_rows(r, a->rowid, a->signup_date)))
        return rc;
    sig_renewal_contract(r, a, arr, has_arr);
    sig_onboarding_compute(r, a);
    if ((rc = sig_usage_compute(r, a, seats)) ||
        (rc = sig_support_compute(r, a)) || (rc = sig_feedback_compute(r, a)))
        return rc;
    sig_sponsor_compute(r, a);
    if ((rc = sig_health_compute(r, a)) || (rc = sig_renewal_risk(r, a)) ||
        (rc = sig_expansion_compute(r, a)))
        return rc;
    return CS_OK;
}

/* Add account i's theme terms to its segment's: seg_terms[k] pools the
 * terms of the segment whose first account is k (segment.c reads it). */
static enum csmap_rc merge_segment_terms(struct sig_run *r, struct sig_set *set,
                                         size_t i)
{
    size_t k;

    for (k = 0; k < i; k++) {
        const char *s1 = set->accounts[k].segment;
        const char *s2 = set->accounts[i].segment;

        if ((!s1 && !s2) || (s1 && s2 && strcmp(s1, s2) == 0))
            break;
    }
    if (k == i) {
        struct sig_terms **nt =
            mem_realloc(r->seg_terms, (i + 1) * sizeof(*nt));

        if (!nt)
            return CS_NOMEM;
        r->seg_terms = nt;
        for (; r->n_seg_terms <= i; r->n_seg_terms++)
            r->seg_terms[r->n_seg_terms] = NULL;
        if (!(r->seg_terms[i] = sig_terms_new()))
            return CS_NOMEM;
    }
    return sig_terms_merge(r->seg_terms[k], r->terms);
}

static enum csmap_rc read_account(struct sig_run *r, sqlite3_stmt *q,
                                  struct sig_account *a, int *seats,
                                  double *arr, bool *has_arr)
{
    bool nomem = false;

    memset(a, 0, sizeof(*a));
    a->rowid = sqlite3_column_int64(q, 0);
    a->account_id = column_str(r, q, 1, &nomem);
    a->name = column_str(r, q, 2, &nomem);
    a->segment = column_str(r, q, 3, &nomem);
    a->plan = column_str(r, q, 4, &nomem);
    *seats = (int)sqlite3_column_int64(q, 5);
    if (*seats < 0)
        *seats = 0;
    *has_arr = sqlite3_column_type(q, 6) != SQLITE_NULL;
    *arr = sqlite3_column_double(q, 6);
    a->owner = column_str(r, q, 7, &nomem);
    a->signup_date = (int32_t)sqlite3_column_int64(q, 8);
    if (!a->account_id)
        a->account_id = "";
    if (!a->name)
        a->name = "";
    a->segment = segment_of(r, a);
    return nomem ? CS_NOMEM : CS_OK;
}

/* "(none)", the name segment figures give them, selects the accounts
 * without a segment. */
static bool wanted(const struct sig_account *a, const char *segment)
{
    if (!segment)
        return true;
    if (!a->segment)
        return strcmp(segment, "(none)") == 0;
    return strcmp(a->segment, segment) == 0;
}

static enum csmap_rc compute_accounts(struct sig_run *r, sqlite3_stmt *q,
                                      const char *segment, struct sig_set *set)
{
    size_t cap = 0;
    int step;
    enum csmap_rc rc = CS_OK;

    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct sig_account a;
        int seats;
        double arr;
        bool has_arr;

        if ((rc = read_account(r, q, &a, &seats, &arr, &has_arr)))
            return rc;
        if (!wanted(&a, segment))
            continue;
        if (grow((void **)&set->accounts, &cap, set->n_accounts + 1, sizeof(a)))
            return CS_NOMEM;
        sig_terms_reset(r->terms);
        if ((rc = compute_account(r, &a, seats, arr, has_arr)))
            return rc;
        set->accounts[set->n_accounts++] = a;
        if ((rc = merge_segment_terms(r, set, set->n_accounts - 1)))
            return rc;
    }
    if (step != SQLITE_DONE)
        return store_error(r->st, "cannot read accounts");
    return CS_OK;
}

/* Resolve an account given by id or by an external id ("zendesk:3601"). */
static enum csmap_rc find_account(struct sig_run *r, const char *account_id,
                                  int64_t *rowid)
{
    sqlite3_stmt *q = NULL;
    enum csmap_rc rc = CS_NOTFOUND;
    int32_t signup = 0;

    if (prepare(r, &q,
                "SELECT id, signup_date FROM account WHERE account_id = ?1 "
                "UNION ALL SELECT a.id, a.signup_date FROM account_ext e "
                "JOIN account a ON a.id = e.account WHERE e.ext = ?1 "
                "LIMIT 1"))
        return CS_STORE;
    sqlite3_bind_text(q, 1, account_id, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        *rowid = sqlite3_column_int64(q, 0);
        signup = (int32_t)sqlite3_column_int64(q, 1);
        rc = CS_OK;
    }
    sqlite3_finalize(q);
    if (rc) {
        if (!r->quiet)
            log_error("unknown account '%s'", account_id);
    } else if (signup > r->as_of && r->quiet) {
        rc = CS_NOTFOUND;
    } else if (signup > r->as_of) {
        char d1[11], d2[11];

        date_format(signup, d1);
        date_format(r->as_of, d2);
        log_error("account '%s' signs up on %s, after the as-of date %s",
                  account_id, d1, d2);
        rc = CS_NOTFOUND;
    }
    return rc;
}

#define ACCOUNT_COLUMNS                                                        \
    "SELECT id, account_id, name, segment, plan, seats, arr, owner, "          \
    "signup_date FROM account "

/* One account is read by its row id, so no other account row is read. */
static enum csmap_rc select_accounts(struct sig_run *r, const char *account_id,
                                     sqlite3_stmt **q)
{
    int64_t rowid = 0;
    enum csmap_rc rc;

    if (account_id && (rc = find_account(r, account_id, &rowid)))
        return rc;
    if (account_id)
        rc = prepare(r, q,
                     ACCOUNT_COLUMNS "WHERE id = ?2 AND signup_date <= ?1");
    else
        rc = prepare(r, q,
                     ACCOUNT_COLUMNS
                     "WHERE signup_date <= ?1 ORDER BY account_id");
    if (rc)
        return rc;
    sqlite3_bind_int64(*q, 1, r->as_of);
    if (account_id)
        sqlite3_bind_int64(*q, 2, rowid);
    return CS_OK;
}

static enum csmap_rc run_init(struct sig_run *r, struct store *st,
                              const struct config *cfg, int32_t as_of,
                              struct sig_arena *ar)
{
    enum csmap_rc rc;

    memset(r, 0, sizeof(*r));
    r->st = st;
    r->cfg = cfg;
    r->as_of = as_of;
    r->arena = ar;
    if (!(r->tok = sig_text_tokenizer()) || !(r->terms = sig_terms_new()))
        return CS_NOMEM;
    if ((rc = load_event_classes(r)) || (rc = prepare_all(r)))
        return rc;
    return CS_OK;
}

enum csmap_rc sig_compute(struct store *st, const struct config *cfg,
                          int32_t as_of, const char *account_id,
                          const char *segment, struct sig_set **out)
{
    return sig_compute_run(st, cfg, as_of, account_id, segment, false, out);
}

static enum csmap_rc keep_filters(struct sig_set *set, const char *account_id,
                                  const char *segment)
{
    if (account_id &&
        !(set->account_filter = sig_arena_strdup(set->arena, account_id)))
        return CS_NOMEM;
    if (segment &&
        !(set->segment_filter = sig_arena_strdup(set->arena, segment)))
        return CS_NOMEM;
    return CS_OK;
}

enum csmap_rc sig_compute_run(struct store *st, const struct config *cfg,
                              int32_t as_of, const char *account_id,
                              const char *segment, bool quiet,
                              struct sig_set **out)
{
    struct sig_run r;
    struct sig_set *set = NULL;
    sqlite3_stmt *q = NULL;
    enum csmap_rc rc;

    memset(&r, 0, sizeof(r));
    *out = NULL;
    if (!(set = mem_calloc(1, sizeof(*set))) ||
        !(set->arena = sig_arena_new())) {
        rc = CS_NOMEM;
        goto out;
    }
    set->as_of = as_of;
    set->cfg = cfg;
    if ((rc = keep_filters(set, account_id, segment)) ||
        (rc = run_init(&r, st, cfg, as_of, set->arena)))
        goto out;
    r.quiet = quiet;
    rc = select_accounts(&r, account_id, &q);
    if (rc == CS_NOTFOUND && quiet) {
        rc = CS_OK;
        *out = set;
        set = NULL;
        goto out;
    }
    if (rc || (rc = compute_accounts(&r, q, segment, set)))
        goto out;
    if (segment && set->n_accounts == 0 && !quiet) {
        char d[11];

        date_format(as_of, d);
        log_error("no account in segment '%s' as of %s", segment, d);
        rc = CS_NOTFOUND;
        goto out;
    }
    if ((rc = sig_segments_compute(&r, set)))
        goto out;
    *out = set;
    set = NULL;

out:
    sqlite3_finalize(q);
    run_release(&r);
    if (rc == CS_NOMEM)
        log_error("out of memory computing signals");
    sig_set_free(set);
    return rc;
}

void sig_set_free(struct sig_set *set)
{
    if (!set)
        return;
    mem_free(set->accounts);
    mem_free(set->segments);
    mem_free(set->alerts);
    sig_arena_free(set->arena);
    mem_free(set);
}
