/* The SQLite store: schema, migrations, transactions (DESIGN section 2). */
#ifndef CSMAP_STORE_H
#define CSMAP_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "csmap/rc.h"

struct sqlite3;
struct sqlite3_stmt;

/*
 * Schema, version 3.  Dates are day numbers (days since 1970-01-01, UTC);
 * timestamps are seconds since the epoch, UTC.  Accounts are referred to
 * by their integer row id everywhere but in the account table.
 *
 *   account(id, account_id UNIQUE, name, segment, plan, seats, arr, owner,
 *           signup_date)
 *   account_ext(ext PRIMARY KEY, account)       "zendesk:3601" -> account
 *   contact(id, contact_id UNIQUE, account, name, email, role, is_sponsor,
 *           first_seen, left_at)
 *   event_name(id, name UNIQUE)
 *   app_user(id, account, user_id)    one row per user of an account
 *   event_day(account, day, event, user, n)    one row per account, day,
 *           event name and user with the count n; WITHOUT ROWID, primary
 *           key (account, day, event, user)
 *   event_seen(key PRIMARY KEY, cell)  every event ingested, by 56 bits
 *           of the hash of its key (store_event_key()), so a re-ingest
 *           replaces instead of adding.  cell is kept only for events keyed
 *           by message_id (an instant key fixes its cell): the packed
 *           user << 28 | event << 16 | day (store_cell_pack()); the user
 *           names the account.
 *   ticket(id, ticket_id UNIQUE, account, created_at, resolved_at,
 *          priority, status, subject, description, tags)
 *   feedback(id, key UNIQUE, account, date, kind, score, text,
 *            contact_email)
 *   contract(id, account, start_date, end_date, contract_id, arr, seats,
 *            plan, UNIQUE(account, start_date))
 *   ingest_log(id, path, kind, preset, at, read, loaded, replaced,
 *              rejected, skipped)
 */

struct store;

/*
 * Open (or with create, create) the store at path: mode 0600, WAL, foreign
 * keys on, busy timeout, schema migrated to the current version.  A store
 * from a newer csmap is refused.  The caller closes it with store_close().
 */
enum csmap_rc store_open(const char *path, bool create, struct store **out);
void store_close(struct store *st);

struct sqlite3 *store_db(struct store *st);
const char *store_path(const struct store *st);

/*
 * A statement for sql, prepared on first use and kept until store_close():
 * for queries run once per account.  sql must outlive the store (a string
 * literal); it is found again by its address.  The statement comes reset,
 * with no bindings; the caller resets it when done (sqlite3_reset()) and
 * never finalizes it.  Not for a query that may run inside itself.
 */
enum csmap_rc store_stmt(struct store *st, const char *sql,
                         struct sqlite3_stmt **out);

/* Run SQL with no result rows; reports errors with the SQLite message. */
enum csmap_rc store_exec(struct store *st, const char *sql);

enum csmap_rc store_begin(struct store *st); /* BEGIN IMMEDIATE */
enum csmap_rc store_commit(struct store *st);
void store_rollback(struct store *st);

/* Report the last SQLite error on st with what failed; returns CS_STORE. */
enum csmap_rc store_error(struct store *st, const char *what);

/* The key of an event in event_seen: 56 bits of its 64-bit hash. */
static inline int64_t store_event_key(uint64_t hash)
{
    return (int64_t)(hash & UINT64_C(0x00FFFFFFFFFFFFFF));
}

/*
 * Pack an event's day cell for event_seen.cell; false when a part is out
 * of range (day outside 1970-2149, more than 4095 event names, more
 * than 2^35 users), and the cell is then not kept.  The user comes
 * first so that a store with under half a million users packs into six
 * bytes.
 */
static inline bool store_cell_pack(int64_t user, int32_t day, int64_t event,
                                   int64_t *cell)
{
    if (user < 0 || user > (INT64_C(1) << 35) - 1 || day < 0 || day > 65535 ||
        event < 0 || event > 4095)
        return false;
    *cell = user << 28 | event << 16 | (int64_t)day;
    return true;
}

static inline void store_cell_unpack(int64_t cell, int64_t *user, int32_t *day,
                                     int64_t *event)
{
    *user = cell >> 28;
    *event = (cell >> 16) & 0xFFF;
    *day = (int32_t)(cell & 0xFFFF);
}

/* The current schema version. */
int store_schema_version(void);

#endif
