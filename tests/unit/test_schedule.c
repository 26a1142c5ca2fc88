/* Tests of the weekly schedule: defaults, overrides, bad entries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/log.h"
#include "csmap/schedule.h"
#include "csmap/signals.h"

static struct sig_account accounts[4];
static struct sig_segment segments[2];
static struct sig_set set;

static int setup(void **state)
{
    (void)state;
    memset(accounts, 0, sizeof(accounts));
    accounts[0].account_id = "a-red-stuck";
    accounts[0].health.band = "red";
    accounts[0].onboarding.stuck = true;
    accounts[1].account_id = "b-green-renewing";
    accounts[1].health.band = "green";
    accounts[1].renewal.in_window = true;
    accounts[1].expansion.potential = "high";
    accounts[2].account_id = "c-yellow-drop";
    accounts[2].health.band = "yellow";
    accounts[2].usage.anomaly = "drop";
    accounts[2].support.tickets_30d = 2;
    accounts[3].account_id = "d-quiet";
    accounts[3].health.band = "green";
    segments[0].name = "enterprise";
    segments[1].name = "smb";
    set.accounts = accounts;
    set.n_accounts = 4;
    set.segments = segments;
    set.n_segments = 2;
    return 0;
}

static struct config *parse(const char *text)
{
    struct config *cfg = NULL;

    assert_int_equal(config_parse("csmap.json", text, strlen(text), &cfg),
                     CS_OK);
    return cfg;
}

/* Count the items of artifact, and whether subject is among them. */
static size_t count(const struct schedule *s, const char *artifact,
                    const char *subject, bool *found)
{
    size_t n = 0;

    *found = false;
    for (size_t i = 0; i < s->n_items; i++) {
        if (strcmp(s->items[i].artifact, artifact) != 0)
            continue;
        n++;
        if (subject && strcmp(s->items[i].subject, subject) == 0)
            *found = true;
    }
    return n;
}

static void test_defaults_follow_the_design(void **state)
{
    struct config *cfg = parse("{}");
    struct schedule s;
    bool found;

    (void)state;
    assert_int_equal(schedule_build(cfg, &set, NULL, &s), CS_OK);
    assert_int_equal(count(&s, "activation-digest", "smb", &found), 2);
    assert_true(found);
    assert_int_equal(count(&s, "support-cluster-report", NULL, &found), 2);
    assert_int_equal(count(&s, "stuck-alert", "a-red-stuck", &found), 1);
    assert_true(found);
    assert_int_equal(count(&s, "followup-sequence", NULL, &found), 1);
    assert_int_equal(count(&s, "usage-anomaly", "c-yellow-drop", &found), 1);
    assert_true(found);
    assert_int_equal(count(&s, "health-brief", NULL, &found), 2);
    assert_int_equal(count(&s, "renewal-packet", "b-green-renewing", &found),
                     1);
    assert_int_equal(count(&s, "expansion-prep", NULL, &found), 1);
    assert_int_equal(count(&s, "proposal-blocks", NULL, &found), 1);
    assert_int_equal(count(&s, "feedback-themes", "enterprise", &found), 2);
    assert_true(found);
    assert_int_equal(count(&s, "sentiment-trend", NULL, &found), 2);
    assert_int_equal(count(&s, "support-digest", "c-yellow-drop", &found), 1);
    assert_true(found);
    assert_int_equal(count(&s, "qbr-prep", NULL, &found), 0);
    assert_int_equal(count(&s, "account-narrative", NULL, &found), 0);
    assert_int_equal(s.n_items, 17);
    schedule_release(&s);
    config_free(cfg);
}

static void test_configuration_replaces_and_adds_entries(void **state)
{
    struct config *cfg =
        parse("{\"artifacts\": {\"health-brief\": \"red\", "
              "\"stuck-alert\": false, \"qbr-prep\": [\"renewal_window\", "
              "\"anomaly\"]}}");
    struct schedule s;
    bool found;

    (void)state;
    assert_int_equal(schedule_build(cfg, &set, NULL, &s), CS_OK);
    assert_int_equal(count(&s, "health-brief", "a-red-stuck", &found), 1);
    assert_true(found);
    assert_int_equal(count(&s, "stuck-alert", NULL, &found), 0);
    assert_int_equal(count(&s, "qbr-prep", "c-yellow-drop", &found), 2);
    assert_true(found);
    schedule_release(&s);
    config_free(cfg);
}

static void test_map_and_schedule_agree_on_what_is_needed(void **state)
{
    struct config *cfg = parse("{\"artifacts\": {\"health-brief\": \"red\", "
                               "\"sentiment-trend\": false}}");

    (void)state;
    assert_true(schedule_wants_account(cfg, "health-brief", &accounts[0]));
    assert_false(schedule_wants_account(cfg, "health-brief", &accounts[2]));
    assert_true(schedule_wants_account(cfg, "usage-anomaly", &accounts[2]));
    assert_false(schedule_wants_account(cfg, "qbr-prep", &accounts[1]));
    assert_true(schedule_wants_segments(cfg, "feedback-themes"));
    assert_false(schedule_wants_segments(cfg, "sentiment-trend"));
    assert_false(schedule_wants_segments(cfg, "health-brief"));
    config_free(cfg);
}

static void test_true_asks_for_the_defaults_or_every_account(void **state)
{
    static const char *const known[] = {"health-brief", "qbr-prep", NULL};
    struct config *cfg = parse("{\"artifacts\": {\"health-brief\": true, "
                               "\"qbr-prep\": true}}");
    struct config *dflt = parse("{}");
    struct schedule s, d;
    bool found;

    (void)state;
    assert_int_equal(schedule_build(cfg, &set, known, &s), CS_OK);
    assert_int_equal(schedule_build(dflt, &set, known, &d), CS_OK);
    assert_int_equal(count(&s, "qbr-prep", NULL, &found), set.n_accounts);
    assert_int_equal(count(&s, "health-brief", NULL, &found),
                     count(&d, "health-brief", NULL, &found));
    assert_true(schedule_wants_account(cfg, "qbr-prep", &set.accounts[3]));
    schedule_release(&s);
    schedule_release(&d);
    config_free(cfg);
    config_free(dflt);
}

static void test_unknown_selector_or_artifact_is_refused(void **state)
{
    static const char *const known[] = {"health-brief", NULL};
    static const char bad_selector[] =
        "{\"artifacts\": {\"health-brief\": \"purple\"}}";
    struct config *cfg = NULL;
    struct config *cfg2 = parse("{\"artifacts\": {\"haiku\": \"all\"}}");
    struct schedule s;

    (void)state;
    /* A selector is checked when the configuration loads. */
    assert_int_equal(
        config_parse("csmap.json", bad_selector, strlen(bad_selector), &cfg),
        CS_CONFIG);
    assert_null(cfg);
    /* An artifact name, against the prompts, when the schedule is built. */
    assert_int_equal(schedule_check_names(cfg2, known), CS_CONFIG);
    assert_int_equal(schedule_build(cfg2, &set, known, &s), CS_CONFIG);
    assert_int_equal(s.n_items, 0);
    config_free(cfg2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults_follow_the_design, setup),
        cmocka_unit_test_setup(test_configuration_replaces_and_adds_entries,
                               setup),
        cmocka_unit_test_setup(test_map_and_schedule_agree_on_what_is_needed,
                               setup),
        cmocka_unit_test_setup(test_true_asks_for_the_defaults_or_every_account,
                               setup),
        cmocka_unit_test_setup(test_unknown_selector_or_artifact_is_refused,
                               setup),
    };

    log_set_level(LOG_QUIET);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
