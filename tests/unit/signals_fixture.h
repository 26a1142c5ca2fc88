/* Shared by the signal tests: a store on a temp file, rows by SQL, and a
 * configuration parsed from text.  Each test file includes it once. */
#ifndef CSMAP_TEST_SIGNALS_FIXTURE_H
#define CSMAP_TEST_SIGNALS_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/signals.h"
#include "csmap/store.h"

/* The as-of date of every test: 2026-03-31, a Tuesday. */
#define D date_from_civil(2026, 3, 31)

/* A configuration with two steps, a first value event, core events
 * report.* and dashboard.viewed, and two support topics. */
static const char fx_config[] =
    "{\"onboarding\": {\"steps\": ["
    "  {\"name\": \"connect_source\", \"event\": \"^source\\\\.connected$\"},"
    "  {\"name\": \"first_report\", \"event\": \"^report\\\\.created$\"}],"
    " \"first_value_event\": \"^report\\\\.shared$\"},"
    " \"usage\": {\"core_events\": [\"^report\\\\.\", "
    "\"^dashboard\\\\.viewed$\"]},"
    " \"support\": {\"topics\": {\"billing\": [\"invoice\", \"refund\"],"
    "   \"sso\": [\"\\\\bsso\\\\b\", \"saml\"]}}}";

struct fx {
    char path[64];
    struct store *st;
    struct config *cfg;
    struct sig_set *set;
};

static inline void fx_sql(struct fx *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline void fx_sql(struct fx *f, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    assert_int_equal(store_exec(f->st, sql), CS_OK);
}

static inline struct fx *fx_open_with(const char *config_text)
{
    struct fx *f = calloc(1, sizeof(*f));
    int fd;

    assert_non_null(f);
    snprintf(f->path, sizeof(f->path), "/tmp/csmap-sig-XXXXXX");
    fd = mkstemp(f->path);
    assert_true(fd >= 0);
    close(fd);
    unlink(f->path);
    assert_int_equal(store_open(f->path, true, &f->st), CS_OK);
    assert_int_equal(
        config_parse("csmap.json", config_text, strlen(config_text), &f->cfg),
        CS_OK);
    return f;
}

static inline struct fx *fx_open(void)
{
    return fx_open_with(fx_config);
}

static inline void fx_close(struct fx *f)
{
    char side[80];

    sig_set_free(f->set);
    config_free(f->cfg);
    store_close(f->st);
    unlink(f->path);
    snprintf(side, sizeof(side), "%s-wal", f->path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", f->path);
    unlink(side);
    free(f);
}

/* Add account id (row id rowid) signed up on day signup. */
static inline void fx_account(struct fx *f, int rowid, const char *id,
                              int32_t signup)
{
    fx_sql(f,
           "INSERT INTO account(id, account_id, name, segment, seats, arr, "
           "owner, signup_date) VALUES (%d, '%s', 'Name %s', 'smb', NULL, "
           "1000, 'Ann', %d)",
           rowid, id, id, (int)signup);
}

/* n events named event by user on day for the account with rowid. */
static inline void fx_event(struct fx *f, int rowid, int32_t day,
                            const char *event, const char *user, int n)
{
    fx_sql(f, "INSERT OR IGNORE INTO event_name(name) VALUES ('%s')", event);
    fx_sql(f,
           "INSERT OR IGNORE INTO app_user(account, user_id) "
           "VALUES (%d, '%s')",
           rowid, user);
    fx_sql(f,
           "INSERT INTO event_day(account, day, event, user, n) VALUES "
           "(%d, %d, (SELECT id FROM event_name WHERE name = '%s'), "
           "(SELECT id FROM app_user WHERE account = %d AND user_id = '%s'), "
           "%d) ON CONFLICT DO UPDATE SET n = n + excluded.n",
           rowid, (int)day, event, rowid, user, n);
}

/* A ticket created at the given epoch second, resolved at resolved (0 for
 * open). */
static inline void fx_ticket(struct fx *f, int rowid, const char *tid,
                             int64_t created, int64_t resolved,
                             const char *priority, const char *subject)
{
    char res[32];

    if (resolved)
        snprintf(res, sizeof(res), "%lld", (long long)resolved);
    else
        snprintf(res, sizeof(res), "NULL");
    fx_sql(f,
           "INSERT INTO ticket(ticket_id, account, created_at, resolved_at, "
           "priority, subject) VALUES ('%s', %d, %lld, %s, '%s', '%s')",
           tid, rowid, (long long)created, res, priority, subject);
}

/* Seconds at hh:00 UTC on day. */
static inline int64_t fx_at(int32_t day, int hour)
{
    return (int64_t)day * 86400 + hour * 3600;
}

static inline void fx_feedback(struct fx *f, int rowid, int32_t day,
                               const char *kind, const char *score,
                               const char *text)
{
    static int key;

    fx_sql(f,
           "INSERT INTO feedback(key, account, date, kind, score, text) "
           "VALUES (%d, %d, %d, '%s', %s, %s%s%s)",
           ++key, rowid, (int)day, kind, score, text ? "'" : "",
           text ? text : "NULL", text ? "'" : "");
}

/* A contact; left is DATE_NONE when still there. */
static inline void fx_contact(struct fx *f, int rowid, const char *cid,
                              int sponsor, int32_t first_seen, int32_t left)
{
    char l[32];

    if (left == DATE_NONE)
        snprintf(l, sizeof(l), "NULL");
    else
        snprintf(l, sizeof(l), "%d", (int)left);
    fx_sql(f,
           "INSERT INTO contact(contact_id, account, name, is_sponsor, "
           "first_seen, left_at) VALUES ('%s', %d, 'Person %s', %d, %d, %s)",
           cid, rowid, cid, sponsor, (int)first_seen, l);
}

static inline void fx_contract(struct fx *f, int rowid, int32_t start,
                               int32_t end, const char *seats)
{
    fx_sql(f,
           "INSERT INTO contract(account, start_date, end_date, seats, arr) "
           "VALUES (%d, %d, %d, %s, 5000)",
           rowid, (int)start, (int)end, seats);
}

/* Compute as of day and return the account, which must be listed. */
static inline const struct sig_account *fx_compute(struct fx *f, int32_t day,
                                                   const char *id)
{
    sig_set_free(f->set);
    f->set = NULL;
    assert_int_equal(sig_compute(f->st, f->cfg, day, NULL, NULL, &f->set),
                     CS_OK);
    for (size_t i = 0; i < f->set->n_accounts; i++)
        if (strcmp(f->set->accounts[i].account_id, id) == 0)
            return &f->set->accounts[i];
    fail_msg("account '%s' not listed", id);
    abort(); /* fail_msg does not return; this tells the compiler */
}

static inline bool fx_near(double a, double b)
{
    return a - b < 1e-9 && b - a < 1e-9;
}

#define assert_near(a, b) assert_true(fx_near((a), (b)))

#endif
