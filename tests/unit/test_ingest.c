/* Tests of ingest: presets, store writes, re-ingest and replacement. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csmap/date.h"
#include "csmap/ingest.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/store.h"

/* A store in a fresh temporary folder. */
struct fixture {
    char dir[64];
    struct store *st;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char path[128];

    if (!f)
        return -1;
    strcpy(f->dir, "/tmp/csmap-ingest-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(path, sizeof(path), "%s/csmap.db", f->dir);
    if (store_open(path, true, &f->st))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[160];

    store_close(f->st);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* Write text to NAME in the fixture's folder; the path stays in out. */
static const char *put(struct fixture *f, const char *name, const char *text,
                       char *out, size_t cap)
{
    FILE *fp;

    snprintf(out, cap, "%s/%s", f->dir, name);
    fp = fopen(out, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return out;
}

static enum csmap_rc load(struct fixture *f, const char *name, const char *text,
                          struct ingest_stats *stats)
{
    struct ingest_options opt = {0};
    char path[160];

    return ingest_file(f->st, &opt, put(f, name, text, path, sizeof(path)),
                       stats);
}

/* The integer result of a one-row query. */
static int64_t query_int(struct fixture *f, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int64_t v = -1;

    assert_int_equal(sqlite3_prepare_v2(store_db(f->st), sql, -1, &s, NULL),
                     SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static const char accounts_csv[] =
    "account_id,name,signup_date,external_ids\n"
    "acme,Acme,2024-01-05,zendesk:3601 hubspot:88\n"
    "beta,Beta,2024-02-01,\n";

static void load_accounts(struct fixture *f)
{
    struct ingest_stats st;

    assert_int_equal(load(f, "accounts.csv", accounts_csv, &st), CS_OK);
    assert_int_equal(st.loaded, 2);
}

static void test_zendesk_resolved_at_follows_the_rules(void **state)
{
    static const struct {
        const char *json;
        bool resolved;
        const char *at;
    } cases[] = {
        {"{\"metric_set\": {\"solved_at\": \"2024-05-03T00:00:00Z\"},"
         " \"solved_at\": \"2024-05-04T00:00:00Z\", \"status\": \"open\"}",
         true, "2024-05-03T00:00:00Z"},
        {"{\"metric_set\": {\"solved_at\": null},"
         " \"solved_at\": \"2024-05-04T00:00:00Z\", \"status\": \"open\"}",
         true, "2024-05-04T00:00:00Z"},
        {"{\"status\": \"closed\", \"updated_at\": \"2024-05-05T12:00:00Z\"}",
         true, "2024-05-05T12:00:00Z"},
        {"{\"status\": \"solved\", \"updated_at\": \"2024-05-06T12:00:00Z\"}",
         true, "2024-05-06T12:00:00Z"},
        {"{\"status\": \"pending\", \"updated_at\": \"2024-05-06T12:00:00Z\"}",
         false, NULL},
        {"{\"metric_set\": {\"solved_at\": null}, \"status\": \"open\"}", false,
         NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *t = cJSON_Parse(cases[i].json);
        bool resolved = !cases[i].resolved;
        int64_t at = 0, want = 0;
        const char *why;
        assert_non_null(t);
        assert_int_equal(ingest_zendesk_resolved(t, &resolved, &at, &why),
                         CS_OK);
        assert_int_equal(resolved, cases[i].resolved);
        if (cases[i].at) {
            assert_true(date_parse_ts(cases[i].at, strlen(cases[i].at), &want));
            assert_int_equal(at, want);
        }
        cJSON_Delete(t);
    }
}

static void
test_segment_account_comes_from_context_properties_or_group(void **state)
{
    struct ingest_segment *sg = ingest_segment_new();
    cJSON *group1 = cJSON_Parse("{\"type\":\"group\",\"userId\":\"u1\","
                                "\"groupId\":\"acme\"}");
    cJSON *group2 = cJSON_Parse("{\"type\":\"group\",\"userId\":\"u1\","
                                "\"groupId\":\"beta\"}");
    cJSON *by_ctx = cJSON_Parse("{\"type\":\"track\",\"userId\":\"u1\","
                                "\"context\":{\"groupId\":\"ctx\"},"
                                "\"properties\":{\"account_id\":\"prop\"}}");
    cJSON *by_prop = cJSON_Parse("{\"type\":\"track\",\"userId\":\"u1\","
                                 "\"properties\":{\"account_id\":\"prop\"}}");
    cJSON *by_group = cJSON_Parse("{\"type\":\"track\",\"userId\":\"u1\"}");
    cJSON *nobody = cJSON_Parse("{\"type\":\"track\",\"userId\":\"u2\"}");
    char tmp[32];

    (void)state;
    assert_non_null(sg);
    assert_null(ingest_segment_account(sg, by_group, tmp));
    assert_int_equal(ingest_segment_group(sg, group1), CS_OK);
    assert_string_equal(ingest_segment_account(sg, by_group, tmp), "acme");
    assert_int_equal(ingest_segment_group(sg, group2), CS_OK);
    assert_string_equal(ingest_segment_account(sg, by_group, tmp), "beta");
    assert_string_equal(ingest_segment_account(sg, by_ctx, tmp), "ctx");
    assert_string_equal(ingest_segment_account(sg, by_prop, tmp), "prop");
    assert_null(ingest_segment_account(sg, nobody, tmp));
    cJSON_Delete(group1);
    cJSON_Delete(group2);
    cJSON_Delete(by_ctx);
    cJSON_Delete(by_prop);
    cJSON_Delete(by_group);
    cJSON_Delete(nobody);
    ingest_segment_free(sg);
}

static const char events_csv[] =
    "account_id,user_id,event,timestamp,message_id\n"
    "acme,u1,login,2024-05-01T10:00:00Z,\n"
    "acme,u1,login,2024-05-01T11:00:00Z,\n"
    "acme,u1,login,2024-05-01T11:00:00Z,\n"
    "zendesk:3601,u2,report.created,2024-05-02T23:30:00-02:00,m1\n"
    "beta,u1,login,2024-05-01T10:00:00Z,m2\n";

static void test_reingest_changes_no_count(void **state)
{
    struct fixture *f = *state;
    struct ingest_stats st;

    load_accounts(f);
    assert_int_equal(load(f, "events.csv", events_csv, &st), CS_OK);
    assert_int_equal(st.read, 5);
    assert_int_equal(st.loaded, 4);
    assert_int_equal(st.replaced, 1);
    assert_int_equal(query_int(f, "SELECT sum(n) FROM event_day"), 4);
    assert_int_equal(query_int(f, "SELECT n FROM event_day JOIN account a"
                                  " ON a.id = account WHERE a.account_id ="
                                  " 'acme' AND day = 19844"),
                     2);
    /* 23:30 at -02:00 is the next UTC day. */
    assert_int_equal(query_int(f, "SELECT day FROM event_day JOIN event_name"
                                  " e ON e.id = event WHERE e.name ="
                                  " 'report.created'"),
                     date_from_civil(2024, 5, 3));

    assert_int_equal(load(f, "events.csv", events_csv, &st), CS_OK);
    assert_int_equal(st.loaded, 0);
    assert_int_equal(st.replaced, 5);
    assert_int_equal(query_int(f, "SELECT sum(n) FROM event_day"), 4);
    assert_int_equal(query_int(f, "SELECT count(*) FROM event_seen"), 4);
    assert_int_equal(query_int(f, "SELECT count(*) FROM app_user"), 3);
}

static void test_instants_keep_fractions_and_zones(void **state)
{
    struct fixture *f = *state;
    struct ingest_stats st;

    load_accounts(f);
    assert_int_equal(load(f, "t.csv",
                          "account_id,user_id,event,timestamp\n"
                          "acme,u1,click,2024-05-01T10:00:00.120Z\n"
                          "acme,u1,click,2024-05-01T10:00:00.12+00:00\n"
                          "acme,u1,click,2024-05-01T10:00:00.900Z\n"
                          "acme,u1,click,2024-05-01T12:00:00+02:00\n"
                          "acme,u1,click,2024-05-01T10:00:00.000Z\n",
                          &st),
                     CS_OK);
    assert_int_equal(st.loaded, 3);
    assert_int_equal(st.replaced, 2);
    assert_int_equal(query_int(f, "SELECT sum(n) FROM event_day"), 3);
}

static void test_json_lines_fast_and_full_parsing_agree(void **state)
{
    struct fixture *f = *state;
    struct ingest_stats st;

    assert_int_equal(
        load(f, "a.jsonl",
             "{\"account_id\": \"a1\", \"name\": \"Plain\", \"seats\": 10,"
             " \"signup_date\": \"2024-01-05\", \"arr\": null}\n"
             "{\"account_id\": \"a2\", \"name\": \"Esc\\\"aped\","
             " \"seats\": 10.0, \"signup_date\": \"2024-01-05\"}\n"
             "{\"account_id\": 3, \"name\": \"Dup\", \"name\": \"Second\","
             " \"signup_date\": \"2024-01-05\", \"extra\": {\"x\": 1}}\n"
             "{\"account_id\": \"a4\", \"name\": \"Four\", \"seats\": -0,"
             " \"signup_date\": \"2024-01-05\", \"extra\": 2}\n"
             "{\"account_id\": \"a5\", \"name\": \"Five\", \"seats\": 007,"
             " \"signup_date\": \"2024-01-05\"}\n",
             &st),
        CS_OK);
    assert_int_equal(st.loaded, 5);
    assert_int_equal(query_int(f, "SELECT seats FROM account WHERE account_id"
                                  " = 'a1' AND arr IS NULL"),
                     10);
    assert_int_equal(query_int(f, "SELECT seats FROM account WHERE account_id"
                                  " = 'a2' AND name = 'Esc\"aped'"),
                     10);
    assert_int_equal(query_int(f, "SELECT count(*) FROM account WHERE"
                                  " account_id = '3' AND name = 'Dup'"),
                     1);
    assert_int_equal(query_int(f, "SELECT seats FROM account WHERE account_id"
                                  " = 'a4'"),
                     0);
    /* cJSON reads a leading zero as a number; the fast path leaves such
     * values to it. */
    assert_int_equal(query_int(f, "SELECT seats FROM account WHERE account_id"
                                  " = 'a5'"),
                     7);
}

static void test_message_id_replacement_moves_the_count(void **state)
{
    struct fixture *f = *state;
    struct ingest_stats st;

    load_accounts(f);
    assert_int_equal(load(f, "a.jsonl",
                          "{\"account_id\":\"acme\",\"user_id\":\"u1\","
                          "\"event\":\"login\",\"timestamp\":"
                          "\"2024-05-01T10:00:00Z\",\"message_id\":\"m9\"}\n",
                          &st),
                     CS_OK);
    assert_int_equal(st.loaded, 1);
    assert_int_equal(load(f, "b.jsonl",
                          "{\"account_id\":\"beta\",\"user_id\":\"u1\","
                          "\"event\":\"login\",\"timestamp\":"
                          "\"2024-05-04T10:00:00Z\",\"message_id\":\"m9\"}\n",
                          &st),
                     CS_OK);
    assert_int_equal(st.loaded, 0);
    assert_int_equal(st.replaced, 1);
    assert_int_equal(query_int(f, "SELECT count(*) FROM event_day"), 1);
    assert_int_equal(query_int(f, "SELECT sum(n) FROM event_day"), 1);
    assert_int_equal(query_int(f, "SELECT a.account_id = 'beta' AND day ="
                                  " 19847 FROM event_day JOIN account a"
                                  " ON a.id = account"),
                     1);
}

/* 140,000 events, more than one batch: the second half repeats the first
 * half's message ids with another user, so every count moves, some inside
 * a batch and some across batches. */
static void test_moves_across_batches_keep_one_count_per_message(void **state)
{
    struct fixture *f = *state;
    struct ingest_stats st;
    size_t cap = 140000 * 64 + 64, len = 0;
    char *csv = malloc(cap);

    assert_non_null(csv);
    load_accounts(f);
    len += (size_t)snprintf(csv, cap,
                            "account_id,user_id,event,timestamp,"
                            "message_id\n");
    for (int i = 0; i < 140000; i++)
        len += (size_t)snprintf(csv + len, cap - len,
                                "%s,%s,e%d,2024-05-%02dT10:00:00Z,m%d\n",
                                i % 2 ? "acme" : "beta", i < 70000 ? "a" : "b",
                                i % 3, 1 + i % 28, i % 70000);
    assert_int_equal(load(f, "many.csv", csv, &st), CS_OK);
    free(csv);
    assert_int_equal(st.read, 140000);
    assert_int_equal(st.loaded, 70000);
    assert_int_equal(st.replaced, 70000);
    assert_int_equal(query_int(f, "SELECT count(*) FROM event_seen"), 70000);
    assert_int_equal(query_int(f, "SELECT sum(n) FROM event_day"), 70000);
    assert_int_equal(query_int(f, "SELECT count(*) FROM event_day JOIN"
                                  " app_user u ON u.id = user WHERE"
                                  " u.user_id = 'a'"),
                     0);
    /* (account, event, day) repeat every lcm(2, 3, 28) = 84 events. */
    assert_int_equal(query_int(f, "SELECT count(*) FROM event_day"), 84);
    assert_int_equal(query_int(f, "SELECT count(*) FROM event_day WHERE"
                                  " n <= 0"),
                     0);
}

static void test_accounts_upsert_keeps_the_row_id_and_ext_ids(void **state)
{
    struct fixture *f = *state;
    struct ingest_stats st;

    load_accounts(f);
    assert_int_equal(query_int(f, "SELECT id FROM account WHERE account_id"
                                  " = 'beta'"),
                     2);
    assert_int_equal(load(f, "again.csv",
                          "account_id,name,signup_date,seats\n"
                          "beta,Beta Two,2024-02-01,12\n",
                          &st),
                     CS_OK);
    assert_int_equal(st.replaced, 1);
    assert_int_equal(query_int(f, "SELECT id FROM account WHERE account_id"
                                  " = 'beta' AND name = 'Beta Two' AND"
                                  " seats = 12"),
                     2);
    assert_int_equal(query_int(f, "SELECT account FROM account_ext WHERE"
                                  " ext = 'hubspot:88'"),
                     1);
}

static void test_strict_loads_nothing_from_a_file_with_a_bad_row(void **state)
{
    struct fixture *f = *state;
    struct ingest_options opt = {.strict = true};
    struct ingest_stats st;
    char path[160];

    load_accounts(f);
    put(f, "contracts.csv",
        "account_id,start_date,end_date,seats\n"
        "acme,2024-01-01,2024-12-31,10\n"
        "beta,2024-01-01,2024-12-31,ten\n",
        path, sizeof(path));
    assert_int_equal(ingest_file(f->st, &opt, path, &st), CS_DATA);
    assert_int_equal(st.rejected, 1);
    assert_int_equal(query_int(f, "SELECT count(*) FROM contract"), 0);
    opt.strict = false;
    assert_int_equal(ingest_file(f->st, &opt, path, &st), CS_DATA);
    assert_int_equal(query_int(f, "SELECT count(*) FROM contract"), 1);
}

static void test_feedback_rules_and_keys(void **state)
{
    struct fixture *f = *state;
    static const char csv[] = "account_id,date,kind,score,text\n"
                              "acme,2024-05-01,nps,9,great\n"
                              "acme,2024-05-01,NPS,11,too high\n"
                              "acme,2024-05-01,rant,,what\n"
                              "acme,2024-05-01T22:00:00-05:00,csat,4.5,ok\n";
    struct ingest_stats st;

    load_accounts(f);
    assert_int_equal(load(f, "fb.csv", csv, &st), CS_DATA);
    assert_int_equal(st.loaded, 2);
    assert_int_equal(st.rejected, 2);
    assert_int_equal(query_int(f, "SELECT date FROM feedback WHERE kind ="
                                  " 'csat'"),
                     date_from_civil(2024, 5, 2));
    assert_int_equal(load(f, "fb.csv", csv, &st), CS_DATA);
    assert_int_equal(st.loaded, 0);
    assert_int_equal(st.replaced, 2);
    assert_int_equal(query_int(f, "SELECT count(*) FROM feedback"), 2);
}

static void test_zendesk_page_loads_tickets_through_external_ids(void **state)
{
    struct fixture *f = *state;
    struct ingest_stats st;

    load_accounts(f);
    assert_int_equal(
        load(f, "tickets.json",
             "{\"tickets\": [\n"
             "{\"id\": 7, \"organization_id\": 3601, \"created_at\":"
             " \"2024-05-01T10:00:00Z\", \"status\": \"closed\","
             " \"updated_at\": \"2024-05-02T10:00:00Z\", \"priority\":"
             " \"URGENT\", \"tags\": [\"a\", \"b\"]},\n"
             "{\"id\": 8, \"organization_id\": 42, \"created_at\":"
             " \"2024-05-01T10:00:00Z\"}\n"
             "], \"next_page\": null, \"count\": 2}\n",
             &st),
        CS_DATA);
    assert_int_equal(st.loaded, 1);
    assert_int_equal(st.rejected, 1);
    assert_int_equal(query_int(f, "SELECT account FROM ticket WHERE"
                                  " ticket_id = '7' AND priority = 'urgent'"
                                  " AND tags = 'a b' AND resolved_at -"
                                  " created_at = 86400"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zendesk_resolved_at_follows_the_rules),
        cmocka_unit_test(
            test_segment_account_comes_from_context_properties_or_group),
        cmocka_unit_test_setup_teardown(test_reingest_changes_no_count, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_instants_keep_fractions_and_zones,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_json_lines_fast_and_full_parsing_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_message_id_replacement_moves_the_count, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_moves_across_batches_keep_one_count_per_message, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_accounts_upsert_keeps_the_row_id_and_ext_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_strict_loads_nothing_from_a_file_with_a_bad_row, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_feedback_rules_and_keys, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_zendesk_page_loads_tickets_through_external_ids, setup,
            teardown),
    };

    mem_init();
    log_set_level(LOG_QUIET);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
