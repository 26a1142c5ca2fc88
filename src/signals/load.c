/* Reading the store for signals: event classes and each account's rows. */
#include "internal.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/regex.h"
#include "csmap/store.h"

/* ---- event classes: every distinct name matched once per run ---- */

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

static enum csmap_rc alloc_event_tables(struct sig_run *r, int64_t max_id)
{
    size_t n_steps = r->cfg->onboarding.n_steps;

    if (max_id < 0 || max_id > UINT32_MAX - 1) {
        log_error("%s: event name ids out of range", store_path(r->st));
        return CS_STORE;
    }
    r->n_ev = (size_t)max_id + 1;
    r->ev = mem_calloc(r->n_ev, sizeof(*r->ev));
    r->ev_step = mem_calloc(r->n_ev * (n_steps ? n_steps : 1), 1);
    r->first_day = mem_alloc(r->n_ev * sizeof(*r->first_day));
    r->seen = mem_alloc(r->n_ev * sizeof(*r->seen));
    r->touched = mem_alloc(r->n_ev * sizeof(*r->touched));
    if (!r->ev || !r->ev_step || !r->first_day || !r->seen || !r->touched)
        return CS_NOMEM;
    for (size_t i = 0; i < r->n_ev; i++)
        r->first_day[i] = DATE_NONE;
    return CS_OK;
}

enum csmap_rc sig_load_event_classes(struct sig_run *r)
{
    sqlite3 *db = store_db(r->st);
    sqlite3_stmt *q = NULL;
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
    if (rc || (rc = alloc_event_tables(r, max_id)))
        return rc;

    if (sqlite3_prepare_v2(db, "SELECT id, name FROM event_name", -1, &q,
                           NULL) != SQLITE_OK)
        return store_error(r->st, "cannot read event names");
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        const char *name = (const char *)sqlite3_column_text(q, 1);
        char *copy;

        if (id < 0 || (size_t)id >= r->n_ev || !name)
            continue;
        if (!(copy = sig_arena_strdup(r->names, name))) {
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

/* ---- the statements ---- */

static enum csmap_rc prepare(struct sig_run *r, sqlite3_stmt **q,
                             const char *sql)
{
    if (sqlite3_prepare_v2(store_db(r->st), sql, -1, q, NULL) != SQLITE_OK)
        return store_error(r->st, "cannot prepare a signal query");
    return CS_OK;
}

/* ---- event rows, gathered by aggregate functions ---- */

/*
 * An account's event rows are most of what signals read.  They are
 * gathered by two aggregate functions, so that SQLite runs a whole scan
 * in one sqlite3_step() instead of coming back to C for each row, which
 * costs a quarter of the time per row.  The functions are registered on
 * the store's connection for the run only; the run is their user data.
 */
#define FN_OLD "csmap_sig_old_events"
#define FN_ROWS "csmap_sig_event_rows"

/* A row function's failure stops the scan; the loader reports it. */
static void sink_fail(sqlite3_context *ctx, struct sig_run *r)
{
    r->sink_rc = CS_NOMEM;
    sqlite3_result_error_nomem(ctx);
}

/* An event of day d (signup clamped in) is first seen or seen earlier. */
static void first_seen(struct sig_run *r, uint32_t e, int32_t d)
{
    if (r->first_day[e] == DATE_NONE)
        r->seen[r->n_seen++] = e;
    else if (r->first_day[e] <= d)
        return;
    r->first_day[e] = d;
}

/* A row before full_from: only the first days and the last core day. */
static void old_event_step(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
    struct sig_run *r = sqlite3_user_data(ctx);
    int64_t e = sqlite3_value_int64(v[1]);
    int32_t d = (int32_t)sqlite3_value_int64(v[0]);

    (void)argc;
    if (e < 0 || (size_t)e >= r->n_ev)
        return;
    if (d < r->signup)
        d = r->signup;
    first_seen(r, (uint32_t)e, d);
    if (r->ev[e].core &&
        (r->old_last_core == DATE_NONE || d > r->old_last_core))
        r->old_last_core = d;
}

/* A row from full_from on: kept whole. */
static void event_row_step(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
    struct sig_run *r = sqlite3_user_data(ctx);
    int64_t e = sqlite3_value_int64(v[1]);
    struct sig_event_row *row;

    (void)argc;
    if (e < 0 || (size_t)e >= r->n_ev)
        return;
    if (r->n_rows == r->cap_rows && sig_grow((void **)&r->rows, &r->cap_rows,
                                             r->n_rows + 1, sizeof(*r->rows))) {
        sink_fail(ctx, r);
        return;
    }
    row = &r->rows[r->n_rows++];
    row->day = (int32_t)sqlite3_value_int64(v[0]);
    if (row->day < r->signup) /* keeps the order: max() is monotonic */
        row->day = r->signup;
    row->event = (uint32_t)e;
    row->user = sqlite3_value_int64(v[2]);
    row->n = sqlite3_value_int64(v[3]);
    if (r->n_rows > 1 && row->day < row[-1].day)
        r->rows_unsorted = true;
}

static void sink_final(sqlite3_context *ctx)
{
    sqlite3_result_null(ctx);
}

static enum csmap_rc register_functions(struct sig_run *r)
{
    sqlite3 *db = store_db(r->st);
    int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY;

    if (sqlite3_create_function(db, FN_OLD, 2, flags, r, NULL, old_event_step,
                                sink_final) != SQLITE_OK ||
        sqlite3_create_function(db, FN_ROWS, 4, flags, r, NULL, event_row_step,
                                sink_final) != SQLITE_OK)
        return store_error(r->st, "cannot prepare a signal query");
    return CS_OK;
}

static void unregister_functions(struct sig_run *r)
{
    sqlite3 *db = r->st ? store_db(r->st) : NULL;

    if (!db)
        return;
    sqlite3_create_function(db, FN_OLD, 2, SQLITE_UTF8, NULL, NULL, NULL, NULL);
    sqlite3_create_function(db, FN_ROWS, 4, SQLITE_UTF8, NULL, NULL, NULL,
                            NULL);
}

/*
 * Each query orders its rows by the column that the as-of date filters
 * on, so that the rows of an earlier date are a prefix.  The event rows
 * come in event_day's primary key order (account, day, ...), which the
 * loader checks.
 */
enum csmap_rc sig_load_prepare(struct sig_run *r)
{
    enum csmap_rc rc;

    r->functions = true;
    if ((rc = register_functions(r)) ||
        (rc = prepare(r, &r->q_old_events,
                      "SELECT " FN_OLD "(day, event) FROM event_day "
                      "WHERE account = ?1 AND day < ?2")) ||
        (rc = prepare(r, &r->q_events,
                      "SELECT " FN_ROWS "(day, event, user, n) "
                      "FROM event_day "
                      "WHERE account = ?1 AND day >= ?2 AND day <= ?3")) ||
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

void sig_load_release(struct sig_run *r)
{
    sqlite3_finalize(r->q_old_events);
    sqlite3_finalize(r->q_events);
    sqlite3_finalize(r->q_tickets);
    sqlite3_finalize(r->q_feedback);
    sqlite3_finalize(r->q_contacts);
    sqlite3_finalize(r->q_contracts);
    if (r->functions)
        unregister_functions(r);
    mem_free(r->ev);
    mem_free(r->ev_step);
    mem_free(r->rows);
    mem_free(r->tickets);
    mem_free(r->fb);
    mem_free(r->contacts);
    mem_free(r->contracts);
    mem_free(r->text);
    sig_phrases_release(&r->phrases);
    mem_free(r->first_day);
    mem_free(r->seen);
    mem_free(r->touched);
}

/* ---- one account's rows ---- */

static void bind_account(struct sig_run *r, sqlite3_stmt *q, int64_t id)
{
    int n = sqlite3_bind_parameter_count(q);

    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, id);
    if (n >= 2)
        sqlite3_bind_int64(q, 2, r->load_as_of);
    if (n >= 3)
        sqlite3_bind_int64(q, 3, ((int64_t)r->load_as_of + 1) * 86400);
}

static int cmp_row_day(const void *a, const void *b)
{
    const struct sig_event_row *x = a, *y = b;

    return (x->day > y->day) - (x->day < y->day);
}

/* Run one scan of a row function; its rows went into the run. */
static enum csmap_rc run_scan(struct sig_run *r, sqlite3_stmt *q)
{
    int step = sqlite3_step(q);

    while (step == SQLITE_ROW)
        step = sqlite3_step(q);
    sqlite3_reset(q);
    if (r->sink_rc)
        return r->sink_rc;
    if (step != SQLITE_DONE)
        return store_error(r->st, "cannot read events");
    return CS_OK;
}

/*
 * The rows before full_from give the first days and the last core day;
 * the rest are kept, by day.  An account that signs up on or after
 * full_from has all its rows kept, as a row before signup counts on
 * signup_date.
 */
static enum csmap_rc load_events(struct sig_run *r, int64_t id, int32_t signup)
{
    int32_t split = signup < r->full_from ? r->full_from : INT32_MIN;
    enum csmap_rc rc;

    for (size_t i = 0; i < r->n_seen; i++)
        r->first_day[r->seen[i]] = DATE_NONE;
    r->n_seen = 0;
    r->n_rows = 0;
    r->old_last_core = DATE_NONE;
    r->rows_unsorted = false;
    r->signup = signup;
    if (split != INT32_MIN) {
        sqlite3_reset(r->q_old_events);
        sqlite3_bind_int64(r->q_old_events, 1, id);
        sqlite3_bind_int64(r->q_old_events, 2, split);
        if ((rc = run_scan(r, r->q_old_events)))
            return rc;
    }
    sqlite3_reset(r->q_events);
    sqlite3_bind_int64(r->q_events, 1, id);
    sqlite3_bind_int64(r->q_events, 2, split);
    sqlite3_bind_int64(r->q_events, 3, r->load_as_of);
    if ((rc = run_scan(r, r->q_events)))
        return rc;
    if (r->rows_unsorted)
        qsort(r->rows, r->n_rows, sizeof(*r->rows), cmp_row_day);
    for (size_t i = 0; i < r->n_rows; i++)
        first_seen(r, r->rows[i].event, r->rows[i].day);
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
    if (sig_grow((void **)&r->text, &r->text_cap, r->text_len + n + 1, 1))
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

        if (sig_grow((void **)&r->tickets, &r->cap_tickets, r->n_tickets + 1,
                     sizeof(*r->tickets)))
            return CS_NOMEM;
        t = &r->tickets[r->n_tickets++];
        memset(t, 0, sizeof(*t));
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

        if (sig_grow((void **)&r->fb, &r->cap_fb, r->n_fb + 1, sizeof(*r->fb)))
            return CS_NOMEM;
        f = &r->fb[r->n_fb++];
        memset(f, 0, sizeof(*f));
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
        size_t len;
        bool has;

        if (sig_grow((void **)&r->contacts, &r->cap_contacts, r->n_contacts + 1,
                     sizeof(*r->contacts)))
            return CS_NOMEM;
        c = &r->contacts[r->n_contacts++];
        c->sponsor = sqlite3_column_int(q, 3) != 0;
        c->first_seen = (int32_t)sqlite3_column_int64(q, 4);
        c->left_at = sqlite3_column_type(q, 5) == SQLITE_NULL
                         ? DATE_NONE
                         : (int32_t)sqlite3_column_int64(q, 5);
        if (add_text(r, contact_label(q), NULL, &c->name, &len, &has))
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

        if (sig_grow((void **)&r->contracts, &r->cap_contracts,
                     r->n_contracts + 1, sizeof(*r->contracts)))
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

enum csmap_rc sig_load_account(struct sig_run *r, int64_t id, int32_t signup)
{
    enum csmap_rc rc;

    r->text_len = 0;
    r->phrases.n = 0;
    r->phrases.len = 0;
    if ((rc = load_events(r, id, signup)) || (rc = load_tickets(r, id)) ||
        (rc = load_feedback(r, id)) || (rc = load_contacts(r, id)) ||
        (rc = load_contracts(r, id)))
        return rc;
    r->loaded.rows = r->n_rows;
    r->loaded.tickets = r->n_tickets;
    r->loaded.fb = r->n_fb;
    r->loaded.contacts = r->n_contacts;
    r->loaded.contracts = r->n_contracts;
    return CS_OK;
}

/* ---- the view of one date ---- */

void sig_load_view(struct sig_run *r, struct sig_date *d)
{
    int32_t day = d->as_of;
    int64_t ticket_end = ((int64_t)day + 1) * 86400;
    const struct sig_loaded *l = &r->loaded;

    r->date = d;
    r->as_of = day;
    r->arena = d->set->arena;
    r->n_rows = l->rows;
    while (r->n_rows > 0 && r->rows[r->n_rows - 1].day > day)
        r->n_rows--;
    r->n_tickets = l->tickets;
    while (r->n_tickets > 0 &&
           r->tickets[r->n_tickets - 1].created_at >= ticket_end)
        r->n_tickets--;
    r->n_fb = l->fb;
    while (r->n_fb > 0 && r->fb[r->n_fb - 1].date > day)
        r->n_fb--;
    r->n_contacts = l->contacts;
    while (r->n_contacts > 0 && r->contacts[r->n_contacts - 1].first_seen > day)
        r->n_contacts--;
    r->n_contracts = l->contracts;
    while (r->n_contracts > 0 && r->contracts[r->n_contracts - 1].start > day)
        r->n_contracts--;

    r->n_touched = 0;
    for (size_t i = 0; i < r->n_seen; i++)
        if (r->first_day[r->seen[i]] <= day)
            r->touched[r->n_touched++] = r->seen[i];
}

enum csmap_rc sig_load_text_info(struct sig_run *r, size_t text, size_t len,
                                 struct sig_text_info *info)
{
    size_t first = r->phrases.n;

    if (info->done)
        return CS_OK;
    if (sig_text_analyse(r->tok, r->text + text, len, &r->phrases,
                         &info->sentiment))
        return CS_NOMEM;
    info->phrase = first;
    info->n_phrases = r->phrases.n - first;
    info->done = true;
    return CS_OK;
}
