/* The SQLite store: opening, schema migrations and transactions. */
#include "csmap/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmap/log.h"
#include "csmap/mem.h"

/* A statement kept prepared for the life of the store, by its SQL text. */
struct kept_stmt {
    const char *sql;
    sqlite3_stmt *stmt;
};

struct store {
    sqlite3 *db;
    char *path;
    struct kept_stmt *kept;
    size_t n_kept, cap_kept;
};

/*
 * Forward migrations: migrations[i] takes the schema from version i to
 * i + 1.  A released entry is never edited; changes go in a new one.
 */
static const char *const migrations[] = {
    /* 0 -> 1: the inputs of every kind. */
    "CREATE TABLE account ("
    "  id INTEGER PRIMARY KEY,"
    "  account_id TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  segment TEXT, plan TEXT, seats INTEGER, arr REAL, owner TEXT,"
    "  signup_date INTEGER NOT NULL);"
    "CREATE TABLE account_ext ("
    "  ext TEXT PRIMARY KEY,"
    "  account INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE"
    ") WITHOUT ROWID;"
    "CREATE TABLE contact ("
    "  id INTEGER PRIMARY KEY,"
    "  contact_id TEXT NOT NULL UNIQUE,"
    "  account INTEGER NOT NULL REFERENCES account(id),"
    "  name TEXT, email TEXT, role TEXT,"
    "  is_sponsor INTEGER NOT NULL DEFAULT 0,"
    "  first_seen INTEGER NOT NULL, left_at INTEGER);"
    "CREATE INDEX contact_by_account ON contact(account);"
    "CREATE TABLE event_name ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE app_user ("
    "  id INTEGER PRIMARY KEY,"
    "  account INTEGER NOT NULL REFERENCES account(id),"
    "  user_id TEXT NOT NULL,"
    "  UNIQUE (account, user_id));"
    "CREATE TABLE event_day ("
    "  account INTEGER NOT NULL, day INTEGER NOT NULL,"
    "  event INTEGER NOT NULL, user INTEGER NOT NULL, n INTEGER NOT NULL,"
    "  PRIMARY KEY (account, day, event, user)) WITHOUT ROWID;"
    "CREATE TABLE event_seen ("
    "  key INTEGER PRIMARY KEY,"
    "  account INTEGER, day INTEGER, event INTEGER, user INTEGER);"
    "CREATE TABLE ticket ("
    "  id INTEGER PRIMARY KEY,"
    "  ticket_id TEXT NOT NULL UNIQUE,"
    "  account INTEGER NOT NULL REFERENCES account(id),"
    "  created_at INTEGER NOT NULL, resolved_at INTEGER,"
    "  priority TEXT, status TEXT, subject TEXT, description TEXT,"
    "  tags TEXT);"
    "CREATE INDEX ticket_by_account ON ticket(account, created_at);"
    "CREATE TABLE feedback ("
    "  id INTEGER PRIMARY KEY,"
    "  key INTEGER NOT NULL UNIQUE,"
    "  account INTEGER NOT NULL REFERENCES account(id),"
    "  date INTEGER NOT NULL, kind TEXT NOT NULL, score REAL,"
    "  text TEXT, contact_email TEXT);"
    "CREATE INDEX feedback_by_account ON feedback(account, date);"
    "CREATE TABLE contract ("
    "  id INTEGER PRIMARY KEY,"
    "  account INTEGER NOT NULL REFERENCES account(id),"
    "  start_date INTEGER NOT NULL, end_date INTEGER NOT NULL,"
    "  contract_id TEXT, arr REAL, seats INTEGER, plan TEXT,"
    "  UNIQUE (account, start_date));"
    "CREATE TABLE ingest_log ("
    "  id INTEGER PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL,"
    "  preset TEXT, at INTEGER NOT NULL,"
    "  read INTEGER NOT NULL, loaded INTEGER NOT NULL,"
    "  replaced INTEGER NOT NULL, rejected INTEGER NOT NULL,"
    "  skipped INTEGER NOT NULL);",
    /* 1 -> 2: the artifact cache and its per-run statistics. */
    "CREATE TABLE cache_entry ("
    "  key TEXT PRIMARY KEY,"
    "  artifact TEXT NOT NULL, subject TEXT NOT NULL, as_of INTEGER,"
    "  prompt_name TEXT, prompt_version TEXT, provider TEXT, model TEXT,"
    "  output TEXT NOT NULL, checks TEXT,"
    "  input_tokens INTEGER NOT NULL DEFAULT 0,"
    "  output_tokens INTEGER NOT NULL DEFAULT 0,"
    "  cost REAL NOT NULL DEFAULT 0, latency_ms INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX cache_by_subject ON cache_entry(artifact, subject,"
    "  created_at);"
    "CREATE TABLE cache_run ("
    "  id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL,"
    "  finished_at INTEGER, hits INTEGER NOT NULL DEFAULT 0,"
    "  misses INTEGER NOT NULL DEFAULT 0);",
    /*
     * 2 -> 3: a smaller store for events.  event_seen keys keep 56 bits
     * of their hash (an 8-byte varint instead of 9), and a message-keyed
     * event's day cell is one packed integer, user << 28 | event << 16 |
     * day (the user names the account), instead of four columns.
     * app_user loses its unique index: ingest reads every user under the
     * write lock and adds only those it has not seen.
     */
    "CREATE TABLE event_seen_v3 (key INTEGER PRIMARY KEY, cell INTEGER);"
    "INSERT OR IGNORE INTO event_seen_v3"
    "  SELECT key & 72057594037927935,"
    "    CASE WHEN user IS NULL OR day < 0 OR day > 65535 OR event < 0"
    "      OR event > 4095 OR user < 0 OR user > 34359738367 THEN NULL"
    "    ELSE (user << 28) | (event << 16) | day END"
    "  FROM event_seen;"
    "DROP TABLE event_seen;"
    "ALTER TABLE event_seen_v3 RENAME TO event_seen;"
    "CREATE TABLE app_user_v3 ("
    "  id INTEGER PRIMARY KEY,"
    "  account INTEGER NOT NULL REFERENCES account(id),"
    "  user_id TEXT NOT NULL);"
    "INSERT INTO app_user_v3 SELECT id, account, user_id FROM app_user;"
    "DROP TABLE app_user;"
    "ALTER TABLE app_user_v3 RENAME TO app_user;",
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int store_schema_version(void)
{
    return N_MIGRATIONS;
}

sqlite3 *store_db(struct store *st)
{
    return st->db;
}

const char *store_path(const struct store *st)
{
    return st->path;
}

enum csmap_rc store_error(struct store *st, const char *what)
{
    log_error("%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
    return CS_STORE;
}

enum csmap_rc store_exec(struct store *st, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        log_error("%s: %s", st->path, msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return CS_STORE;
    }
    return CS_OK;
}

enum csmap_rc store_begin(struct store *st)
{
    return store_exec(st, "BEGIN IMMEDIATE");
}

enum csmap_rc store_commit(struct store *st)
{
    return store_exec(st, "COMMIT");
}

void store_rollback(struct store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static int user_version(struct store *st)
{
    sqlite3_stmt *stmt = NULL;
    int v = -1;

    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt, NULL) ==
            SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/* Bring the schema to the current version, one transaction per step. */
static enum csmap_rc migrate(struct store *st)
{
    int v = user_version(st);
    char sql[64];
    enum csmap_rc rc;

    if (v < 0)
        return store_error(st, "cannot read the schema version");
    if (v > N_MIGRATIONS) {
        log_error("%s: the store has schema version %d, newer than this "
                  "csmap knows (%d); use a newer csmap",
                  st->path, v, N_MIGRATIONS);
        return CS_STORE;
    }
    while (v < N_MIGRATIONS) {
        if ((rc = store_begin(st)))
            return rc;
        /* Read again under the write lock: another csmap that opened the
         * new store at the same time may have migrated it already. */
        if ((v = user_version(st)) < 0 || v >= N_MIGRATIONS) {
            store_rollback(st);
            if (v < 0)
                return store_error(st, "cannot read the schema version");
            break;
        }
        snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
        if ((rc = store_exec(st, migrations[v])) ||
            (rc = store_exec(st, sql))) {
            store_rollback(st);
            return rc;
        }
        if ((rc = store_commit(st)))
            return rc;
        log_debug("store migrated to schema version %d", ++v);
    }
    return CS_OK;
}

/* Create the file 0600 before SQLite opens it, so it is never readable by
 * others, whatever the umask. */
static enum csmap_rc create_private(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd < 0) {
        if (errno == EEXIST)
            return CS_OK;
        log_error("cannot create the store '%s': %s", path, strerror(errno));
        return CS_IO;
    }
    close(fd);
    return CS_OK;
}

/* Switching a new store to WAL can meet another csmap doing the same, and
 * SQLite then answers busy at once, without its busy handler: wait here
 * as long as the busy timeout would. */
static enum csmap_rc set_wal(struct store *st)
{
    for (int waited_ms = 0;; waited_ms += 10) {
        int rc =
            sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);

        if (rc == SQLITE_OK)
            return CS_OK;
        if ((rc & 0xff) != SQLITE_BUSY || waited_ms >= 30000)
            return store_error(st, "cannot switch the store to WAL");
        sqlite3_sleep(10);
    }
}

static enum csmap_rc configure(struct store *st)
{
    enum csmap_rc rc;

    sqlite3_busy_timeout(st->db, 30000);
    if ((rc = set_wal(st)) ||
        (rc = store_exec(st, "PRAGMA synchronous = NORMAL")) ||
        (rc = store_exec(st, "PRAGMA foreign_keys = ON")) ||
        (rc = store_exec(st, "PRAGMA cache_size = -32768")) ||
        (rc = store_exec(st, "PRAGMA temp_store = MEMORY")))
        return rc;
    return CS_OK;
}

enum csmap_rc store_open(const char *path, bool create, struct store **out)
{
    struct store *st;
    struct stat sb;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    enum csmap_rc rc = CS_OK;

    *out = NULL;
    if (stat(path, &sb) != 0) {
        if (!create) {
            log_error("no store at '%s'; load data first with 'csmap "
                      "ingest FILE...'",
                      path);
            return CS_NOTFOUND;
        }
        if ((rc = create_private(path)))
            return rc;
    } else if (!S_ISREG(sb.st_mode)) {
        log_error("'%s' is not a regular file", path);
        return CS_IO;
    }
    st = mem_calloc(1, sizeof(*st));
    if (!st || !(st->path = mem_strdup(path))) {
        mem_free(st);
        log_error("out of memory");
        return CS_NOMEM;
    }
    /* The WAL and shared-memory files inherit the database's mode. */
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        rc = store_error(st, "cannot open the store");
        goto out;
    }
    sqlite3_extended_result_codes(st->db, 1);
    if ((rc = configure(st)) || (rc = migrate(st)))
        goto out;
    *out = st;
    return CS_OK;

out:
    store_close(st);
    return rc;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n_kept; i++)
        sqlite3_finalize(st->kept[i].stmt);
    mem_free(st->kept);
    if (st->db)
        sqlite3_close_v2(st->db);
    mem_free(st->path);
    mem_free(st);
}

enum csmap_rc store_stmt(struct store *st, const char *sql, sqlite3_stmt **out)
{
    struct kept_stmt *k;

    *out = NULL;
    for (size_t i = 0; i < st->n_kept; i++) {
        if (st->kept[i].sql == sql) {
            sqlite3_reset(st->kept[i].stmt);
            sqlite3_clear_bindings(st->kept[i].stmt);
            *out = st->kept[i].stmt;
            return CS_OK;
        }
    }
    if (st->n_kept == st->cap_kept) {
        size_t cap = st->cap_kept ? 2 * st->cap_kept : 16;

        if (!(k = mem_realloc(st->kept, cap * sizeof(*k)))) {
            log_error("out of memory");
            return CS_NOMEM;
        }
        st->kept = k;
        st->cap_kept = cap;
    }
    k = &st->kept[st->n_kept];
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &k->stmt,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(k->stmt);
        return store_error(st, "cannot prepare a query");
    }
    k->sql = sql;
    st->n_kept++;
    *out = k->stmt;
    return CS_OK;
}
