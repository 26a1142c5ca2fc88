/* Tests of the artifact cache. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csmap/cache.h"
#include "csmap/config.h"
#include "csmap/llm.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/store.h"

struct fx {
    char dir[64];
    char db[96];
    struct store *st;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    snprintf(f->dir, sizeof(f->dir), "/tmp/csmap-cache-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof(f->db), "%s/csmap.db", f->dir);
    if (store_open(f->db, true, &f->st))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char path[128];

    store_close(f->st);
    unlink(f->db);
    snprintf(path, sizeof(path), "%s-wal", f->db);
    unlink(path);
    snprintf(path, sizeof(path), "%s-shm", f->db);
    unlink(path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static char artifact_buf[64], subject_buf[64], output_buf[256];

/* An entry whose strings point to static buffers (cache_put copies). */
static struct cache_entry entry(const char *key, const char *artifact,
                                const char *subject, const char *output,
                                int64_t created_at)
{
    struct cache_entry e;

    memset(&e, 0, sizeof(e));
    snprintf(e.key, sizeof(e.key), "%s", key);
    snprintf(artifact_buf, sizeof(artifact_buf), "%s", artifact);
    snprintf(subject_buf, sizeof(subject_buf), "%s", subject);
    snprintf(output_buf, sizeof(output_buf), "%s", output);
    e.artifact = artifact_buf;
    e.subject = subject_buf;
    e.output = output_buf;
    e.as_of = 20000;
    e.input_tokens = 1000;
    e.output_tokens = 200;
    e.cost = 0.25;
    e.latency_ms = 1234;
    e.created_at = created_at;
    return e;
}

#define KEY_A "aaaa1111000000000000000000000000000000000000000000000000000000"
#define KEY_B "aaaa2222000000000000000000000000000000000000000000000000000000"
#define KEY_C "bbbb0000000000000000000000000000000000000000000000000000000000"

static void test_put_then_get_returns_every_field(void **state)
{
    struct fx *f = *state;
    struct cache_entry e =
        entry(KEY_A "00", "health-brief", "A1", "## Health\n", 1700000000);
    struct cache_entry *got = NULL;
    char checks[] = "{\"ungrounded\":[\"42\"]}";
    char name[] = "health-brief", version[] = "3", model[] = "gpt-4o-mini";

    e.checks = checks;
    e.prompt_name = name;
    e.prompt_version = version;
    e.model = model;
    assert_int_equal(cache_put(f->st, &e), CS_OK);
    assert_int_equal(cache_get(f->st, KEY_A "00", &got), CS_OK);
    assert_string_equal(got->key, KEY_A "00");
    assert_string_equal(got->artifact, "health-brief");
    assert_string_equal(got->subject, "A1");
    assert_string_equal(got->output, "## Health\n");
    assert_string_equal(got->checks, "{\"ungrounded\":[\"42\"]}");
    assert_string_equal(got->prompt_name, "health-brief");
    assert_string_equal(got->prompt_version, "3");
    assert_string_equal(got->model, "gpt-4o-mini");
    assert_null(got->provider);
    assert_int_equal(got->as_of, 20000);
    assert_int_equal(got->input_tokens, 1000);
    assert_int_equal(got->output_tokens, 200);
    assert_true(got->cost == 0.25);
    assert_int_equal(got->latency_ms, 1234);
    assert_int_equal(got->created_at, 1700000000);
    cache_entry_free(got);
}

static void test_miss_is_not_found(void **state)
{
    struct fx *f = *state;
    struct cache_entry *got = (struct cache_entry *)1;

    assert_int_equal(cache_get(f->st, KEY_C "00", &got), CS_NOTFOUND);
    assert_null(got);
}

static long count_rows(struct fx *f)
{
    sqlite3_stmt *s;
    long n = -1;

    sqlite3_prepare_v2(store_db(f->st), "SELECT count(*) FROM cache_entry", -1,
                       &s, NULL);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static void test_refresh_replaces_and_new_keys_keep_history(void **state)
{
    struct fx *f = *state;
    struct cache_entry e =
        entry(KEY_A "00", "health-brief", "A1", "old", 1700000000);
    struct cache_entry *got = NULL;

    assert_int_equal(cache_put(f->st, &e), CS_OK);
    e = entry(KEY_A "00", "health-brief", "A1", "new", 1700000100);
    assert_int_equal(cache_put(f->st, &e), CS_OK);
    assert_int_equal(count_rows(f), 1);
    assert_int_equal(cache_get(f->st, KEY_A "00", &got), CS_OK);
    assert_string_equal(got->output, "new");
    cache_entry_free(got);
    e = entry(KEY_B "00", "health-brief", "A1", "next week", 1700600000);
    assert_int_equal(cache_put(f->st, &e), CS_OK);
    assert_int_equal(count_rows(f), 2);
}

static void test_put_commits_at_once(void **state)
{
    struct fx *f = *state;
    struct cache_entry e = entry(KEY_C "00", "stuck-alert", "A9", "x", 0);
    struct store *other = NULL;
    struct cache_entry *got = NULL;

    assert_int_equal(cache_put(f->st, &e), CS_OK);
    /* Another connection sees it: it was committed, not left open. */
    assert_int_equal(store_open(f->db, false, &other), CS_OK);
    assert_int_equal(cache_get(other, KEY_C "00", &got), CS_OK);
    assert_string_equal(got->subject, "A9");
    assert_true(got->created_at > 1700000000);
    cache_entry_free(got);
    store_close(other);
}

static void put3(struct fx *f)
{
    struct cache_entry e = entry(KEY_A "00", "health-brief", "A1", "1",
                                 1700000000); /* 2023-11-14 */
    assert_int_equal(cache_put(f->st, &e), CS_OK);
    e = entry(KEY_B "00", "health-brief", "A2", "2", 1700000000 + 86400);
    e.input_tokens = 500;
    e.cost = 0.5;
    assert_int_equal(cache_put(f->st, &e), CS_OK);
    e = entry(KEY_C "00", "renewal-packet", "A1", "3",
              1702000000); /* 2023-12-08 */
    assert_int_equal(cache_put(f->st, &e), CS_OK);
}

static void test_prefix_resolves_when_unique(void **state)
{
    struct fx *f = *state;
    char key[65];

    put3(f);
    assert_int_equal(cache_resolve(f->st, "aaaa2", key), CS_OK);
    assert_string_equal(key, KEY_B "00");
    assert_int_equal(cache_resolve(f->st, "BBBB", key), CS_OK);
    assert_string_equal(key, KEY_C "00");
    log_set_level(LOG_QUIET);
    assert_int_equal(cache_resolve(f->st, "aaaa", key), CS_USAGE);
    assert_int_equal(cache_resolve(f->st, "cccc", key), CS_NOTFOUND);
    assert_int_equal(cache_resolve(f->st, "aa", key), CS_USAGE);
    assert_int_equal(cache_resolve(f->st, "zzzz", key), CS_USAGE);
    log_set_level(LOG_WARN);
}

struct seen {
    char subjects[8][16];
    int n;
};

static enum csmap_rc note(void *ctx, const struct cache_entry *e)
{
    struct seen *s = ctx;

    snprintf(s->subjects[s->n++], 16, "%s", e->subject);
    return CS_OK;
}

static void test_list_filters_newest_first(void **state)
{
    struct fx *f = *state;
    struct cache_filter all = {NULL, NULL}, briefs = {"health-brief", NULL};
    struct cache_filter a1 = {NULL, "A1"};
    struct seen s;

    put3(f);
    memset(&s, 0, sizeof(s));
    assert_int_equal(cache_list(f->st, &all, note, &s), CS_OK);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.subjects[0], "A1"); /* renewal, newest */
    assert_string_equal(s.subjects[1], "A2");
    assert_string_equal(s.subjects[2], "A1");
    memset(&s, 0, sizeof(s));
    assert_int_equal(cache_list(f->st, &briefs, note, &s), CS_OK);
    assert_int_equal(s.n, 2);
    memset(&s, 0, sizeof(s));
    assert_int_equal(cache_list(f->st, &a1, note, &s), CS_OK);
    assert_int_equal(s.n, 2);
}

static void test_remove_and_prune(void **state)
{
    struct fx *f = *state;
    long removed = -1;

    put3(f);
    assert_int_equal(cache_remove(f->st, KEY_B "00"), CS_OK);
    assert_int_equal(cache_remove(f->st, KEY_B "00"), CS_NOTFOUND);
    assert_int_equal(count_rows(f), 2);
    /* 30 days before 2023-12-10 is 2023-11-10: nothing that old. */
    assert_int_equal(cache_prune(f->st, 30, 1702200000, &removed), CS_OK);
    assert_int_equal(removed, 0);
    /* 10 days before: the entry of 2023-11-14 goes, 2023-12-08 stays. */
    assert_int_equal(cache_prune(f->st, 10, 1702200000, &removed), CS_OK);
    assert_int_equal(removed, 1);
    assert_int_equal(count_rows(f), 1);
}

static void test_stats_group_by_artifact_and_month(void **state)
{
    struct fx *f = *state;
    struct cache_stats s;
    struct cache_run run;

    put3(f);
    assert_int_equal(cache_run_begin(f->st, &run), CS_OK);
    cache_run_note(&run, true);
    cache_run_note(&run, true);
    cache_run_note(&run, true);
    cache_run_note(&run, false);
    assert_int_equal(cache_run_end(f->st, &run), CS_OK);
    assert_int_equal(cache_stats(f->st, &s), CS_OK);
    assert_int_equal(s.entries, 3);
    assert_int_equal(s.last_run_id, run.id);
    assert_int_equal(s.last_hits, 3);
    assert_int_equal(s.last_misses, 1);
    assert_int_equal(s.n_by_artifact, 2);
    assert_string_equal(s.by_artifact[0].name, "health-brief");
    assert_int_equal(s.by_artifact[0].entries, 2);
    assert_int_equal(s.by_artifact[0].input_tokens, 1500);
    assert_int_equal(s.by_artifact[0].output_tokens, 400);
    assert_true(s.by_artifact[0].cost == 0.75);
    assert_string_equal(s.by_artifact[1].name, "renewal-packet");
    assert_int_equal(s.n_by_month, 2);
    assert_string_equal(s.by_month[0].name, "2023-11");
    assert_int_equal(s.by_month[0].entries, 2);
    assert_string_equal(s.by_month[1].name, "2023-12");
    assert_int_equal(s.by_month[1].entries, 1);
    cache_stats_release(&s);
}

static void test_cost_uses_prices_per_million_tokens(void **state)
{
    struct config *cfg = NULL;
    const char *json = "{\"llm\": {\"price_per_mtok\": {\"input\": 0.15, "
                       "\"output\": 0.60}}}";

    (void)state;
    assert_int_equal(config_parse("csmap.json", json, strlen(json), &cfg),
                     CS_OK);
    /* 2,000,000 x 0.15 / 1e6 + 500,000 x 0.60 / 1e6 = 0.30 + 0.30 */
    assert_true(cache_cost(cfg, 2000000, 500000) > 0.5999999);
    assert_true(cache_cost(cfg, 2000000, 500000) < 0.6000001);
    assert_true(cache_cost(NULL, 10, 10) == 0.0);
    config_free(cfg);
}

static void test_a_failed_answer_is_not_cached(void **state)
{
    struct fx *f = *state;
    struct llm_done_info info;
    struct llm_response resp;
    char text[] = "partial";

    memset(&info, 0, sizeof(info));
    memset(&resp, 0, sizeof(resp));
    snprintf(info.key, sizeof(info.key), "%s", KEY_A "00");
    info.artifact = "health-brief";
    info.subject = "A1";
    resp.rc = CS_TEMP;
    resp.text = text;
    assert_int_equal(cache_put_answer(f->st, NULL, &info, &resp, NULL),
                     CS_DATA);
    assert_int_equal(count_rows(f), 0);
    resp.rc = CS_OK;
    assert_int_equal(cache_put_answer(f->st, NULL, &info, &resp, "[]"), CS_OK);
    assert_int_equal(count_rows(f), 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_put_then_get_returns_every_field),
        T(test_miss_is_not_found),
        T(test_refresh_replaces_and_new_keys_keep_history),
        T(test_put_commits_at_once),
        T(test_prefix_resolves_when_unique),
        T(test_list_filters_newest_first),
        T(test_remove_and_prune),
        T(test_stats_group_by_artifact_and_month),
        cmocka_unit_test(test_cost_uses_prices_per_million_tokens),
        T(test_a_failed_answer_is_not_cached),
    };

    mem_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
