/*
 * Events: each is keyed (by message_id, else by its instant), batched,
 * sorted by key and checked against event_seen a group at a time; the
 * counts per (account, day, event, user) cell are merged and written in
 * primary key order, so SQLite's B-trees are written locally.
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

/* Events and cells are written GROUP at a time, one statement for each
 * group, which saves SQLite's per-statement work. */
#define GROUP 64

enum event_stmt {
    E_NAME_INSERT,
    E_USER_INSERT,
    E_SEEN_SET,
    E_DAY_ADD,
    E_DAY_SUB,
    E_DAY_DEL,
    E_USER_ACCOUNT,
    E_SEEN_FIND, /* GROUP rows each, built by prepare_groups() */
    E_SEEN_MANY,
    E_DAY_MANY,
    E_COUNT,
};

static const char *const event_sql[E_SEEN_FIND] = {
    [E_NAME_INSERT] = "INSERT INTO event_name(name) VALUES (?1)",
    [E_USER_INSERT] = "INSERT INTO app_user(account, user_id) VALUES (?1, ?2)",
    [E_SEEN_SET] = "UPDATE event_seen SET cell = ?2 WHERE key = ?1",
    [E_DAY_ADD] =
        "INSERT INTO event_day(account, day, event, user, n)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(account, day, event, user)"
        " DO UPDATE SET n = n + excluded.n",
    [E_DAY_SUB] =
        "UPDATE event_day SET n = n + ?5 WHERE account = ?1 AND day = ?2"
        " AND event = ?3 AND user = ?4",
    [E_DAY_DEL] = "DELETE FROM event_day WHERE account = ?1 AND day = ?2"
                  " AND event = ?3 AND user = ?4 AND n <= 0",
    [E_USER_ACCOUNT] = "SELECT account FROM app_user WHERE id = ?1",
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

struct event_batch {
    struct store *st;
    sqlite3 *db;
    struct ingest_stats *stats;
    sqlite3_stmt *stmt[E_COUNT];
    struct strmap names; /* event name -> id */
    struct strmap users; /* account row id (8 bytes) + user_id -> id */
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

static enum csmap_rc prepare(struct event_batch *eb, enum event_stmt id,
                             const char *sql)
{
    if (sqlite3_prepare_v3(eb->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                           &eb->stmt[id], NULL) != SQLITE_OK)
        return store_error(eb->st, "cannot prepare a statement");
    return CS_OK;
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
static enum csmap_rc load_bloom(struct event_batch *eb)
{
    sqlite3_stmt *q = NULL;
    size_t n = 0;
    int step;

    if (sqlite3_prepare_v2(eb->db, "SELECT key FROM event_seen", -1, &q,
                           NULL) != SQLITE_OK)
        return store_error(eb->st, "cannot read the store");
    eb->bloom = mem_calloc(BLOOM_BITS / 64, sizeof(uint64_t));
    while (eb->bloom && (step = sqlite3_step(q)) == SQLITE_ROW) {
        if (++n > BLOOM_MAX_KEYS) {
            mem_free(eb->bloom);
            eb->bloom = NULL;
            break;
        }
        bloom_add(eb->bloom, (uint64_t)sqlite3_column_int64(q, 0));
    }
    sqlite3_finalize(q);
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

static enum csmap_rc prepare_groups(struct event_batch *eb)
{
    struct buf b = BUF_INIT;
    enum csmap_rc rc;

    if ((rc = group_sql(&b, "SELECT key, cell FROM event_seen WHERE key IN (",
                        "?", ")")) ||
        (rc = prepare(eb, E_SEEN_FIND, buf_str(&b))) ||
        (rc = group_sql(&b,
                        "INSERT OR IGNORE INTO event_seen(key, cell)"
                        " VALUES ",
                        "(?,?)", "")) ||
        (rc = prepare(eb, E_SEEN_MANY, buf_str(&b))) ||
        (rc = group_sql(&b,
                        "INSERT INTO event_day(account, day, event,"
                        " user, n) VALUES ",
                        "(?,?,?,?,?)",
                        " ON CONFLICT(account, day, event, user) DO UPDATE"
                        " SET n = n + excluded.n")) ||
        (rc = prepare(eb, E_DAY_MANY, buf_str(&b))))
        goto out;
out:
    if (rc == CS_NOMEM || rc == CS_TOOBIG)
        log_error("out of memory");
    buf_release(&b);
    return rc;
}

/* The id of an event name, added to the store when new. */
static enum csmap_rc intern_name(struct event_batch *eb,
                                 const struct row_val *v, int64_t *id)
{
    sqlite3_stmt *s = eb->stmt[E_NAME_INSERT];
    enum csmap_rc rc;

    if (strmap_get(&eb->names, v->p, v->n, id))
        return CS_OK;
    sqlite3_bind_text(s, 1, v->p, (int)v->n, SQLITE_STATIC);
    if ((rc = ingest_step(eb->st, s)))
        return rc;
    *id = sqlite3_last_insert_rowid(eb->db);
    return strmap_put(&eb->names, v->p, v->n, *id);
}

static enum csmap_rc intern_user(struct event_batch *eb, int64_t account,
                                 const struct row_val *v, int64_t *id)
{
    sqlite3_stmt *s = eb->stmt[E_USER_INSERT];
    enum csmap_rc rc;

    buf_reset(&eb->key);
    if ((rc = buf_add(&eb->key, &account, sizeof(account))) ||
        (rc = buf_add(&eb->key, v->p, v->n)))
        return rc;
    if (strmap_get(&eb->users, eb->key.data, eb->key.len, id))
        return CS_OK;
    sqlite3_bind_int64(s, 1, account);
    sqlite3_bind_text(s, 2, v->p, (int)v->n, SQLITE_STATIC);
    if ((rc = ingest_step(eb->st, s)))
        return rc;
    *id = sqlite3_last_insert_rowid(eb->db);
    return strmap_put(&eb->users, eb->key.data, eb->key.len, *id);
}

static enum csmap_rc flush_events(struct event_batch *eb);

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

enum csmap_rc events_add(struct event_batch *eb, const struct row *row)
{
    const struct row_val *v = row->v;
    struct pending_event *e;
    enum csmap_rc rc;

    if (eb->n_batch == EVENT_BATCH && (rc = flush_events(eb)))
        return rc;
    e = &eb->batch[eb->n_batch];
    e->account = v[F_EV_ACCOUNT].i;
    e->day = date_of_ts(v[F_EV_TS].i);
    if ((rc = intern_name(eb, &v[F_EV_EVENT], &e->event)) ||
        (rc = intern_user(eb, e->account, &v[F_EV_USER], &e->user)))
        return rc;
    e->by_message = v[F_EV_MSG].set;
    if (e->by_message) {
        e->key = (uint64_t)store_event_key(
            hash64(v[F_EV_MSG].p, v[F_EV_MSG].n, 0x6d657373616765));
    } else {
        uint64_t h = hash64(&e->account, 8, 0x696e7374616e74);
        h = hash64(v[F_EV_USER].p, v[F_EV_USER].n, h);
        h = hash64(v[F_EV_EVENT].p, v[F_EV_EVENT].n, h);
        h = hash_fraction(h, &v[F_EV_TS]);
        e->key = (uint64_t)store_event_key(hash64(&v[F_EV_TS].i, 8, h));
    }
    eb->n_batch++;
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

static void add_delta(struct event_batch *eb, int64_t account, int32_t day,
                      int64_t event, int64_t user, int32_t delta)
{
    struct cell_delta *d = &eb->deltas[eb->n_deltas++];

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
    int64_t event, user;
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
static enum csmap_rc find_group(struct event_batch *eb,
                                const struct sort_item *g, size_t n,
                                struct seen_old *old)
{
    sqlite3_stmt *s = eb->stmt[E_SEEN_FIND];
    uint64_t maybe[GROUP];
    size_t n_maybe = 0;
    int step;

    memset(old, 0, n * sizeof(*old));
    for (size_t k = 0; k < n; k++)
        if (!eb->bloom || bloom_may_have(eb->bloom, g[k].key))
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
        if (old[at].known)
            store_cell_unpack(sqlite3_column_int64(s, 1), &old[at].user,
                              &old[at].day, &old[at].event);
    }
    sqlite3_reset(s);
    if (step != SQLITE_DONE)
        return store_error(eb->st, "cannot read the store");
    return CS_OK;
}

/* The account of a user id (a user belongs to one account). */
static enum csmap_rc user_account(struct event_batch *eb, int64_t user,
                                  int64_t *account)
{
    sqlite3_stmt *q = eb->stmt[E_USER_ACCOUNT];
    int step;

    sqlite3_bind_int64(q, 1, user);
    step = sqlite3_step(q);
    if (step == SQLITE_ROW)
        *account = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    if (step != SQLITE_ROW)
        return store_error(eb->st, "cannot find the account of a user");
    return CS_OK;
}

/* A message-keyed event seen before: move its count when its cell moved
 * (the user, day or event changed; a user names its account). */
static enum csmap_rc move_event(struct event_batch *eb,
                                const struct pending_event *e,
                                const struct seen_old *old)
{
    sqlite3_stmt *set = eb->stmt[E_SEEN_SET];
    int64_t old_account = 0, cell;
    enum csmap_rc rc;

    if (!e->by_message || !old->known ||
        (old->day == e->day && old->event == e->event && old->user == e->user))
        return CS_OK;
    if ((rc = user_account(eb, old->user, &old_account)))
        return rc;
    add_delta(eb, old_account, old->day, old->event, old->user, -1);
    add_delta(eb, e->account, e->day, e->event, e->user, 1);
    sqlite3_bind_int64(set, 1, (int64_t)e->key);
    if (store_cell_pack(e->user, e->day, e->event, &cell))
        sqlite3_bind_int64(set, 2, cell);
    else
        sqlite3_bind_null(set, 2);
    return ingest_step(eb->st, set);
}

/* Insert new events with one statement; unused rows repeat the first,
 * which the insert then ignores. */
static enum csmap_rc insert_group(struct event_batch *eb,
                                  const struct pending_event *const *fresh,
                                  size_t n)
{
    sqlite3_stmt *s = eb->stmt[E_SEEN_MANY];

    for (size_t k = 0; k < GROUP; k++) {
        const struct pending_event *e = fresh[k < n ? k : 0];
        int at = 2 * (int)k;
        int64_t cell;

        sqlite3_bind_int64(s, at + 1, (int64_t)e->key);
        if (e->by_message && store_cell_pack(e->user, e->day, e->event, &cell))
            sqlite3_bind_int64(s, at + 2, cell);
        else
            sqlite3_bind_null(s, at + 2);
    }
    return ingest_step(eb->st, s);
}

/*
 * Record a group of distinct keys (g[k].idx the last event with the key,
 * g[k].aux how many the batch had): new ones are inserted and counted as
 * loaded, known ones as replaced, and moved when their cell changed.
 */
static enum csmap_rc seen_group(struct event_batch *eb,
                                const struct sort_item *g, size_t n)
{
    struct seen_old old[GROUP];
    const struct pending_event *fresh[GROUP];
    size_t n_fresh = 0;
    enum csmap_rc rc;

    if ((rc = find_group(eb, g, n, old)))
        return rc;
    for (size_t k = 0; k < n; k++) {
        const struct pending_event *e = &eb->batch[g[k].idx];
        size_t run_len = (size_t)g[k].aux;
        if (old[k].found) {
            eb->stats->replaced += run_len;
            if ((rc = move_event(eb, e, &old[k])))
                return rc;
            continue;
        }
        eb->stats->loaded++;
        eb->stats->replaced += run_len - 1;
        add_delta(eb, e->account, e->day, e->event, e->user, 1);
        if (eb->bloom)
            bloom_add(eb->bloom, e->key);
        fresh[n_fresh++] = e;
    }
    return n_fresh ? insert_group(eb, fresh, n_fresh) : CS_OK;
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
static bool choose_packing(const struct event_batch *eb, struct packing *pk)
{
    int64_t max_a = 0, max_e = 0, max_u = 0;
    int32_t min_d = INT32_MAX, max_d = INT32_MIN;

    for (size_t i = 0; i < eb->n_deltas; i++) {
        const struct cell_delta *d = &eb->deltas[i];
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

static enum csmap_rc apply_delta(struct event_batch *eb,
                                 const struct cell_delta *d)
{
    enum csmap_rc rc;

    if (d->delta > 0) {
        bind_cell(eb->stmt[E_DAY_ADD], d);
        return ingest_step(eb->st, eb->stmt[E_DAY_ADD]);
    }
    if (d->delta == 0)
        return CS_OK;
    bind_cell(eb->stmt[E_DAY_SUB], d);
    if ((rc = ingest_step(eb->st, eb->stmt[E_DAY_SUB])))
        return rc;
    bind_cell(eb->stmt[E_DAY_DEL], d);
    return ingest_step(eb->st, eb->stmt[E_DAY_DEL]);
}

/* Write the cells waiting in eb->cells with one statement; unused rows
 * repeat the first with n = 0, which adds nothing. */
static enum csmap_rc flush_cells(struct event_batch *eb)
{
    sqlite3_stmt *s = eb->stmt[E_DAY_MANY];

    if (!eb->n_cells)
        return CS_OK;
    for (size_t k = 0; k < GROUP; k++) {
        const struct cell_delta *d = &eb->cells[k < eb->n_cells ? k : 0];
        int at = 5 * (int)k;
        sqlite3_bind_int64(s, at + 1, d->account);
        sqlite3_bind_int(s, at + 2, d->day);
        sqlite3_bind_int64(s, at + 3, d->event);
        sqlite3_bind_int64(s, at + 4, d->user);
        sqlite3_bind_int(s, at + 5, k < eb->n_cells ? d->delta : 0);
    }
    eb->n_cells = 0;
    return ingest_step(eb->st, s);
}

/* Queue a cell whose count grows. */
static enum csmap_rc add_cell(struct event_batch *eb,
                              const struct cell_delta *d)
{
    eb->cells[eb->n_cells++] = *d;
    return eb->n_cells == GROUP ? flush_cells(eb) : CS_OK;
}

/* Apply the deltas sorted in place, merging equal cells. */
static enum csmap_rc apply_sorted(struct event_batch *eb)
{
    enum csmap_rc rc;
    size_t i = 0;

    qsort(eb->deltas, eb->n_deltas, sizeof(*eb->deltas), cmp_cell);
    while (i < eb->n_deltas) {
        struct cell_delta d = eb->deltas[i++];
        while (i < eb->n_deltas && cmp_cell(&d, &eb->deltas[i]) == 0)
            d.delta += eb->deltas[i++].delta;
        if ((rc = apply_delta(eb, &d)))
            return rc;
    }
    return CS_OK;
}

/* Apply the merged cell deltas in primary key order: a radix sort of the
 * cells packed into 64 bits, which are unpacked again to be written, so
 * the deltas are read in order and never looked up at random. */
static enum csmap_rc apply_deltas(struct event_batch *eb)
{
    struct sort_item *o = eb->order;
    struct packing pk;
    enum csmap_rc rc;
    size_t i = 0;

    if (!choose_packing(eb, &pk)) {
        rc = apply_sorted(eb);
        eb->n_deltas = 0;
        return rc;
    }
    for (size_t k = 0; k < eb->n_deltas; k++) {
        o[k].key = pack(&pk, &eb->deltas[k]);
        o[k].aux = eb->deltas[k].delta;
    }
    ingest_radix_sort(o, eb->order_tmp, eb->n_deltas);
    while (i < eb->n_deltas) {
        struct cell_delta d;
        uint64_t key = o[i].key;
        d.delta = 0;
        while (i < eb->n_deltas && o[i].key == key)
            d.delta += o[i++].aux;
        unpack(&pk, key, &d);
        if ((rc = d.delta > 0 ? add_cell(eb, &d) : apply_delta(eb, &d)))
            return rc;
    }
    eb->n_deltas = 0;
    return flush_cells(eb);
}

/* Keep one entry per key in eb->order, for the last event with it, with
 * the number of events that had the key in aux; returns their count. */
static size_t unique_keys(struct event_batch *eb)
{
    struct sort_item *o = eb->order;
    size_t n = 0, i = 0;

    while (i < eb->n_batch) {
        size_t j = i + 1;
        while (j < eb->n_batch && o[j].key == o[i].key)
            j++;
        o[n] = o[j - 1];
        o[n++].aux = (int32_t)(j - i);
        i = j;
    }
    return n;
}

static enum csmap_rc flush_events(struct event_batch *eb)
{
    struct sort_item *o = eb->order;
    enum csmap_rc rc;
    size_t n;

    for (size_t k = 0; k < eb->n_batch; k++) {
        o[k].key = eb->batch[k].key;
        o[k].idx = (uint32_t)k;
    }
    ingest_radix_sort(o, eb->order_tmp, eb->n_batch);
    n = unique_keys(eb);
    eb->n_deltas = 0;
    for (size_t i = 0; i < n; i += GROUP) {
        size_t len = n - i < GROUP ? n - i : GROUP;
        for (size_t k = i + GROUP; k < i + 2 * GROUP && k < n; k++)
            __builtin_prefetch(&eb->batch[o[k].idx]);
        if ((rc = seen_group(eb, o + i, len)))
            return rc;
    }
    eb->n_batch = 0;
    return apply_deltas(eb);
}

static enum csmap_rc events_alloc(struct event_batch *eb)
{
    eb->batch = mem_alloc(EVENT_BATCH * sizeof(*eb->batch));
    eb->deltas = mem_alloc(2 * EVENT_BATCH * sizeof(*eb->deltas));
    eb->order = mem_alloc(2 * EVENT_BATCH * sizeof(*eb->order));
    eb->order_tmp = mem_alloc(2 * EVENT_BATCH * sizeof(*eb->order));
    if (!eb->batch || !eb->deltas || !eb->order || !eb->order_tmp) {
        log_error("out of memory");
        return CS_NOMEM;
    }
    return CS_OK;
}

enum csmap_rc events_open(struct store *st, struct ingest_stats *stats,
                          struct event_batch **out)
{
    struct event_batch *eb = mem_calloc(1, sizeof(*eb));
    enum csmap_rc rc;

    *out = NULL;
    if (!eb) {
        log_error("out of memory");
        return CS_NOMEM;
    }
    eb->st = st;
    eb->db = store_db(st);
    eb->stats = stats;
    buf_init(&eb->key, INGEST_MAX_RECORD + 16);
    strmap_init(&eb->names);
    strmap_init(&eb->users);
    for (int i = 0; i < E_SEEN_FIND; i++)
        if ((rc = prepare(eb, (enum event_stmt)i, event_sql[i])))
            goto out;
    if ((rc = prepare_groups(eb)) || (rc = events_alloc(eb)) ||
        (rc = ingest_load_map(st, &eb->names, "SELECT name, id FROM event_name",
                              false)) ||
        (rc = ingest_load_map(st, &eb->users,
                              "SELECT account, user_id, id FROM app_user",
                              true)) ||
        (rc = load_bloom(eb)))
        goto out;
    *out = eb;
    return CS_OK;
out:
    events_free(eb);
    return rc;
}

enum csmap_rc events_finish(struct event_batch *eb)
{
    return eb->n_batch > 0 ? flush_events(eb) : CS_OK;
}

void events_free(struct event_batch *eb)
{
    if (!eb)
        return;
    for (int i = 0; i < E_COUNT; i++)
        sqlite3_finalize(eb->stmt[i]);
    strmap_release(&eb->names);
    strmap_release(&eb->users);
    buf_release(&eb->key);
    mem_free(eb->batch);
    mem_free(eb->deltas);
    mem_free(eb->order);
    mem_free(eb->order_tmp);
    mem_free(eb->bloom);
    mem_free(eb);
}
