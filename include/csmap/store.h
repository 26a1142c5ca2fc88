/* The SQLite store: schema, migrations, transactions (DESIGN section 2). */
#ifndef CSMAP_STORE_H
#define CSMAP_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "csmap/rc.h"

struct sqlite3;

/*
 * Schema, version 1.  Dates are day numbers (days since 1970-01-01, UTC);
 * timestamps are seconds since the epoch, UTC.  Accounts are referred to
 * by their integer row id everywhere but in the account table.
 *
 *   account(id, account_id UNIQUE, name, segment, plan, seats, arr, owner,
 *           signup_date)
 *   account_ext(ext PRIMARY KEY, account)       "zendesk:3601" -> account
 *   contact(id, contact_id UNIQUE, account, name, email, role, is_sponsor,
 *           first_seen, left_at)
 *   event_name(id, name UNIQUE)
 *   app_user(id, account, user_id, UNIQUE(account, user_id))
 *   event_day(account, day, event, user, n)    one row per account, day,
 *           event name and user with the count n; WITHOUT ROWID, primary
 *           key (account, day, event, user)
 *   event_seen(key PRIMARY KEY, account, day, event, user)  every event
 *           ingested, by the 64-bit hash of its key, so a re-ingest
 *           replaces instead of adding.  The other columns are kept only
 *           for events keyed by message_id (an instant key fixes them).
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

/* Run SQL with no result rows; reports errors with the SQLite message. */
enum csmap_rc store_exec(struct store *st, const char *sql);

enum csmap_rc store_begin(struct store *st); /* BEGIN IMMEDIATE */
enum csmap_rc store_commit(struct store *st);
void store_rollback(struct store *st);

/* Report the last SQLite error on st with what failed; returns CS_STORE. */
enum csmap_rc store_error(struct store *st, const char *what);

/* The current schema version. */
int store_schema_version(void);

#endif
