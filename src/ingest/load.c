/*
 * The loader: writes checked rows into the store.  Accounts, external ids,
 * event names and users are held in hash maps for the file; events are
 * batched, sorted by key and merged per (account, day, event, user) cell
 * so SQLite's B-trees are written in order.
 */
#include "internal.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "csmap/date.h"
#include "csmap/hash.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/store.h"

#define EVENT_BATCH 131072

/*
 * A Bloom filter of the event keys in the store, when it holds at most
 * BLOOM_MAX_KEYS at the start of a file: a key the filter has never seen
 * is new for certain, and needs no lookup in event_seen.
 */
#define BLOOM_BITS ((size_t)1 << 25)
#define BLOOM_MAX_KEYS 4000000

enum stmt_id {
    S_ACC_UPSERT,
    S_EXT_CLEAR,
    S_EXT_PUT,
    S_CON_EXISTS,
    S_CON_UPSERT,
    S_TK_EXISTS,
    S_TK_UPSERT,
    S_CT_EXISTS,
    S_CT_UPSERT,
    S_FB_INSERT,
    S_NAME_INSERT,
    S_USER_INSERT,
    S_SEEN_SET,
    S_DAY_ADD,
    S_DAY_SUB,
    S_DAY_DEL,
    S_SEEN_FIND,
    S_SEEN_MANY,
    S_DAY_MANY, /* GROUP rows each, built */
    S_COUNT,
};

/* Events and cells are written GROUP at a time, one statement for each
 * group, which saves SQLite's per-statement work. */
#define GROUP 64

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
    [S_NAME_INSERT] = "INSERT INTO event_name(name) VALUES (?1)",
    [S_USER_INSERT] = "INSERT INTO app_user(account, user_id) VALUES (?1, ?2)",
    [S_SEEN_SET] = "UPDATE event_seen SET account = ?2, day = ?3, event = ?4,"
                   " user = ?5 WHERE key = ?1",
    [S_DAY_ADD] =
        "INSERT INTO event_day(account, day, event, user, n)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(account, day, event, user)"
        " DO UPDATE SET n = n + excluded.n",
    [S_DAY_SUB] =
        "UPDATE event_day SET n = n + ?5 WHERE account = ?1 AND day = ?2"
        " AND event = ?3 AND user = ?4",
    [S_DAY_DEL] = "DELETE FROM event_day WHERE account = ?1 AND day = ?2"
                  " AND event = ?3 AND user = ?4 AND n <= 0",
};

/* An event waiting in the batch: its key and its cell. */
struct pending_event {
    uint64_t key;
    bool by_message;
    int32_t day;
    int64_t account, event, user;
};

/* A change to one event_day cell. */
struct cell_delta {
    int64_t account;
    int32_t day;
    int32_t delta;
    int64_t event, user;
};

struct loader {
    struct store *st;
    sqlite3 *db;
    enum ingest_kind kind;
    struct ingest_stats *stats;
    sqlite3_stmt *stmt[S_COUNT];
    struct strmap accounts; /* account_id -> row id */
    struct strmap ext;      /* system:id -> row id */
    struct strmap names;    /* event name -> id */
    struct strmap users;    /* account row id (8 bytes) + user_id -> id */
    struct pending_event *batch;
    size_t n_batch;
    struct cell_delta *deltas;
    size_t n_deltas;
    struct sort_item *order, *order_tmp; /* 2 * EVENT_BATCH each */
    uint64_t *bloom; /* BLOOM_BITS bits, or NULL when not in use */
    struct cell_delta cells[GROUP]; /* growing cells waiting for a write */
    size_t n_cells;
    struct buf key; /* scratch for user keys */
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

/* Write head, then GROUP copies of row separated by commas, then tail. */
static enum csmap_rc group_sql(struct buf *b, const char *head, const char *row,
                               const char *tail)
{
    enum csmap_rc rc;

    buf_reset(b);
    if ((rc = buf_adds(b, head)))
        return rc;
    for (int k = 0; k < GROUP; k++)
        if ((k && (rc = buf_addc(b, ','))) || (rc = buf_adds(b, row)))
            return rc;
    return buf_adds(b, tail);
}

static enum csmap_rc prepare_groups(struct loader *ld)
{
    struct buf b = BUF_INIT;
    enum csmap_rc rc;

    if ((rc = group_sql(&b,
                        "SELECT key, account, day, event, user FROM"
                        " event_seen WHERE key IN (",
                        "?", ")")) ||
        (rc = prepare_sql(ld, S_SEEN_FIND, buf_str(&b))) ||
        (rc = group_sql(&b,
                        "INSERT OR IGNORE INTO event_seen(key, account,"
                        " day, event, user) VALUES ",
                        "(?,?,?,?,?)", "")) ||
        (rc = prepare_sql(ld, S_SEEN_MANY, buf_str(&b))) ||
        (rc = group_sql(&b,
                        "INSERT INTO event_day(account, day, event,"
                        " user, n) VALUES ",
                        "(?,?,?,?,?)",
                        " ON CONFLICT(account, day, event, user) DO UPDATE"
                        " SET n = n + excluded.n")) ||
        (rc = prepare_sql(ld, S_DAY_MANY, buf_str(&b))))
        goto out;
out:
    if (rc == CS_NOMEM || rc == CS_TOOBIG)
        log_error("out of memory");
    buf_release(&b);
    return rc;
}

/* Fill map from a query whose rows are (text key, integer value), or for
 * users (account, user_id, id). */
static enum csmap_rc load_map(struct loader *ld, struct strmap *map,
                              const char *sql, bool users)
{
    sqlite3_stmt *q = NULL;
    enum csmap_rc rc = CS_OK;
    int step;

    if (sqlite3_prepare_v2(ld->db, sql, -1, &q, NULL) != SQLITE_OK)
        return db_error(ld, "cannot read the store");
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        if (users) {
            int64_t account = sqlite3_column_int64(q, 0);
            buf_reset(&ld->key);
            if ((rc = buf_add(&ld->key, &account, sizeof(account))) ||
                (rc = buf_add(&ld->key, sqlite3_column_text(q, 1),
                              (size_t)sqlite3_column_bytes(q, 1))) ||
                (rc = strmap_put(map, ld->key.data, ld->key.len,
                                 sqlite3_column_int64(q, 2))))
                goto out;
        } else if ((rc = strmap_put(map, sqlite3_column_text(q, 0),
                                    (size_t)sqlite3_column_bytes(q, 0),
                                    sqlite3_column_int64(q, 1)))) {
            goto out;
        }
    }
    if (step != SQLITE_DONE)
        rc = db_error(ld, "cannot read the store");
out:
    if (rc == CS_NOMEM)
        log_error("out of memory");
    sqlite3_finalize(q);
    return rc;
}

/* Three bit positions from one key, which is already a good hash. */
static void bloom_bits(uint64_t key, size_t bit[3])
{
    uint64_t k2 = key * UINT64_C(0x9e3779b97f4a7c15);

    bit[0] = (size_t)(key & (BLOOM_BITS - 1));
    bit[1] = (size_t)((key >> 32) & (BLOOM_BITS - 1));
    bit[2] = (size_t)((k2 >> 20) & (BLOOM_BITS - 1));
}

static void bloom_add(uint64_t *bloom, uint64_t key)
{
    size_t bit[3];

    bloom_bits(key, bit);
    for (int i = 0; i < 3; i++)
        bloom[bit[i] / 64] |= UINT64_C(1) << (bit[i] % 64);
}

static bool bloom_may_have(const uint64_t *bloom, uint64_t key)
{
    size_t bit[3];

    bloom_bits(key, bit);
    for (int i = 0; i < 3; i++)
        if (!(bloom[bit[i] / 64] & (UINT64_C(1) << (bit[i] % 64))))
            return false;
    return true;
}

/* Fill the filter from event_seen; no filter for a large store. */
static enum csmap_rc load_bloom(struct loader *ld)
{
    sqlite3_stmt *q = NULL;
    size_t n = 0;
    int step;

    if (sqlite3_prepare_v2(ld->db, "SELECT key FROM event_seen", -1, &q,
                           NULL) != SQLITE_OK)
        return db_error(ld, "cannot read the store");
    ld->bloom = mem_calloc(BLOOM_BITS / 64, sizeof(uint64_t));
    while (ld->bloom && (step = sqlite3_step(q)) == SQLITE_ROW) {
        if (++n > BLOOM_MAX_KEYS) {
            mem_free(ld->bloom);
            ld->bloom = NULL;
            break;
        }
        bloom_add(ld->bloom, (uint64_t)sqlite3_column_int64(q, 0));
    }
    sqlite3_finalize(q);
    return CS_OK;
}

static enum csmap_rc load_maps(struct loader *ld)
{
    enum csmap_rc rc;

    if ((rc = load_map(ld, &ld->accounts, "SELECT account_id, id FROM account",
                       false)) ||
        (rc = load_map(ld, &ld->ext, "SELECT ext, account FROM account_ext",
                       false)))
        return rc;
    if (ld->kind != INGEST_EVENTS)
        return CS_OK;
    if ((rc = load_map(ld, &ld->names, "SELECT name, id FROM event_name",
                       false)) ||
        (rc = load_map(ld, &ld->users,
                       "SELECT account, user_id, id FROM app_user", true)) ||
        (rc = load_bloom(ld)))
        return rc;
    ld->batch = mem_alloc(EVENT_BATCH * sizeof(*ld->batch));
    ld->deltas = mem_alloc(2 * EVENT_BATCH * sizeof(*ld->deltas));
    ld->order = mem_alloc(2 * EVENT_BATCH * sizeof(*ld->order));
    ld->order_tmp = mem_alloc(2 * EVENT_BATCH * sizeof(*ld->order));
    if (!ld->batch || !ld->deltas || !ld->order || !ld->order_tmp) {
        log_error("out of memory");
        return CS_NOMEM;
    }
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
    buf_init(&ld->key, INGEST_MAX_RECORD + 16);
    strmap_init(&ld->accounts);
    strmap_init(&ld->ext);
    strmap_init(&ld->names);
    strmap_init(&ld->users);
    for (int i = 0; i < S_SEEN_FIND; i++)
        if ((rc = prepare_sql(ld, (enum stmt_id)i, stmt_sql[i])))
            goto out;
    if ((kind == INGEST_EVENTS && (rc = prepare_groups(ld))) ||
        (rc = load_maps(ld)))
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
    strmap_release(&ld->names);
    strmap_release(&ld->users);
    buf_release(&ld->key);
    mem_free(ld->batch);
    mem_free(ld->deltas);
    mem_free(ld->order);
    mem_free(ld->order_tmp);
    mem_free(ld->bloom);
    mem_free(ld);
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

/* Step a statement that returns no row (or ignore its row); reset it. */
static enum csmap_rc run(struct loader *ld, sqlite3_stmt *s)
{
    int step = sqlite3_step(s);

    sqlite3_reset(s);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        return db_error(ld, "cannot write to the store");
    return CS_OK;
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
                              const struct row_val *v)
{
    sqlite3_stmt *put = ld->stmt[S_EXT_PUT];
    enum csmap_rc rc;
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
        enum csmap_rc rc = load_ext(ld, id, &v[F_ACC_EXT]);
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

/* The id of an event name, added to the store when new. */
static enum csmap_rc intern_name(struct loader *ld, const struct row_val *v,
                                 int64_t *id)
{
    sqlite3_stmt *s = ld->stmt[S_NAME_INSERT];
    enum csmap_rc rc;

    if (strmap_get(&ld->names, v->p, v->n, id))
        return CS_OK;
    bind_text(s, 1, v);
    if ((rc = run(ld, s)))
        return rc;
    *id = sqlite3_last_insert_rowid(ld->db);
    return strmap_put(&ld->names, v->p, v->n, *id);
}

static enum csmap_rc intern_user(struct loader *ld, int64_t account,
                                 const struct row_val *v, int64_t *id)
{
    sqlite3_stmt *s = ld->stmt[S_USER_INSERT];
    enum csmap_rc rc;

    buf_reset(&ld->key);
    if ((rc = buf_add(&ld->key, &account, sizeof(account))) ||
        (rc = buf_add(&ld->key, v->p, v->n)))
        return rc;
    if (strmap_get(&ld->users, ld->key.data, ld->key.len, id))
        return CS_OK;
    sqlite3_bind_int64(s, 1, account);
    bind_text(s, 2, v);
    if ((rc = run(ld, s)))
        return rc;
    *id = sqlite3_last_insert_rowid(ld->db);
    return strmap_put(&ld->users, ld->key.data, ld->key.len, *id);
}

static enum csmap_rc flush_events(struct loader *ld);

/*
 * Timestamps are kept in whole seconds, but the instant that keys an event
 * keeps its fraction, so two clicks in one second stay two events.  The
 * fraction's digits, without trailing zeros, join the key.
 */
static uint64_t hash_fraction(uint64_t h, const struct row_val *ts)
{
    size_t i = 19, j;

    if (ts->n <= i || (ts->p[i] != '.' && ts->p[i] != ','))
        return h;
    j = ++i;
    while (j < ts->n && ts->p[j] >= '0' && ts->p[j] <= '9')
        j++;
    while (j > i && ts->p[j - 1] == '0')
        j--;
    return j > i ? hash64(ts->p + i, j - i, h) : h;
}

static enum csmap_rc load_event(struct loader *ld, const struct row *row)
{
    const struct row_val *v = row->v;
    struct pending_event *e;
    enum csmap_rc rc;

    if (ld->n_batch == EVENT_BATCH && (rc = flush_events(ld)))
        return rc;
    e = &ld->batch[ld->n_batch];
    e->account = v[F_EV_ACCOUNT].i;
    e->day = date_of_ts(v[F_EV_TS].i);
    if ((rc = intern_name(ld, &v[F_EV_EVENT], &e->event)) ||
        (rc = intern_user(ld, e->account, &v[F_EV_USER], &e->user)))
        return rc;
    e->by_message = v[F_EV_MSG].set;
    if (e->by_message) {
        e->key = hash64(v[F_EV_MSG].p, v[F_EV_MSG].n, 0x6d657373616765);
    } else {
        uint64_t h = hash64(&e->account, 8, 0x696e7374616e74);
        h = hash64(v[F_EV_USER].p, v[F_EV_USER].n, h);
        h = hash64(v[F_EV_EVENT].p, v[F_EV_EVENT].n, h);
        h = hash_fraction(h, &v[F_EV_TS]);
        e->key = hash64(&v[F_EV_TS].i, 8, h);
    }
    ld->n_batch++;
    return CS_OK;
}

static int cmp_cell(const void *a, const void *b)
{
    const struct cell_delta *x = a, *y = b;

    if (x->account != y->account)
        return x->account < y->account ? -1 : 1;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->event != y->event)
        return x->event < y->event ? -1 : 1;
    return x->user < y->user ? -1 : x->user > y->user;
}

static void add_delta(struct loader *ld, int64_t account, int32_t day,
                      int64_t event, int64_t user, int32_t delta)
{
    struct cell_delta *d = &ld->deltas[ld->n_deltas++];

    d->account = account;
    d->day = day;
    d->event = event;
    d->user = user;
    d->delta = delta;
}

static void bind_cell(sqlite3_stmt *s, const struct cell_delta *d)
{
    sqlite3_bind_int64(s, 1, d->account);
    sqlite3_bind_int(s, 2, d->day);
    sqlite3_bind_int64(s, 3, d->event);
    sqlite3_bind_int64(s, 4, d->user);
    if (sqlite3_bind_parameter_count(s) >= 5)
        sqlite3_bind_int(s, 5, d->delta);
}

/* What event_seen holds for a key of the batch. */
struct seen_old {
    bool found;
    bool known; /* the cell is kept (message-keyed events) */
    int32_t day;
    int64_t account, event, user;
};

/* The index of key in the group's sorted keys, or n. */
static size_t find_key(const struct sort_item *g, size_t n, uint64_t key)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && g[lo].key == key ? lo : n;
}

/* Look up in event_seen, with one statement, the group's keys that the
 * store may hold. */
static enum csmap_rc find_group(struct loader *ld, const struct sort_item *g,
                                size_t n, struct seen_old *old)
{
    sqlite3_stmt *s = ld->stmt[S_SEEN_FIND];
    uint64_t maybe[GROUP];
    size_t n_maybe = 0;
    int step;

    memset(old, 0, n * sizeof(*old));
    for (size_t k = 0; k < n; k++)
        if (!ld->bloom || bloom_may_have(ld->bloom, g[k].key))
            maybe[n_maybe++] = g[k].key;
    if (!n_maybe)
        return CS_OK;
    for (size_t k = 0; k < GROUP; k++)
        sqlite3_bind_int64(s, (int)k + 1, (int64_t)maybe[k < n_maybe ? k : 0]);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        size_t at = find_key(g, n, (uint64_t)sqlite3_column_int64(s, 0));
        if (at == n)
            continue;
        old[at].found = true;
        old[at].known = sqlite3_column_type(s, 1) != SQLITE_NULL;
        old[at].account = sqlite3_column_int64(s, 1);
        old[at].day = sqlite3_column_int(s, 2);
        old[at].event = sqlite3_column_int64(s, 3);
        old[at].user = sqlite3_column_int64(s, 4);
    }
    sqlite3_reset(s);
    if (step != SQLITE_DONE)
        return db_error(ld, "cannot read the store");
    return CS_OK;
}

/* A message-keyed event seen before: move its count when its cell moved. */
static enum csmap_rc move_event(struct loader *ld,
                                const struct pending_event *e,
                                const struct seen_old *old)
{
    sqlite3_stmt *set = ld->stmt[S_SEEN_SET];

    if (!e->by_message || !old->known ||
        (old->account == e->account && old->day == e->day &&
         old->event == e->event && old->user == e->user))
        return CS_OK;
    add_delta(ld, old->account, old->day, old->event, old->user, -1);
    add_delta(ld, e->account, e->day, e->event, e->user, 1);
    sqlite3_bind_int64(set, 1, (int64_t)e->key);
    sqlite3_bind_int64(set, 2, e->account);
    sqlite3_bind_int(set, 3, e->day);
    sqlite3_bind_int64(set, 4, e->event);
    sqlite3_bind_int64(set, 5, e->user);
    return run(ld, set);
}

/* Insert new events with one statement; unused rows repeat the first,
 * which the insert then ignores. */
static enum csmap_rc insert_group(struct loader *ld,
                                  const struct pending_event *const *fresh,
                                  size_t n)
{
    sqlite3_stmt *s = ld->stmt[S_SEEN_MANY];

    for (size_t k = 0; k < GROUP; k++) {
        const struct pending_event *e = fresh[k < n ? k : 0];
        int at = 5 * (int)k;
        sqlite3_bind_int64(s, at + 1, (int64_t)e->key);
        if (e->by_message) {
            sqlite3_bind_int64(s, at + 2, e->account);
            sqlite3_bind_int(s, at + 3, e->day);
            sqlite3_bind_int64(s, at + 4, e->event);
            sqlite3_bind_int64(s, at + 5, e->user);
        } else {
            for (int c = 2; c <= 5; c++)
                sqlite3_bind_null(s, at + c);
        }
    }
    return run(ld, s);
}

/*
 * Record a group of distinct keys (g[k].idx the last event with the key,
 * g[k].aux how many the batch had): new ones are inserted and counted as
 * loaded, known ones as replaced, and moved when their cell changed.
 */
static enum csmap_rc seen_group(struct loader *ld, const struct sort_item *g,
                                size_t n)
{
    struct seen_old old[GROUP];
    const struct pending_event *fresh[GROUP];
    size_t n_fresh = 0;
    enum csmap_rc rc;

    if ((rc = find_group(ld, g, n, old)))
        return rc;
    for (size_t k = 0; k < n; k++) {
        const struct pending_event *e = &ld->batch[g[k].idx];
        size_t run_len = (size_t)g[k].aux;
        if (old[k].found) {
            ld->stats->replaced += run_len;
            if ((rc = move_event(ld, e, &old[k])))
                return rc;
            continue;
        }
        ld->stats->loaded++;
        ld->stats->replaced += run_len - 1;
        add_delta(ld, e->account, e->day, e->event, e->user, 1);
        if (ld->bloom)
            bloom_add(ld->bloom, e->key);
        fresh[n_fresh++] = e;
    }
    return n_fresh ? insert_group(ld, fresh, n_fresh) : CS_OK;
}

static unsigned bits_for(uint64_t v)
{
    unsigned b = 0;

    while (v) {
        b++;
        v >>= 1;
    }
    return b;
}

/* How a cell is packed into a 64-bit sort key: field widths in bits. */
struct packing {
    unsigned bd, be, bu;
    int32_t min_day;
};

/* Choose a packing for the batch's cells; false when they do not fit. */
static bool choose_packing(const struct loader *ld, struct packing *pk)
{
    int64_t max_a = 0, max_e = 0, max_u = 0;
    int32_t min_d = INT32_MAX, max_d = INT32_MIN;

    for (size_t i = 0; i < ld->n_deltas; i++) {
        const struct cell_delta *d = &ld->deltas[i];
        max_a = d->account > max_a ? d->account : max_a;
        max_e = d->event > max_e ? d->event : max_e;
        max_u = d->user > max_u ? d->user : max_u;
        min_d = d->day < min_d ? d->day : min_d;
        max_d = d->day > max_d ? d->day : max_d;
    }
    pk->bd = bits_for((uint64_t)((int64_t)max_d - min_d));
    pk->be = bits_for((uint64_t)max_e);
    pk->bu = bits_for((uint64_t)max_u);
    pk->min_day = min_d;
    return bits_for((uint64_t)max_a) + pk->bd + pk->be + pk->bu <= 64;
}

static uint64_t pack(const struct packing *pk, const struct cell_delta *d)
{
    uint64_t k = (uint64_t)d->account;

    k = (pk->bd >= 64 ? 0 : k << pk->bd) |
        (uint64_t)((int64_t)d->day - pk->min_day);
    k = (pk->be >= 64 ? 0 : k << pk->be) | (uint64_t)d->event;
    return (pk->bu >= 64 ? 0 : k << pk->bu) | (uint64_t)d->user;
}

static uint64_t low_bits(uint64_t k, unsigned b)
{
    return b >= 64 ? k : k & ((UINT64_C(1) << b) - 1);
}

static uint64_t shift_down(uint64_t k, unsigned b)
{
    return b >= 64 ? 0 : k >> b;
}

static void unpack(const struct packing *pk, uint64_t k, struct cell_delta *d)
{
    d->user = (int64_t)low_bits(k, pk->bu);
    k = shift_down(k, pk->bu);
    d->event = (int64_t)low_bits(k, pk->be);
    k = shift_down(k, pk->be);
    d->day = (int32_t)((int64_t)low_bits(k, pk->bd) + pk->min_day);
    d->account = (int64_t)shift_down(k, pk->bd);
}

static enum csmap_rc apply_delta(struct loader *ld, const struct cell_delta *d)
{
    enum csmap_rc rc;

    if (d->delta > 0) {
        bind_cell(ld->stmt[S_DAY_ADD], d);
        return run(ld, ld->stmt[S_DAY_ADD]);
    }
    if (d->delta == 0)
        return CS_OK;
    bind_cell(ld->stmt[S_DAY_SUB], d);
    if ((rc = run(ld, ld->stmt[S_DAY_SUB])))
        return rc;
    bind_cell(ld->stmt[S_DAY_DEL], d);
    return run(ld, ld->stmt[S_DAY_DEL]);
}

/* Write the cells waiting in ld->cells with one statement; unused rows
 * repeat the first with n = 0, which adds nothing. */
static enum csmap_rc flush_cells(struct loader *ld)
{
    sqlite3_stmt *s = ld->stmt[S_DAY_MANY];

    if (!ld->n_cells)
        return CS_OK;
    for (size_t k = 0; k < GROUP; k++) {
        const struct cell_delta *d = &ld->cells[k < ld->n_cells ? k : 0];
        int at = 5 * (int)k;
        sqlite3_bind_int64(s, at + 1, d->account);
        sqlite3_bind_int(s, at + 2, d->day);
        sqlite3_bind_int64(s, at + 3, d->event);
        sqlite3_bind_int64(s, at + 4, d->user);
        sqlite3_bind_int(s, at + 5, k < ld->n_cells ? d->delta : 0);
    }
    ld->n_cells = 0;
    return run(ld, s);
}

/* Queue a cell whose count grows. */
static enum csmap_rc add_cell(struct loader *ld, const struct cell_delta *d)
{
    ld->cells[ld->n_cells++] = *d;
    return ld->n_cells == GROUP ? flush_cells(ld) : CS_OK;
}

/* Apply the deltas sorted in place, merging equal cells. */
static enum csmap_rc apply_sorted(struct loader *ld)
{
    enum csmap_rc rc;
    size_t i = 0;

    qsort(ld->deltas, ld->n_deltas, sizeof(*ld->deltas), cmp_cell);
    while (i < ld->n_deltas) {
        struct cell_delta d = ld->deltas[i++];
        while (i < ld->n_deltas && cmp_cell(&d, &ld->deltas[i]) == 0)
            d.delta += ld->deltas[i++].delta;
        if ((rc = apply_delta(ld, &d)))
            return rc;
    }
    return CS_OK;
}

/* Apply the merged cell deltas in primary key order: a radix sort of the
 * cells packed into 64 bits, which are unpacked again to be written, so
 * the deltas are read in order and never looked up at random. */
static enum csmap_rc apply_deltas(struct loader *ld)
{
    struct sort_item *o = ld->order;
    struct packing pk;
    enum csmap_rc rc;
    size_t i = 0;

    if (!choose_packing(ld, &pk)) {
        rc = apply_sorted(ld);
        ld->n_deltas = 0;
        return rc;
    }
    for (size_t k = 0; k < ld->n_deltas; k++) {
        o[k].key = pack(&pk, &ld->deltas[k]);
        o[k].aux = ld->deltas[k].delta;
    }
    ingest_radix_sort(o, ld->order_tmp, ld->n_deltas);
    while (i < ld->n_deltas) {
        struct cell_delta d;
        uint64_t key = o[i].key;
        d.delta = 0;
        while (i < ld->n_deltas && o[i].key == key)
            d.delta += o[i++].aux;
        unpack(&pk, key, &d);
        if ((rc = d.delta > 0 ? add_cell(ld, &d) : apply_delta(ld, &d)))
            return rc;
    }
    ld->n_deltas = 0;
    return flush_cells(ld);
}

/* Keep one entry per key in ld->order, for the last event with it, with
 * the number of events that had the key in aux; returns their count. */
static size_t unique_keys(struct loader *ld)
{
    struct sort_item *o = ld->order;
    size_t n = 0, i = 0;

    while (i < ld->n_batch) {
        size_t j = i + 1;
        while (j < ld->n_batch && o[j].key == o[i].key)
            j++;
        o[n] = o[j - 1];
        o[n++].aux = (int32_t)(j - i);
        i = j;
    }
    return n;
}

static enum csmap_rc flush_events(struct loader *ld)
{
    struct sort_item *o = ld->order;
    enum csmap_rc rc;
    size_t n;

    for (size_t k = 0; k < ld->n_batch; k++) {
        o[k].key = ld->batch[k].key;
        o[k].idx = (uint32_t)k;
    }
    ingest_radix_sort(o, ld->order_tmp, ld->n_batch);
    n = unique_keys(ld);
    ld->n_deltas = 0;
    for (size_t i = 0; i < n; i += GROUP) {
        size_t len = n - i < GROUP ? n - i : GROUP;
        for (size_t k = i + GROUP; k < i + 2 * GROUP && k < n; k++)
            __builtin_prefetch(&ld->batch[o[k].idx]);
        if ((rc = seen_group(ld, o + i, len)))
            return rc;
    }
    ld->n_batch = 0;
    return apply_deltas(ld);
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
        rc = load_event(ld, row);
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
    if (ld->kind == INGEST_EVENTS && ld->n_batch > 0)
        return flush_events(ld);
    return CS_OK;
}
