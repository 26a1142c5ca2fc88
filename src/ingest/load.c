/*
 * The loader: writes checked rows into the store.  Accounts and external
 * ids are held in hash maps for the file; events go to events.c.
 */
#include "internal.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "csmap/hash.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/store.h"

enum stmt_id {
    S_ACC_UPSERT,
    S_EXT_CLEAR,
    S_EXT_PUT,
    S_CON_EXISTS,
    S_CON_UPSERT,
    S_TK_EXISTS,
    S_TK_UPSERT,
    S_TK_DELETE,
    S_CT_EXISTS,
    S_CT_UPSERT,
    S_FB_INSERT,
    S_COUNT,
};

static const char *const stmt_sql[S_COUNT] = {
    [S_ACC_UPSERT] =
        "INSERT INTO account(account_id, name, segment, plan, seats, arr,"
        " owner, signup_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        " ON CONFLICT(account_id) DO UPDATE SET name = excluded.name,"
        " segment = excluded.segment, plan = excluded.plan,"
        " seats = excluded.seats, arr = excluded.arr,"
        " owner = excluded.owner, signup_date = excluded.signup_date"
        " RETURNING id",
    [S_EXT_CLEAR] = "DELETE FROM account_ext WHERE account = ?1",
    [S_EXT_PUT] = "INSERT INTO account_ext(ext, account) VALUES (?1, ?2)"
                  " ON CONFLICT(ext) DO UPDATE SET account = excluded.account",
    [S_CON_EXISTS] = "SELECT 1 FROM contact WHERE contact_id = ?1",
    [S_CON_UPSERT] =
        "INSERT INTO contact(contact_id, account, name, email, role,"
        " is_sponsor, first_seen, left_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        " ON CONFLICT(contact_id) DO UPDATE SET account = excluded.account,"
        " name = excluded.name, email = excluded.email, role = excluded.role,"
        " is_sponsor = excluded.is_sponsor,"
        " first_seen = excluded.first_seen, left_at = excluded.left_at",
    [S_TK_EXISTS] = "SELECT 1 FROM ticket WHERE ticket_id = ?1",
    [S_TK_UPSERT] =
        "INSERT INTO ticket(ticket_id, account, created_at, resolved_at,"
        " priority, status, subject, description, tags)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        " ON CONFLICT(ticket_id) DO UPDATE SET account = excluded.account,"
        " created_at = excluded.created_at,"
        " resolved_at = excluded.resolved_at, priority = excluded.priority,"
        " status = excluded.status, subject = excluded.subject,"
        " description = excluded.description, tags = excluded.tags",
    [S_TK_DELETE] = "DELETE FROM ticket WHERE ticket_id = ?1",
    [S_CT_EXISTS] =
        "SELECT 1 FROM contract WHERE account = ?1 AND start_date = ?2",
    [S_CT_UPSERT] =
        "INSERT INTO contract(account, start_date, end_date, contract_id,"
        " arr, seats, plan) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        " ON CONFLICT(account, start_date) DO UPDATE SET"
        " end_date = excluded.end_date, contract_id = excluded.contract_id,"
        " arr = excluded.arr, seats = excluded.seats, plan = excluded.plan",
    [S_FB_INSERT] =
        "INSERT OR IGNORE INTO feedback(key, account, date, kind, score,"
        " text, contact_email) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
};

struct loader {
    struct store *st;
    const char *file; /* the input, for messages */
    sqlite3 *db;
    enum ingest_kind kind;
    struct ingest_stats *stats;
    sqlite3_stmt *stmt[S_COUNT];
    struct strmap accounts;     /* account_id -> row id */
    struct strmap ext;          /* system:id -> row id */
    struct event_batch *events; /* for events */
};

static enum csmap_rc db_error(struct loader *ld, const char *what)
{
    return store_error(ld->st, what);
}

static enum csmap_rc prepare_sql(struct loader *ld, enum stmt_id id,
                                 const char *sql)
{
    if (sqlite3_prepare_v3(ld->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                           &ld->stmt[id], NULL) != SQLITE_OK)
        return db_error(ld, "cannot prepare a statement");
    return CS_OK;
}

enum csmap_rc ingest_load_map(struct store *st, struct strmap *map,
                              const char *sql, bool users)
{
    sqlite3_stmt *q = NULL;
    struct buf key = BUF_INIT;
    enum csmap_rc rc = CS_OK;
    int step;

    if (sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL) != SQLITE_OK)
        return store_error(st, "cannot read the store");
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        const void *text = sqlite3_column_text(q, users ? 1 : 0);
        size_t n = (size_t)sqlite3_column_bytes(q, users ? 1 : 0);
        int64_t account = sqlite3_column_int64(q, 0);
        buf_reset(&key);
        if ((users && (rc = buf_add(&key, &account, sizeof(account)))) ||
            (rc = buf_add(&key, text, n)) ||
            (rc = strmap_put(map, key.data, key.len,
                             sqlite3_column_int64(q, users ? 2 : 1))))
            goto out;
    }
    if (step != SQLITE_DONE)
        rc = store_error(st, "cannot read the store");
out:
    if (rc == CS_NOMEM || rc == CS_TOOBIG)
        log_error("out of memory");
    buf_release(&key);
    sqlite3_finalize(q);
    return rc;
}

enum csmap_rc ingest_step(struct store *st, struct sqlite3_stmt *s)
{
    int step = sqlite3_step(s);

    sqlite3_reset(s);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        return store_error(st, "cannot write to the store");
    return CS_OK;
}

enum csmap_rc loader_open(struct store *st, enum ingest_kind kind,
                          struct ingest_stats *stats, struct loader **out)
{
    struct loader *ld = mem_calloc(1, sizeof(*ld));
    enum csmap_rc rc;

    *out = NULL;
    if (!ld) {
        log_error("out of memory");
        return CS_NOMEM;
    }
    ld->st = st;
    ld->db = store_db(st);
    ld->kind = kind;
    ld->stats = stats;
    strmap_init(&ld->accounts);
    strmap_init(&ld->ext);
    for (int i = 0; i < S_COUNT; i++)
        if ((rc = prepare_sql(ld, (enum stmt_id)i, stmt_sql[i])))
            goto out;
    if ((rc = ingest_load_map(st, &ld->accounts,
                              "SELECT account_id, id FROM account", false)) ||
        (rc = ingest_load_map(st, &ld->ext,
                              "SELECT ext, account FROM account_ext", false)) ||
        (kind == INGEST_EVENTS && (rc = events_open(st, stats, &ld->events))))
        goto out;
    *out = ld;
    return CS_OK;
out:
    loader_free(ld);
    return rc;
}

void loader_free(struct loader *ld)
{
    if (!ld)
        return;
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(ld->stmt[i]);
    strmap_release(&ld->accounts);
    strmap_release(&ld->ext);
    events_free(ld->events);
    mem_free(ld);
}

bool loader_ext(const struct loader *ld, const char *p, size_t n, int64_t *id)
{
    return strmap_get(&ld->ext, p, n, id);
}

bool loader_account(const struct loader *ld, const char *p, size_t n,
                    int64_t *id)
{
    return strmap_get(&ld->accounts, p, n, id) ||
           strmap_get(&ld->ext, p, n, id);
}

/* Bind a row value as text, or NULL when it was not given. */
static void bind_text(sqlite3_stmt *s, int idx, const struct row_val *v)
{
    if (v->set)
        sqlite3_bind_text(s, idx, v->p, (int)v->n, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, idx);
}

static void bind_int(sqlite3_stmt *s, int idx, const struct row_val *v)
{
    if (v->set)
        sqlite3_bind_int64(s, idx, v->i);
    else
        sqlite3_bind_null(s, idx);
}

static void bind_real(sqlite3_stmt *s, int idx, const struct row_val *v)
{
    if (v->set)
        sqlite3_bind_double(s, idx, v->d);
    else
        sqlite3_bind_null(s, idx);
}

static enum csmap_rc run(struct loader *ld, sqlite3_stmt *s)
{
    return ingest_step(ld->st, s);
}

/* Whether a statement finds a row. */
static enum csmap_rc exists(struct loader *ld, sqlite3_stmt *s, bool *found)
{
    int step = sqlite3_step(s);

    sqlite3_reset(s);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        return db_error(ld, "cannot read the store");
    *found = step == SQLITE_ROW;
    return CS_OK;
}

static void count(struct loader *ld, bool replaced)
{
    if (replaced)
        ld->stats->replaced++;
    else
        ld->stats->loaded++;
}

/* Replace the account's external ids by the row's list. */
static enum csmap_rc load_ext(struct loader *ld, int64_t id,
                              const struct row *row, const struct row_val *v)
{
    sqlite3_stmt *put = ld->stmt[S_EXT_PUT];
    enum csmap_rc rc;
    int64_t was;
    size_t i = 0;

    sqlite3_bind_int64(ld->stmt[S_EXT_CLEAR], 1, id);
    if ((rc = run(ld, ld->stmt[S_EXT_CLEAR])))
        return rc;
    while (i < v->n) {
        size_t start;
        while (i < v->n && v->p[i] == ' ')
            i++;
        start = i;
        while (i < v->n && v->p[i] != ' ')
            i++;
        if (i == start)
            continue;
        if (strmap_get(&ld->ext, v->p + start, i - start, &was) && was != id)
            log_warn("%s:%ld: external_ids: '%.*s' named another account; "
                     "it now names '%.*s'",
                     ld->file ? ld->file : "input", row->line, (int)(i - start),
                     v->p + start, (int)row->v[F_ACC_ID].n, row->v[F_ACC_ID].p);
        sqlite3_bind_text(put, 1, v->p + start, (int)(i - start),
                          SQLITE_STATIC);
        sqlite3_bind_int64(put, 2, id);
        if ((rc = run(ld, put)) ||
            (rc = strmap_put(&ld->ext, v->p + start, i - start, id)))
            return rc;
    }
    return CS_OK;
}

static enum csmap_rc load_account(struct loader *ld, const struct row *row)
{
    sqlite3_stmt *s = ld->stmt[S_ACC_UPSERT];
    const struct row_val *v = row->v;
    int64_t id;
    bool replaced =
        strmap_get(&ld->accounts, v[F_ACC_ID].p, v[F_ACC_ID].n, &id);
    int step;

    bind_text(s, 1, &v[F_ACC_ID]);
    bind_text(s, 2, &v[F_ACC_NAME]);
    bind_text(s, 3, &v[F_ACC_SEGMENT]);
    bind_text(s, 4, &v[F_ACC_PLAN]);
    bind_int(s, 5, &v[F_ACC_SEATS]);
    bind_real(s, 6, &v[F_ACC_ARR]);
    bind_text(s, 7, &v[F_ACC_OWNER]);
    bind_int(s, 8, &v[F_ACC_SIGNUP]);
    step = sqlite3_step(s);
    id = sqlite3_column_int64(s, 0);
    if (step == SQLITE_ROW)
        step = sqlite3_step(s);
    sqlite3_reset(s);
    if (step != SQLITE_DONE)
        return db_error(ld, "cannot write an account");
    if (strmap_put(&ld->accounts, v[F_ACC_ID].p, v[F_ACC_ID].n, id))
        return CS_NOMEM;
    if (v[F_ACC_EXT].set) {
        enum csmap_rc rc = load_ext(ld, id, row, &v[F_ACC_EXT]);
        if (rc)
            return rc;
    }
    count(ld, replaced);
    return CS_OK;
}

static enum csmap_rc load_contact(struct loader *ld, const struct row *row)
{
    sqlite3_stmt *s = ld->stmt[S_CON_UPSERT];
    const struct row_val *v = row->v;
    bool replaced = false;
    enum csmap_rc rc;

    bind_text(ld->stmt[S_CON_EXISTS], 1, &v[F_CON_ID]);
    if ((rc = exists(ld, ld->stmt[S_CON_EXISTS], &replaced)))
        return rc;
    bind_text(s, 1, &v[F_CON_ID]);
    bind_int(s, 2, &v[F_CON_ACCOUNT]);
    bind_text(s, 3, &v[F_CON_NAME]);
    bind_text(s, 4, &v[F_CON_EMAIL]);
    bind_text(s, 5, &v[F_CON_ROLE]);
    sqlite3_bind_int(s, 6, v[F_CON_SPONSOR].set && v[F_CON_SPONSOR].i);
    bind_int(s, 7, &v[F_CON_FIRST]);
    bind_int(s, 8, &v[F_CON_LEFT]);
    if ((rc = run(ld, s)))
        return rc;
    count(ld, replaced);
    return CS_OK;
}

static enum csmap_rc load_ticket(struct loader *ld, const struct row *row)
{
    sqlite3_stmt *s = ld->stmt[S_TK_UPSERT];
    const struct row_val *v = row->v;
    bool replaced = false;
    enum csmap_rc rc;

    bind_text(ld->stmt[S_TK_EXISTS], 1, &v[F_TK_ID]);
    if ((rc = exists(ld, ld->stmt[S_TK_EXISTS], &replaced)))
        return rc;
    bind_text(s, 1, &v[F_TK_ID]);
    bind_int(s, 2, &v[F_TK_ACCOUNT]);
    bind_int(s, 3, &v[F_TK_CREATED]);
    bind_int(s, 4, &v[F_TK_RESOLVED]);
    if (v[F_TK_PRIORITY].set)
        sqlite3_bind_text(s, 5, ingest_priorities[v[F_TK_PRIORITY].i], -1,
                          SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 5);
    bind_text(s, 6, &v[F_TK_STATUS]);
    bind_text(s, 7, &v[F_TK_SUBJECT]);
    bind_text(s, 8, &v[F_TK_DESC]);
    bind_text(s, 9, &v[F_TK_TAGS]);
    if ((rc = run(ld, s)))
        return rc;
    count(ld, replaced);
    return CS_OK;
}

void loader_set_file(struct loader *ld, const char *file)
{
    ld->file = file;
}

enum csmap_rc loader_drop_ticket(struct loader *ld, const struct row_val *id,
                                 bool *found)
{
    enum csmap_rc rc;

    *found = false;
    if (!id->set || !ld->stmt[S_TK_DELETE])
        return CS_OK;
    bind_text(ld->stmt[S_TK_DELETE], 1, id);
    if ((rc = run(ld, ld->stmt[S_TK_DELETE])))
        return rc;
    *found = sqlite3_changes(ld->db) > 0;
    return CS_OK;
}

static enum csmap_rc load_contract(struct loader *ld, const struct row *row)
{
    sqlite3_stmt *s = ld->stmt[S_CT_UPSERT];
    sqlite3_stmt *e = ld->stmt[S_CT_EXISTS];
    const struct row_val *v = row->v;
    bool replaced = false;
    enum csmap_rc rc;

    bind_int(e, 1, &v[F_CT_ACCOUNT]);
    bind_int(e, 2, &v[F_CT_START]);
    if ((rc = exists(ld, e, &replaced)))
        return rc;
    bind_int(s, 1, &v[F_CT_ACCOUNT]);
    bind_int(s, 2, &v[F_CT_START]);
    bind_int(s, 3, &v[F_CT_END]);
    bind_text(s, 4, &v[F_CT_ID]);
    bind_real(s, 5, &v[F_CT_ARR]);
    bind_int(s, 6, &v[F_CT_SEATS]);
    bind_text(s, 7, &v[F_CT_PLAN]);
    if ((rc = run(ld, s)))
        return rc;
    count(ld, replaced);
    return CS_OK;
}

/* Hash a field into h with a marker for absence. */
static uint64_t hash_val(uint64_t h, const struct row_val *v)
{
    return v->set ? hash64(v->p, v->n, h) : hash64("\0absent", 7, h);
}

static enum csmap_rc load_feedback(struct loader *ld, const struct row *row)
{
    sqlite3_stmt *s = ld->stmt[S_FB_INSERT];
    const struct row_val *v = row->v;
    const char *kind = ingest_feedback_kinds[v[F_FB_KIND].i];
    uint64_t h = hash64(&v[F_FB_ACCOUNT].i, 8, 0x66656564);
    double score = v[F_FB_SCORE].d + 0.0;
    enum csmap_rc rc;

    h = hash64(&v[F_FB_DATE].i, 8, h);
    h = hash64(kind, strlen(kind), h);
    h = hash_val(h, &v[F_FB_EMAIL]);
    h = v[F_FB_SCORE].set ? hash64(&score, sizeof(score), h)
                          : hash64("\0absent", 7, h);
    h = hash_val(h, &v[F_FB_TEXT]);
    sqlite3_bind_int64(s, 1, (int64_t)h);
    bind_int(s, 2, &v[F_FB_ACCOUNT]);
    bind_int(s, 3, &v[F_FB_DATE]);
    sqlite3_bind_text(s, 4, kind, -1, SQLITE_STATIC);
    bind_real(s, 5, &v[F_FB_SCORE]);
    bind_text(s, 6, &v[F_FB_TEXT]);
    bind_text(s, 7, &v[F_FB_EMAIL]);
    if ((rc = run(ld, s)))
        return rc;
    count(ld, sqlite3_changes(ld->db) == 0);
    return CS_OK;
}

enum csmap_rc loader_row(struct loader *ld, const struct row *row)
{
    enum csmap_rc rc = CS_ERR;

    switch (ld->kind) {
    case INGEST_ACCOUNTS:
        rc = load_account(ld, row);
        break;
    case INGEST_CONTACTS:
        rc = load_contact(ld, row);
        break;
    case INGEST_EVENTS:
        rc = events_add(ld->events, row);
        break;
    case INGEST_TICKETS:
        rc = load_ticket(ld, row);
        break;
    case INGEST_FEEDBACK:
        rc = load_feedback(ld, row);
        break;
    case INGEST_CONTRACTS:
        rc = load_contract(ld, row);
        break;
    case INGEST_UNKNOWN:
        break;
    }
    if (rc == CS_NOMEM)
        log_error("out of memory");
    return rc;
}

enum csmap_rc loader_finish(struct loader *ld)
{
    return ld->events ? events_finish(ld->events) : CS_OK;
}
