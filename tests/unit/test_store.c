/* Tests of the store: creation, permissions, WAL, schema version. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmap/log.h"
#include "csmap/store.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/csmap-store-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/csmap.db", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[160];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int query_int(struct store *st, const char *sql)
{
    sqlite3_stmt *stmt;
    int v = -1;

    assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL),
                     SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

static void test_missing_store_is_an_error_without_create(void **state)
{
    struct store *st = NULL;

    (void)state;
    assert_int_equal(store_open(path, false, &st), CS_NOTFOUND);
    assert_null(st);
    assert_int_equal(access(path, F_OK), -1);
}

static void test_new_store_is_private_wal_and_current(void **state)
{
    struct store *st = NULL;
    struct stat sb;
    mode_t old = umask(0);

    (void)state;
    assert_int_equal(store_open(path, true, &st), CS_OK);
    umask(old);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(query_int(st, "PRAGMA user_version"),
                     store_schema_version());
    assert_int_equal(query_int(st, "PRAGMA foreign_keys"), 1);
    assert_int_equal(
        query_int(st, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
        1);
    assert_int_equal(store_exec(st, "INSERT INTO account(account_id, name, "
                                    "signup_date) VALUES ('a1', 'A', 0)"),
                     CS_OK);
    store_close(st);
    /* Reopening keeps the data and does not migrate again. */
    assert_int_equal(store_open(path, false, &st), CS_OK);
    assert_int_equal(query_int(st, "SELECT count(*) FROM account"), 1);
    store_close(st);
}

static void test_store_from_a_newer_csmap_is_refused(void **state)
{
    struct store *st = NULL;
    char sql[64];

    (void)state;
    assert_int_equal(store_open(path, true, &st), CS_OK);
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
             store_schema_version() + 1);
    assert_int_equal(store_exec(st, sql), CS_OK);
    store_close(st);
    assert_int_equal(store_open(path, false, &st), CS_STORE);
    assert_null(st);
}

static void test_foreign_keys_reject_an_unknown_account(void **state)
{
    struct store *st = NULL;

    (void)state;
    assert_int_equal(store_open(path, true, &st), CS_OK);
    assert_int_equal(store_exec(st, "INSERT INTO contact(contact_id, account, "
                                    "first_seen) VALUES ('c1', 99, 0)"),
                     CS_STORE);
    store_close(st);
}

static void test_version_2_event_keys_and_cells_migrate(void **state)
{
    struct store *st = NULL;
    int64_t user = 0, event = 0;
    int32_t day = 0;

    (void)state;
    assert_int_equal(store_open(path, true, &st), CS_OK);
    assert_int_equal(
        store_exec(st, "DROP TABLE event_seen;"
                       "CREATE TABLE event_seen (key INTEGER PRIMARY KEY,"
                       " account INTEGER, day INTEGER, event INTEGER,"
                       " user INTEGER);"
                       "INSERT INTO event_seen VALUES (-1, 1, 20000, 3, 7);"
                       "INSERT INTO event_seen VALUES (5, NULL, NULL, NULL,"
                       " NULL);"
                       "PRAGMA user_version = 2;"),
        CS_OK);
    store_close(st);
    assert_int_equal(store_open(path, false, &st), CS_OK);
    assert_int_equal(query_int(st, "SELECT count(*) FROM event_seen"), 2);
    assert_int_equal(
        query_int(st, "SELECT count(*) FROM event_seen WHERE key = 5 AND "
                      "cell IS NULL"),
        1);
    assert_int_equal(query_int(st,
                               "SELECT key = 72057594037927935 FROM event_seen "
                               "WHERE cell IS NOT NULL"),
                     1);
    store_cell_unpack((int64_t)7 << 28 | (int64_t)3 << 16 | 20000, &user, &day,
                      &event);
    assert_int_equal(user, 7);
    assert_int_equal(day, 20000);
    assert_int_equal(event, 3);
    assert_int_equal(
        query_int(st, "SELECT cell = ((7 << 28) | (3 << 16) | 20000) FROM "
                      "event_seen WHERE cell IS NOT NULL"),
        1);
    store_close(st);
}

static void test_kept_statement_is_reused_reset_and_unbound(void **state)
{
    static const char sql[] = "SELECT ?1 + 1";
    static const char other[] = "SELECT 2";
    struct store *st = NULL;
    sqlite3_stmt *a = NULL, *b = NULL, *c = NULL;

    (void)state;
    assert_int_equal(store_open(path, true, &st), CS_OK);
    assert_int_equal(store_stmt(st, sql, &a), CS_OK);
    sqlite3_bind_int(a, 1, 41);
    assert_int_equal(sqlite3_step(a), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(a, 0), 42);
    /* Left mid-row on purpose: the next use must start again, unbound. */
    assert_int_equal(store_stmt(st, sql, &b), CS_OK);
    assert_ptr_equal(a, b);
    assert_int_equal(sqlite3_step(b), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(b, 0), SQLITE_NULL);
    sqlite3_reset(b);
    assert_int_equal(store_stmt(st, other, &c), CS_OK);
    assert_ptr_not_equal(a, c);
    assert_int_equal(sqlite3_step(c), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(c, 0), 2);
    sqlite3_reset(c);
    assert_int_equal(store_stmt(st, "SELECT FROM nothing", &c), CS_STORE);
    assert_null(c);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_missing_store_is_an_error_without_create, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_new_store_is_private_wal_and_current, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_store_from_a_newer_csmap_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_foreign_keys_reject_an_unknown_account, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_version_2_event_keys_and_cells_migrate, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_kept_statement_is_reused_reset_and_unbound, setup, teardown),
    };

    log_set_level(LOG_QUIET);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
