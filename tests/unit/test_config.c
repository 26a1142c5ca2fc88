/* Tests of the configuration loader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/embedded.h"
#include "csmap/log.h"
#include "csmap/regex.h"

static struct config *parse(const char *text)
{
    struct config *cfg = NULL;

    config_parse("csmap.json", text, strlen(text), &cfg);
    return cfg;
}

static void test_empty_object_gives_documented_defaults(void **state)
{
    struct config *cfg = parse("{}");

    (void)state;
    assert_non_null(cfg);
    assert_string_equal(cfg->segment_field, "segment");
    assert_string_equal(cfg->onboarding.owner, "Onboarding lead");
    assert_string_equal(cfg->usage.owner, "CS lead");
    assert_string_equal(cfg->support.owner, "Support lead");
    assert_string_equal(cfg->renewal.owner, "Account manager");
    assert_int_equal(cfg->onboarding.stuck_after_days, 7);
    assert_int_equal(cfg->onboarding.window_days, 90);
    assert_int_equal(cfg->usage.dormant_after_days, 14);
    assert_true(cfg->usage.anomaly_z == 2.0);
    assert_int_equal(cfg->support.repeat_min, 3);
    assert_true(cfg->health.w_usage == 0.4);
    assert_true(cfg->health.band_red == 40);
    assert_true(cfg->health.band_yellow == 70);
    assert_int_equal(cfg->renewal.window_days, 60);
    assert_string_equal(cfg->llm.provider, "openai");
    assert_string_equal(cfg->llm.api_key_env, "OPENAI_API_KEY");
    assert_true(cfg->llm.redact);
    assert_false(config_ready_for_signals(cfg));
    config_free(cfg);
}

static void test_init_template_parses_and_is_ready(void **state)
{
    const struct embedded_file *f = embedded_find("templates/init.json");
    struct config *cfg = NULL;

    (void)state;
    assert_non_null(f);
    assert_int_equal(config_parse("init.json", f->data, f->len, &cfg), CS_OK);
    assert_int_equal(cfg->onboarding.n_steps, 2);
    assert_string_equal(cfg->onboarding.steps[1].name, "first_report");
    assert_int_equal(
        regex_search(cfg->onboarding.steps[0].event, "source.connected", 16),
        1);
    assert_int_equal(
        regex_search(cfg->onboarding.steps[0].event, "source-connected", 16),
        0);
    assert_true(config_ready_for_signals(cfg));
    config_free(cfg);
}

static void test_topics_keep_file_order_and_ignore_case(void **state)
{
    struct config *cfg =
        parse("{\"support\": {\"topics\": {\"zeta\": \"invoice\", "
              "\"alpha\": [\"\\\\bsso\\\\b\", \"saml\"]}}}");

    (void)state;
    assert_non_null(cfg);
    assert_int_equal(cfg->support.n_topics, 2);
    assert_string_equal(cfg->support.topics[0].name, "zeta");
    assert_string_equal(cfg->support.topics[1].name, "alpha");
    assert_int_equal(cfg->support.topics[1].n_patterns, 2);
    assert_int_equal(
        regex_search(cfg->support.topics[1].patterns[0], "Our SSO broke", 13),
        1);
    config_free(cfg);
}

static void test_comments_are_allowed_outside_strings(void **state)
{
    struct config *cfg =
        parse("// top\n{ /* block */ \"segments\": \"plan\", // tail\n"
              "\"usage\": {\"owner\": \"a // not a comment\"}}");

    (void)state;
    assert_non_null(cfg);
    assert_string_equal(cfg->segment_field, "plan");
    assert_string_equal(cfg->usage.owner, "a // not a comment");
    config_free(cfg);
}

static void test_bad_regex_is_refused(void **state)
{
    struct config *cfg = NULL;
    const char *text = "{\"usage\": {\"core_events\": [\"a\", \"b\", \"(x\"]}}";

    (void)state;
    assert_int_equal(config_parse("csmap.json", text, strlen(text), &cfg),
                     CS_CONFIG);
    assert_null(cfg);
}

static void test_wrong_types_and_ranges_are_refused(void **state)
{
    static const char *const bad[] = {
        "{\"onboarding\": {\"stuck_after_days\": \"seven\"}}",
        "{\"onboarding\": {\"stuck_after_days\": 1.5}}",
        "{\"renewal\": {\"window_days\": -1}}",
        "{\"health\": {\"bands\": {\"red\": 80, \"yellow\": 70}}}",
        "{\"health\": {\"weights\": {\"usage\": 0, \"support\": 0, "
        "\"sponsor\": 0, \"feedback\": 0}}}",
        "{\"llm\": {\"provider\": \"gpt\"}}",
        "{\"llm\": {\"redact\": \"yes\"}}",
        "{\"segments\": \"colour\"}",
        "[1, 2]",
        "{\"usage\": ",
        "{} /* open",
    };
    struct config *cfg = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_not_equal(
            config_parse("csmap.json", bad[i], strlen(bad[i]), &cfg), CS_OK);
        assert_null(cfg);
    }
}

static void test_anthropic_gets_its_own_defaults(void **state)
{
    struct config *cfg = parse("{\"llm\": {\"provider\": \"anthropic\"}}");

    (void)state;
    assert_non_null(cfg);
    assert_string_equal(cfg->llm.base_url, "https://api.anthropic.com/v1");
    assert_string_equal(cfg->llm.api_key_env, "ANTHROPIC_API_KEY");
    config_free(cfg);
}

static void test_fixtures_dir_is_relative_to_the_file(void **state)
{
    struct config *cfg = NULL;
    const char *text = "{\"llm\": {\"fixtures_dir\": \"../llm\"}}";

    (void)state;
    assert_int_equal(
        config_parse("fixtures/demo/csmap.json", text, strlen(text), &cfg),
        CS_OK);
    assert_string_equal(cfg->llm.fixtures_dir, "fixtures/demo/../llm");
    config_free(cfg);
}

static void test_example_configurations_load(void **state)
{
    static const char *const files[] = {"examples/product-led.json",
                                        "examples/sales-led.json"};
    struct config *cfg = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        assert_int_equal(config_load(files[i], &cfg), CS_OK);
        assert_true(config_ready_for_signals(cfg));
        assert_non_null(cfg->sources);
        config_free(cfg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_object_gives_documented_defaults),
        cmocka_unit_test(test_init_template_parses_and_is_ready),
        cmocka_unit_test(test_topics_keep_file_order_and_ignore_case),
        cmocka_unit_test(test_comments_are_allowed_outside_strings),
        cmocka_unit_test(test_bad_regex_is_refused),
        cmocka_unit_test(test_wrong_types_and_ranges_are_refused),
        cmocka_unit_test(test_anthropic_gets_its_own_defaults),
        cmocka_unit_test(test_fixtures_dir_is_relative_to_the_file),
        cmocka_unit_test(test_example_configurations_load),
    };

    log_set_level(LOG_QUIET);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
