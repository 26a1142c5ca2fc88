/* Tests of the map's view model and its renderings on hand-built signals. */
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

#include "csmap/cache.h"
#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/report.h"
#include "csmap/signals.h"
#include "csmap/store.h"
#include "../../src/report/internal.h"

#define AS_OF 20500 /* 2026-02-16 */

struct fixture {
    struct config *cfg;
    struct sig_account acc[4];
    struct sig_segment seg[2];
    struct sig_set now;
    struct sig_segment seg_before[1];
    struct sig_account acc_before[1];
    struct sig_set before;
};

/* A healthy, activated, renewing-later account with no support data. */
static void calm_account(struct sig_account *a, const char *id,
                         const char *name, const char *segment, double arr)
{
    memset(a, 0, sizeof(*a));
    a->account_id = id;
    a->name = name;
    a->segment = segment;
    a->signup_date = AS_OF - 300;
    a->onboarding.steps_total = 2;
    a->onboarding.steps_done = 2;
    a->onboarding.activated = true;
    a->usage.has_core_ever = true;
    a->usage.trend_pct = 3;
    for (int k = 0; k < SIG_WEEKS; k++)
        a->usage.weekly[k] = 10 + k;
    a->health.has_score = true;
    a->health.score = 82;
    a->health.band = "green";
    a->renewal.has_days_to_renewal = true;
    a->renewal.days_to_renewal = 200;
    a->renewal.renewal_date = AS_OF + 200;
    a->renewal.risk = "low";
    a->renewal.arr = arr;
    a->renewal.has_arr = true;
    a->expansion.potential = "low";
}

/*
 * Segment "smb": A (100, high expansion potential), B (300, stuck in
 * onboarding), C (600, dormant).  Segment "ent": D (1000, red health).
 * Before (28 days earlier): smb had only B, not stuck.
 */
static int setup(void **state)
{
    static struct fixture f;
    const char *json = "{\"onboarding\": {\"owner\": \"Ana\"},"
                       " \"usage\": {\"owner\": \"Ben\"}}";

    memset(&f, 0, sizeof(f));
    if (config_parse("csmap.json", json, strlen(json), &f.cfg))
        return -1;
    calm_account(&f.acc[0], "acc-a", "Alpha", "smb", 100);
    f.acc[0].expansion.potential = "high";
    calm_account(&f.acc[1], "acc-b", "Beta", "smb", 300);
    f.acc[1].onboarding.activated = false;
    f.acc[1].onboarding.steps_done = 1;
    f.acc[1].onboarding.stuck = true;
    f.acc[1].onboarding.current_step = "first_report";
    f.acc[1].onboarding.days_since_progress = 12;
    f.acc[1].signup_date = AS_OF - 20;
    calm_account(&f.acc[2], "acc-c", "Gamma", "smb", 600);
    f.acc[2].usage.dormant = true;
    f.acc[2].usage.has_days_since_core = true;
    f.acc[2].usage.days_since_core = 20;
    calm_account(&f.acc[3], "acc-d", "Delta", "ent", 1000);
    f.acc[3].health.band = "red";
    f.acc[3].health.score = 31;

    f.seg[0].name = "ent";
    f.seg[0].accounts = 1;
    f.seg[1].name = "smb";
    f.seg[1].accounts = 3;
    f.seg[1].stuck = 1;
    f.seg[1].dormant = 1;
    f.now.as_of = AS_OF;
    f.now.cfg = f.cfg;
    f.now.accounts = f.acc;
    f.now.n_accounts = 4;
    f.now.segments = f.seg;
    f.now.n_segments = 2;

    calm_account(&f.acc_before[0], "acc-b", "Beta", "smb", 300);
    f.seg_before[0].name = "smb";
    f.seg_before[0].accounts = 1;
    f.before.as_of = AS_OF - 28;
    f.before.cfg = f.cfg;
    f.before.accounts = f.acc_before;
    f.before.n_accounts = 1;
    f.before.segments = f.seg_before;
    f.before.n_segments = 1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    config_free(f->cfg);
    return 0;
}

static cJSON *build(struct fixture *f, const char *segment,
                    const struct report_artifact *arts, size_t n_arts)
{
    struct report_input in = {&f->now, &f->before, arts,
                              n_arts,  segment,    "test"};
    cJSON *model = NULL;

    assert_int_equal(report_model(&in, &model), CS_OK);
    return model;
}

static cJSON *page_of(cJSON *model, const char *segment)
{
    cJSON *p;

    cJSON_ArrayForEach(p, cJSON_GetObjectItem(model, "pages"))
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(p, "segment")),
                   segment) == 0)
            return p;
    }
    fail_msg("no page for segment %s", segment);
    return NULL;
}

static cJSON *path(cJSON *o, const char *key, int index)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(o, key), index);
}

static const char *str(cJSON *o, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItem(o, key));
}

static double num(cJSON *o, const char *key)
{
    return cJSON_GetNumberValue(cJSON_GetObjectItem(o, key));
}

static void test_stuck_and_overdue_onboarding_are_problems(void **state)
{
    struct fixture *f = *state;
    struct sig_account a;
    char why[REPORT_WHY];

    assert_int_equal(sig_stage_status(&f->now, &f->acc[1], STAGE_ONBOARDING,
                                      why, sizeof(why)),
                     STATUS_PROBLEM);
    assert_string_equal(why, "stuck at first_report for 12 days");

    a = f->acc[1];
    a.onboarding.stuck = false;
    a.signup_date = AS_OF - 90; /* the default 90-day window is over */
    assert_int_equal(
        sig_stage_status(&f->now, &a, STAGE_ONBOARDING, why, sizeof(why)),
        STATUS_PROBLEM);
    assert_string_equal(why, "not activated after 90 days (1 of 2 steps)");

    a.signup_date = AS_OF - 89;
    assert_int_equal(
        sig_stage_status(&f->now, &a, STAGE_ONBOARDING, why, sizeof(why)),
        STATUS_WATCH);
    a.onboarding.steps_total = 0;
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_ONBOARDING, NULL, 0),
                     STATUS_NO_DATA);
}

static void test_usage_support_feedback_rules(void **state)
{
    struct fixture *f = *state;
    struct sig_account a = f->acc[0];
    const char *repeat[] = {"billing", "sso"};
    char why[REPORT_WHY];

    a.usage.anomaly = "drop";
    a.usage.anomaly_z = -2.6;
    assert_int_equal(
        sig_stage_status(&f->now, &a, STAGE_USAGE, why, sizeof(why)),
        STATUS_PROBLEM);
    assert_string_equal(why, "usage drop (z -2.6)");
    a.usage.anomaly = "spike";
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_USAGE, NULL, 0),
                     STATUS_OK);
    a.usage.trend_pct = -20;
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_USAGE, NULL, 0),
                     STATUS_WATCH);

    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_SUPPORT, NULL, 0),
                     STATUS_NO_DATA);
    a.support.tickets_ever = 4;
    a.support.open_tickets = 1;
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_SUPPORT, NULL, 0),
                     STATUS_WATCH);
    a.support.high_priority_90d = 1;
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_SUPPORT, NULL, 0),
                     STATUS_PROBLEM);
    a.support.open_tickets = 0;
    a.support.high_priority_90d = 0;
    a.support.repeat_topics = repeat;
    a.support.n_repeat_topics = 2;
    assert_int_equal(
        sig_stage_status(&f->now, &a, STAGE_SUPPORT, why, sizeof(why)),
        STATUS_PROBLEM);
    assert_string_equal(why, "repeat topics: billing, sso");

    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_FEEDBACK, NULL, 0),
                     STATUS_NO_DATA);
    a.feedback.has_nps_180d = true;
    a.feedback.nps_180d = 0;
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_FEEDBACK, NULL, 0),
                     STATUS_OK);
    a.feedback.nps_180d = -10;
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_FEEDBACK, NULL, 0),
                     STATUS_PROBLEM);
    a.feedback.nps_180d = 40;
    a.feedback.has_sentiment_90d = true;
    a.feedback.sentiment_90d = -0.1;
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_FEEDBACK, NULL, 0),
                     STATUS_WATCH);
    a.feedback.sentiment_90d = -0.2;
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_FEEDBACK, NULL, 0),
                     STATUS_PROBLEM);
}

static void test_health_renewal_expansion_rules(void **state)
{
    struct fixture *f = *state;
    struct sig_account a = f->acc[0];

    assert_int_equal(
        sig_stage_status(&f->now, &f->acc[3], STAGE_HEALTH, NULL, 0),
        STATUS_PROBLEM);
    a.health.band = "yellow";
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_HEALTH, NULL, 0),
                     STATUS_WATCH);
    a.renewal.risk = "high";
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_RENEWAL, NULL, 0),
                     STATUS_WATCH);
    a.renewal.in_window = true;
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_RENEWAL, NULL, 0),
                     STATUS_PROBLEM);
    a.renewal.has_days_to_renewal = false;
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_RENEWAL, NULL, 0),
                     STATUS_NO_DATA);
    assert_int_equal(sig_stage_status(&f->now, &a, STAGE_EXPANSION, NULL, 0),
                     STATUS_OPPORTUNITY);
    /* An opportunity is not ARR at stake. */
    assert_true(sig_arr_at_stake(&f->now, &f->acc[0]) == 0);
    assert_true(sig_arr_at_stake(&f->now, &f->acc[1]) == 300);
}

static void test_friction_is_the_share_of_segment_arr(void **state)
{
    struct fixture *f = *state;
    cJSON *model = build(f, NULL, NULL, 0);
    cJSON *smb = page_of(model, "smb");
    cJSON *onb =
        cJSON_GetObjectItem(path(smb, "stages", STAGE_ONBOARDING), "friction");
    cJSON *use =
        cJSON_GetObjectItem(path(smb, "stages", STAGE_USAGE), "friction");
    cJSON *exp =
        cJSON_GetObjectItem(path(smb, "stages", STAGE_EXPANSION), "friction");

    /* B: 300 of 1000 stuck; C: 600 of 1000 dormant; A: 100 upside. */
    assert_true(num(onb, "share") == 0.3);
    assert_string_equal(str(onb, "share_text"), "30%");
    assert_string_equal(str(onb, "class"), "problem");
    assert_true(num(use, "share") == 0.6);
    assert_true(num(exp, "share") == 0.1);
    assert_string_equal(str(exp, "label"), "ARR opportunity");
    assert_string_equal(str(exp, "class"), "opportunity");
    assert_true(num(smb, "arr_at_stake") == 900);
    assert_string_equal(str(smb, "arr_at_stake_share_text"), "90%");
    assert_string_equal(str(path(smb, "stages", STAGE_ONBOARDING), "owner"),
                        "Ana");
    cJSON_Delete(model);
}

static void test_trend_compares_with_four_weeks_before(void **state)
{
    struct fixture *f = *state;
    cJSON *model = build(f, "smb", NULL, 0);
    cJSON *smb = page_of(model, "smb");
    cJSON *onb = path(smb, "stages", STAGE_ONBOARDING);
    cJSON *stuck = path(onb, "signals", 2);
    cJSON *fr = cJSON_GetObjectItem(onb, "friction");

    assert_string_equal(str(model, "compared_to"), "2026-01-19");
    assert_string_equal(str(stuck, "label"), "Stuck");
    assert_string_equal(str(stuck, "value_text"), "1");
    assert_string_equal(str(stuck, "delta_text"), "+1");
    assert_string_equal(str(stuck, "arrow"), "\u2191");
    assert_string_equal(str(stuck, "tone"), "bad");
    /* Before, B alone was 100% of the ARR and not stuck: 0 -> 30%. */
    assert_string_equal(str(fr, "delta_text"), "+30 pts");
    assert_string_equal(str(fr, "tone"), "bad");
    cJSON_Delete(model);
}

static void test_heat_map_sorts_by_arr_at_stake(void **state)
{
    struct fixture *f = *state;
    cJSON *model = build(f, "smb", NULL, 0);
    cJSON *smb = page_of(model, "smb");
    cJSON *c = path(smb, "accounts", 0);

    assert_string_equal(str(c, "account_id"), "acc-c");
    assert_string_equal(str(path(smb, "accounts", 1), "account_id"), "acc-b");
    assert_string_equal(str(path(smb, "accounts", 2), "account_id"), "acc-a");
    assert_string_equal(str(c, "anchor"), "a-acc-c");
    assert_string_equal(str(path(c, "cells", STAGE_USAGE), "symbol"), "!!");
    assert_string_equal(str(path(c, "cells", STAGE_USAGE), "status"),
                        "problem");
    assert_string_equal(str(path(c, "cells", STAGE_SUPPORT), "symbol"), "--");
    assert_string_equal(str(path(c, "cells", STAGE_HEALTH), "symbol"), "ok");
    cJSON_Delete(model);
}

static void test_backlog_ranks_stages_by_arr(void **state)
{
    struct fixture *f = *state;
    cJSON *model = build(f, "smb", NULL, 0);
    cJSON *smb = page_of(model, "smb");
    cJSON *first = path(smb, "backlog", 0);

    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(smb, "backlog")),
                     3);
    assert_string_equal(str(first, "stage"), "usage");
    assert_string_equal(str(first, "owner"), "Ben");
    assert_string_equal(str(first, "signal"), "1 dormant");
    assert_string_equal(str(first, "arr_text"), "600");
    assert_string_equal(str(path(first, "accounts", 0), "name"), "Gamma");
    assert_string_equal(str(path(smb, "backlog", 1), "stage"), "onboarding");
    assert_string_equal(str(path(smb, "backlog", 2), "stage"), "expansion");
    assert_string_equal(str(path(smb, "backlog", 2), "kind"), "opportunity");
    cJSON_Delete(model);
}

static void test_artifacts_are_fresh_stale_or_missing(void **state)
{
    struct fixture *f = *state;
    const struct report_artifact arts[] = {
        {"stuck-alert", "acc-b", "stale", NULL, 0, AS_OF - 21},
        {"stuck-alert", "acc-b", "fresh", "arts/b.md", 2, AS_OF - 2},
        {"activation-digest", "smb", "fresh", NULL, 0, AS_OF},
    };
    cJSON *model = build(f, "smb", arts, 3);
    cJSON *onb = path(page_of(model, "smb"), "stages", STAGE_ONBOARDING);
    cJSON *digest = path(onb, "artifacts", 0);
    cJSON *alert = path(onb, "artifacts", 1);
    cJSON *followup = path(onb, "artifacts", 2);
    cJSON *b = path(page_of(model, "smb"), "accounts", 1);

    assert_string_equal(str(digest, "status"), "fresh");
    assert_string_equal(str(alert, "text"), "1 needed: 1 fresh");
    assert_string_equal(str(alert, "ungrounded_text"), "2 ungrounded numbers");
    assert_string_equal(str(followup, "status"), "missing");
    assert_string_equal(str(followup, "text"), "1 needed: 1 missing");
    assert_string_equal(str(path(b, "artifacts", 0), "path"), "arts/b.md");
    assert_string_equal(str(path(b, "artifacts", 0), "as_of"), "2026-02-14");
    cJSON_Delete(model);
}

static void test_unknown_segment_is_not_found(void **state)
{
    struct fixture *f = *state;
    struct report_input in = {&f->now, NULL, NULL, 0, "mid", NULL};
    cJSON *model = NULL;

    assert_int_equal(report_model(&in, &model), CS_NOTFOUND);
    assert_null(model);
}

static void test_html_escapes_customer_text_and_stays_offline(void **state)
{
    struct fixture *f = *state;
    struct buf out = BUF_INIT;
    cJSON *model;
    const char *html;

    f->acc[2].name = "<b>Evil & \"Co\"</b>";
    model = build(f, NULL, NULL, 0);
    assert_int_equal(report_set_links(model, NULL, NULL, NULL), CS_OK);
    assert_int_equal(report_render(model, REPORT_HTML, -1, false, &out), CS_OK);
    html = buf_str(&out);
    assert_non_null(strstr(html, "&lt;b&gt;Evil &amp; &quot;Co&quot;"));
    assert_null(strstr(html, "<b>Evil"));
    assert_non_null(strstr(html, "default-src 'none'"));
    assert_non_null(strstr(html, "<html lang=\"en\">"));
    assert_non_null(strstr(html, "id=\"seg-smb-heatmap\""));
    assert_non_null(strstr(html, "id=\"seg-ent-onboarding\""));
    assert_non_null(strstr(html, "href=\"#seg-smb\""));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "src=\"http"));
    buf_release(&out);
    cJSON_Delete(model);
    f->acc[2].name = "Gamma";
}

static void test_markdown_keeps_tables_whole(void **state)
{
    struct fixture *f = *state;
    struct buf out = BUF_INIT;
    cJSON *model;

    f->acc[2].name = "Pipe | Co\n[x](y)";
    model = build(f, "smb", NULL, 0);
    assert_int_equal(report_render(model, REPORT_MD, -1, false, &out), CS_OK);
    assert_non_null(
        strstr(buf_str(&out), "| Pipe \\| Co \\[x\\](y) | 600 | 600 |"));
    assert_non_null(strstr(buf_str(&out), "# Customer success map: smb"));
    buf_release(&out);
    cJSON_Delete(model);
    f->acc[2].name = "Gamma";
}

static void test_links_name_one_file_per_segment(void **state)
{
    struct fixture *f = *state;
    cJSON *model = build(f, NULL, NULL, 0);

    assert_int_equal(report_set_links(model, "map", ".html", "map.html"),
                     CS_OK);
    assert_string_equal(str(path(model, "segments", 0), "href"),
                        "map-ent.html");
    assert_string_equal(str(path(model, "segments", 1), "href"),
                        "map-smb.html");
    assert_string_equal(str(path(model, "pages", 1), "index_href"), "map.html");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(model, "has_index")));
    cJSON_Delete(model);
}

static void put(struct store *st, const char *key, const char *artifact,
                const char *subject, int32_t as_of, const char *checks)
{
    struct cache_entry e;
    char out[] = "answer";

    memset(&e, 0, sizeof(e));
    snprintf(e.key, sizeof(e.key), "%s", key);
    e.artifact = (char *)(uintptr_t)artifact;
    e.subject = (char *)(uintptr_t)subject;
    e.as_of = as_of;
    e.output = out;
    e.checks = (char *)(uintptr_t)checks;
    e.created_at = 1700000000 + as_of;
    assert_int_equal(cache_put(st, &e), CS_OK);
}

static void test_cache_gives_fresh_stale_and_ungrounded(void **state)
{
    char dir[] = "/tmp/csmap-report-XXXXXX";
    char db[64];
    struct store *st = NULL;
    struct report_artifact_list list = {NULL, 0, 0};
    const struct report_artifact *fresh = NULL, *stale = NULL;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof(db), "%s/csmap.db", dir);
    assert_int_equal(store_open(db, true, &st), CS_OK);
    put(st, "k1", "stuck-alert", "acc-b", AS_OF - 6,
        "{\"ungrounded\": [\"$48k\", \"17\"]}");
    put(st, "k2", "stuck-alert", "acc-c", AS_OF - 7, NULL);
    put(st, "k3", "activation-digest", "smb", AS_OF + 1, "{}");
    assert_int_equal(report_artifacts_from_store(st, AS_OF, &list), CS_OK);

    /* The one made after the map's date does not exist yet for the map. */
    assert_int_equal(list.n, 2);
    for (size_t i = 0; i < list.n; i++) {
        if (strcmp(list.items[i].subject, "acc-b") == 0)
            fresh = &list.items[i];
        else
            stale = &list.items[i];
    }
    assert_non_null(fresh);
    assert_non_null(stale);
    assert_string_equal(fresh->status, "fresh");
    assert_int_equal(fresh->ungrounded, 2);
    assert_int_equal(fresh->as_of, AS_OF - 6);
    assert_string_equal(stale->subject, "acc-c");
    assert_string_equal(stale->status, "stale");
    assert_int_equal(stale->ungrounded, 0);

    report_artifact_list_release(&list);
    store_close(st);
    unlink(db);
    strcat(db, "-wal");
    unlink(db);
    strcpy(db + strlen(db) - 4, "-shm");
    unlink(db);
    assert_int_equal(rmdir(dir), 0);
}

static void test_formats(void **state)
{
    char t[32];

    (void)state;
    fmt_money(t, sizeof(t), 950);
    assert_string_equal(t, "950");
    fmt_money(t, sizeof(t), 1500);
    assert_string_equal(t, "1.5k");
    fmt_money(t, sizeof(t), 340000);
    assert_string_equal(t, "340k");
    fmt_money(t, sizeof(t), 1260000);
    assert_string_equal(t, "1.3M");
    fmt_share(t, sizeof(t), 0.004);
    assert_string_equal(t, "<1%");
    fmt_share(t, sizeof(t), 0.235);
    assert_string_equal(t, "24%");
    fmt_anchor(t, sizeof(t), "a-", "x_y z");
    assert_string_equal(t, "a-x_5fy_20z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stuck_and_overdue_onboarding_are_problems),
        cmocka_unit_test(test_usage_support_feedback_rules),
        cmocka_unit_test(test_health_renewal_expansion_rules),
        cmocka_unit_test(test_friction_is_the_share_of_segment_arr),
        cmocka_unit_test(test_trend_compares_with_four_weeks_before),
        cmocka_unit_test(test_heat_map_sorts_by_arr_at_stake),
        cmocka_unit_test(test_backlog_ranks_stages_by_arr),
        cmocka_unit_test(test_artifacts_are_fresh_stale_or_missing),
        cmocka_unit_test(test_unknown_segment_is_not_found),
        cmocka_unit_test(test_html_escapes_customer_text_and_stays_offline),
        cmocka_unit_test(test_markdown_keeps_tables_whole),
        cmocka_unit_test(test_links_name_one_file_per_segment),
        cmocka_unit_test(test_cache_gives_fresh_stale_and_ungrounded),
        cmocka_unit_test(test_formats),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
