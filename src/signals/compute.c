/* sig_compute: reads each account's rows once and runs every stage at
 * each as-of date asked for. */
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
 * The quick way of sig_round: s = x * 10^decimals is within half an ulp of
 * the exact product, so when s is farther than that from a half, the
 * exact product rounds to the same integer k as s, and k / 10^decimals
 * (both exact, the division correctly rounded) is the double nearest the
 * printed decimal, which is what strtod gives.  False when s is too near
 * a half to tell, or too large.
 */
static bool round_quick(double x, int decimals, double *out)
{
    static const double scale[] = {1, 10, 100, 1000};
    double s, k, half_gap;

    if (decimals < 0 || decimals > 3 || !(fabs(x) < 1e9))
        return false;
    s = x * scale[decimals];
    k = floor(s);
    half_gap = fabs(s - k - 0.5);
    if (half_gap <= fabs(s) * 0x1p-51 + 0x1p-52)
        return false;
    if (s - k > 0.5)
        k += 1;
    *out = k / scale[decimals];
    if (*out == 0)
        *out = 0; /* no negative zero */
    return true;
}

/*
 * Round as printf's "%.*f" does: to the nearest on the exact binary value,
 * a true tie to even.  Scaling by 100 and calling round() would round
 * twice (0.355 is stored as 0.35499..., but 0.355 * 100 is exactly 35.5).
 */
double sig_round(double x, int decimals)
{
    char buf[64];
    double r;

    if (round_quick(x, decimals, &r))
        return r;
    if (!isfinite(x) || fabs(x) >= 1e15)
        return x;
    snprintf(buf, sizeof(buf), "%.*f", decimals, x);
    r = strtod(buf, NULL);
    return r == 0 ? 0 : r; /* no negative zero */
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* ---- distinct values: open addressing with generations ---- */

enum csmap_rc sig_distinct_clear(struct sig_distinct *d, size_t n)
{
    size_t cap = 64;
    int shift = 64 - 6;

    while (cap < 2 * n || cap < d->cap) {
        cap *= 2;
        shift--;
    }
    if (cap != d->cap) {
        int64_t *keys = mem_alloc(cap * sizeof(*keys));
        uint32_t *gen = mem_calloc(cap, sizeof(*gen));

        if (!keys || !gen) {
            mem_free(keys);
            mem_free(gen);
            return CS_NOMEM;
        }
        sig_distinct_release(d);
        d->keys = keys;
        d->gen = gen;
        d->cap = cap;
        d->shift = shift;
    } else if (d->cur == UINT32_MAX) {
        memset(d->gen, 0, cap * sizeof(*d->gen));
        d->cur = 0;
    }
    d->cur++;
    d->n = 0;
    return CS_OK;
}

void sig_distinct_add(struct sig_distinct *d, int64_t v)
{
    size_t mask = d->cap - 1;
    size_t i =
        (size_t)(((uint64_t)v * UINT64_C(0x9E3779B97F4A7C15)) >> d->shift);

    while (d->gen[i] == d->cur) {
        if (d->keys[i] == v)
            return;
        i = (i + 1) & mask;
    }
    d->gen[i] = d->cur;
    d->keys[i] = v;
    d->n++;
}

void sig_distinct_release(struct sig_distinct *d)
{
    mem_free(d->keys);
    mem_free(d->gen);
    memset(d, 0, sizeof(*d));
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

enum csmap_rc sig_grow(void **p, size_t *cap, size_t need, size_t size)
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

#define ACCOUNT_COLUMNS                                                        \
    "SELECT id, account_id, name, segment, plan, seats, arr, owner, "          \
    "signup_date FROM account "

/* The column of the configured segment field ("segment", "plan", "owner"). */
static int segment_column(const struct sig_run *r)
{
    const char *field = r->cfg->segment_field;

    if (field && strcmp(field, "plan") == 0)
        return 4;
    if (field && strcmp(field, "owner") == 0)
        return 7;
    return 3;
}

/* "(none)", the name segment figures give them, selects the accounts
 * without a segment. */
static bool wanted(const struct sig_run *r, sqlite3_stmt *q,
                   const char *segment)
{
    const char *s = (const char *)sqlite3_column_text(q, segment_column(r));

    if (!segment)
        return true;
    if (!s || !*s)
        return strcmp(segment, "(none)") == 0;
    return strcmp(s, segment) == 0;
}

static enum csmap_rc read_account(struct sig_run *r, sqlite3_stmt *q,
                                  struct sig_account *a, int *seats,
                                  double *arr, bool *has_arr)
{
    bool nomem = false;
    int seg = segment_column(r);

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
    if (seg == 4)
        a->segment = a->plan;
    else if (seg == 7)
        a->segment = a->owner;
    return nomem ? CS_NOMEM : CS_OK;
}

/* Every stage, in order, on the rows of the date being computed. */
static enum csmap_rc compute_stages(struct sig_run *r, struct sig_account *a,
                                    int seats, double arr, bool has_arr)
{
    enum csmap_rc rc;

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

/* Add account i's theme terms to its segment's in d->seg_terms. */
static enum csmap_rc merge_segment_terms(struct sig_run *r, struct sig_date *d,
                                         size_t i)
{
    const struct sig_set *set = d->set;
    size_t k;

    for (k = 0; k < i; k++) {
        const char *s1 = set->accounts[k].segment;
        const char *s2 = set->accounts[i].segment;

        if ((!s1 && !s2) || (s1 && s2 && strcmp(s1, s2) == 0))
            break;
    }
    if (k == i) {
        struct sig_terms **nt =
            mem_realloc(d->seg_terms, (i + 1) * sizeof(*nt));

        if (!nt)
            return CS_NOMEM;
        d->seg_terms = nt;
        for (; d->n_seg_terms <= i; d->n_seg_terms++)
            d->seg_terms[d->n_seg_terms] = NULL;
        if (!(d->seg_terms[i] = sig_terms_new()))
            return CS_NOMEM;
    }
    return sig_terms_merge(d->seg_terms[k], r->terms);
}

/* The account on q's current row, as of date d, from the loaded rows. */
static enum csmap_rc compute_at(struct sig_run *r, sqlite3_stmt *q,
                                struct sig_date *d)
{
    struct sig_set *set = d->set;
    struct sig_account a;
    int seats;
    double arr;
    bool has_arr;
    enum csmap_rc rc;

    sig_load_view(r, d);
    if ((rc = read_account(r, q, &a, &seats, &arr, &has_arr)))
        return rc;
    if (sig_grow((void **)&set->accounts, &d->cap_accounts, set->n_accounts + 1,
                 sizeof(a)))
        return CS_NOMEM;
    sig_terms_reset(r->terms);
    if ((rc = compute_stages(r, &a, seats, arr, has_arr)))
        return rc;
    set->accounts[set->n_accounts++] = a;
    return merge_segment_terms(r, d, set->n_accounts - 1);
}

/* Each selected account's rows are read once, for every date. */
static enum csmap_rc compute_accounts(struct sig_run *r, sqlite3_stmt *q,
                                      const char *segment)
{
    int step;
    enum csmap_rc rc = CS_OK;

    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int32_t signup = (int32_t)sqlite3_column_int64(q, 8);

        if (!wanted(r, q, segment))
            continue;
        if ((rc = sig_load_account(r, sqlite3_column_int64(q, 0), signup)))
            return rc;
        for (size_t k = 0; k < r->n_dates; k++)
            if (signup <= r->dates[k].as_of &&
                (rc = compute_at(r, q, &r->dates[k])))
                return rc;
    }
    if (step != SQLITE_DONE)
        return store_error(r->st, "cannot read accounts");
    return CS_OK;
}

static enum csmap_rc prepare(struct sig_run *r, sqlite3_stmt **q,
                             const char *sql)
{
    if (sqlite3_prepare_v2(store_db(r->st), sql, -1, q, NULL) != SQLITE_OK)
        return store_error(r->st, "cannot prepare a signal query");
    return CS_OK;
}

/* An account that signs up after the first date is reported there (unless
 * quiet); at the other dates it is simply not listed. */
static enum csmap_rc check_signup(const struct sig_run *r,
                                  const char *account_id, int32_t signup)
{
    char d1[11], d2[11];

    if (r->quiet || signup <= r->dates[0].as_of)
        return CS_OK;
    date_format(signup, d1);
    date_format(r->dates[0].as_of, d2);
    log_error("account '%s' signs up on %s, after the as-of date %s",
              account_id, d1, d2);
    return CS_NOTFOUND;
}

/* Resolve an account given by id or by an external id ("zendesk:3601"). */
static enum csmap_rc find_account(struct sig_run *r, const char *account_id,
                                  int64_t *rowid)
{
    sqlite3_stmt *q = NULL;
    enum csmap_rc rc = CS_NOTFOUND;
    int32_t signup = 0;
    int step;

    if (prepare(r, &q,
                "SELECT id, signup_date FROM account WHERE account_id = ?1 "
                "UNION ALL SELECT a.id, a.signup_date FROM account_ext e "
                "JOIN account a ON a.id = e.account WHERE e.ext = ?1 "
                "LIMIT 1"))
        return CS_STORE;
    sqlite3_bind_text(q, 1, account_id, -1, SQLITE_STATIC);
    step = sqlite3_step(q);
    if (step == SQLITE_ROW) {
        *rowid = sqlite3_column_int64(q, 0);
        signup = (int32_t)sqlite3_column_int64(q, 1);
        rc = CS_OK;
    } else if (step != SQLITE_DONE) {
        /* a failed step is not an unknown account */
        rc = store_error(r->st, "cannot look up an account");
    }
    sqlite3_finalize(q);
    if (rc == CS_NOTFOUND && !r->quiet)
        log_error("unknown account '%s'", account_id);
    if (rc)
        return rc;
    return check_signup(r, account_id, signup);
}

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
    sqlite3_bind_int64(*q, 1, r->load_as_of);
    if (account_id)
        sqlite3_bind_int64(*q, 2, rowid);
    return CS_OK;
}

/* ---- the run ---- */

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

/* An empty set for each date; rows are read as of the latest, and in
 * full from the earliest one's usage windows on. */
static enum csmap_rc dates_init(struct sig_run *r, const struct config *cfg,
                                const int32_t *dates, size_t n,
                                const char *account_id, const char *segment)
{
    enum csmap_rc rc;

    if (!(r->dates = mem_calloc(n, sizeof(*r->dates))))
        return CS_NOMEM;
    r->n_dates = n;
    r->load_as_of = dates[0];
    r->full_from = dates[0];
    for (size_t k = 0; k < n; k++) {
        struct sig_date *d = &r->dates[k];

        d->as_of = dates[k];
        if (dates[k] > r->load_as_of)
            r->load_as_of = dates[k];
        if (dates[k] < r->full_from)
            r->full_from = dates[k];
        if (!(d->set = mem_calloc(1, sizeof(*d->set))) ||
            !(d->set->arena = sig_arena_new()))
            return CS_NOMEM;
        d->set->as_of = dates[k];
        d->set->cfg = cfg;
        if ((rc = keep_filters(d->set, account_id, segment)))
            return rc;
    }
    r->full_from -= SIG_USAGE_DAYS - 1;
    return CS_OK;
}

static enum csmap_rc run_init(struct sig_run *r, struct store *st,
                              const struct config *cfg, bool quiet)
{
    memset(r, 0, sizeof(*r));
    r->st = st;
    r->cfg = cfg;
    r->quiet = quiet;
    if (!(r->names = sig_arena_new()) || !(r->tok = sig_text_tokenizer()) ||
        !(r->terms = sig_terms_new()))
        return CS_NOMEM;
    return CS_OK;
}

static void run_release(struct sig_run *r)
{
    sig_load_release(r);
    sig_distinct_release(&r->distinct);
    sig_terms_free(r->terms);
    regex_free(r->tok);
    sig_arena_free(r->names);
    for (size_t k = 0; k < r->n_dates; k++) {
        struct sig_date *d = &r->dates[k];

        for (size_t i = 0; i < d->n_seg_terms; i++)
            sig_terms_free(d->seg_terms[i]);
        mem_free(d->seg_terms);
        sig_set_free(d->set);
    }
    mem_free(r->dates);
}

/* The first date's segment must have an account unless quiet. */
static enum csmap_rc check_segment(const struct sig_run *r, const char *segment)
{
    char d[11];

    if (!segment || r->quiet || r->dates[0].set->n_accounts > 0)
        return CS_OK;
    date_format(r->dates[0].as_of, d);
    log_error("no account in segment '%s' as of %s", segment, d);
    return CS_NOTFOUND;
}

static enum csmap_rc compute_segments(struct sig_run *r)
{
    enum csmap_rc rc;

    for (size_t k = 0; k < r->n_dates; k++) {
        r->date = &r->dates[k];
        r->as_of = r->date->as_of;
        r->arena = r->date->set->arena;
        if ((rc = sig_segments_compute(r, r->date->set)))
            return rc;
    }
    return CS_OK;
}

/* Hand the sets over to out[]. */
static void give_sets(struct sig_run *r, struct sig_set **out)
{
    for (size_t k = 0; k < r->n_dates; k++) {
        out[k] = r->dates[k].set;
        r->dates[k].set = NULL;
    }
}

static enum csmap_rc compute_dates(struct store *st, const struct config *cfg,
                                   const int32_t *dates, size_t n,
                                   const char *account_id, const char *segment,
                                   bool quiet, struct sig_set **out)
{
    struct sig_run r;
    sqlite3_stmt *q = NULL;
    enum csmap_rc rc;

    for (size_t k = 0; k < n; k++)
        out[k] = NULL;
    if ((rc = run_init(&r, st, cfg, quiet)) ||
        (rc = dates_init(&r, cfg, dates, n, account_id, segment)) ||
        (rc = sig_load_event_classes(&r)) || (rc = sig_load_prepare(&r)))
        goto out;
    rc = select_accounts(&r, account_id, &q);
    if (rc == CS_NOTFOUND && quiet) {
        rc = CS_OK;
        give_sets(&r, out);
        goto out;
    }
    if (rc || (rc = compute_accounts(&r, q, segment)) ||
        (rc = check_segment(&r, segment)) || (rc = compute_segments(&r)))
        goto out;
    give_sets(&r, out);

out:
    sqlite3_finalize(q);
    run_release(&r);
    if (rc == CS_NOMEM)
        log_error("out of memory computing signals");
    return rc;
}

enum csmap_rc sig_compute_dates(struct store *st, const struct config *cfg,
                                const int32_t *dates, size_t n,
                                const char *account_id, const char *segment,
                                struct sig_set **out)
{
    if (n == 0)
        return CS_OK;
    return compute_dates(st, cfg, dates, n, account_id, segment, false, out);
}

enum csmap_rc sig_compute(struct store *st, const struct config *cfg,
                          int32_t as_of, const char *account_id,
                          const char *segment, struct sig_set **out)
{
    return compute_dates(st, cfg, &as_of, 1, account_id, segment, false, out);
}

enum csmap_rc sig_compute_run(struct store *st, const struct config *cfg,
                              int32_t as_of, const char *account_id,
                              const char *segment, bool quiet,
                              struct sig_set **out)
{
    return compute_dates(st, cfg, &as_of, 1, account_id, segment, quiet, out);
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
