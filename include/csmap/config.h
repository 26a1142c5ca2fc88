/* The workspace configuration, csmap.json (DESIGN section 4). */
#ifndef CSMAP_CONFIG_H
#define CSMAP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "csmap/rc.h"

struct regex;
struct cJSON;

struct config_step {
    char *name;
    struct regex *event;
};

struct config_topic {
    char *name;
    struct regex **patterns; /* caseless */
    size_t n_patterns;
};

/* A configured redaction pattern: matches are replaced by <LABEL_n>. */
struct config_redact_pattern {
    char *label;
    struct regex *re;
};

struct config {
    char *path;
    char *segment_field; /* "segments": the account field (default segment) */

    struct {
        char *owner;
        struct config_step *steps;
        size_t n_steps;
        struct regex *first_value_event; /* NULL when not configured */
        int stuck_after_days;            /* 7 */
        int window_days;                 /* 90 */
    } onboarding;

    struct {
        char *owner;
        struct regex **core_events;
        size_t n_core_events;
        int dormant_after_days; /* 14 */
        double anomaly_z;       /* 2.0 */
    } usage;

    struct {
        char *owner;
        struct config_topic *topics; /* in the file's key order */
        size_t n_topics;
        int repeat_min; /* 3 */
    } support;

    struct {
        char *owner;
    } feedback;

    struct {
        char *owner;
        double w_usage, w_support, w_sponsor, w_feedback;
        double band_red;    /* 40 */
        double band_yellow; /* 70 */
    } health;

    struct {
        char *owner;
        int window_days; /* 60 */
    } renewal;

    struct {
        char *owner;
        int new_stakeholders_min; /* 2: this many new contacts count */
        int new_use_cases_min;    /* 2: this many new core events count */
        double utilization_high;  /* 0.9: seat use that signals growth */
    } expansion;

    struct {
        char *provider; /* openai, anthropic, fixture */
        char *base_url;
        char *model;
        char *api_key_env; /* name of the environment variable */
        char *api_key_file;
        char *fixtures_dir; /* for the fixture provider */
        int jobs;
        int timeout_s;
        int connect_timeout_s;
        int max_retries;
        int requests_per_minute;
        int tokens_per_minute;
        double price_input_per_mtok;
        double price_output_per_mtok;
        double temperature;
        int max_tokens;
        int context_tokens; /* token budget for one prompt's context */
        bool redact;
        bool redact_set; /* "redact" was given explicitly */
        struct config_redact_pattern *redact_patterns;
        size_t n_redact_patterns;
    } llm;

    /* Kept as JSON for the modules that read them; owned by root. */
    struct cJSON *sources;   /* "sources": field mappings, or NULL */
    struct cJSON *artifacts; /* "artifacts": the weekly schedule, or NULL */
    struct cJSON *root;
};

/*
 * Load and validate path.  // and slash-star comments are allowed.  Errors
 * are reported as "FILE: JSON.PATH: what is wrong" and return CS_CONFIG
 * (CS_NOTFOUND when the file does not exist, without a report).  The
 * caller frees *out with config_free().
 */
enum csmap_rc config_load(const char *path, struct config **out);

/* Parse a configuration from text; name is used in messages. */
enum csmap_rc config_parse(const char *name, const char *text, size_t len,
                           struct config **out);

/* True when the configuration names the steps, first value and core
 * events that signals need; reports what is missing otherwise. */
bool config_ready_for_signals(const struct config *cfg);

void config_free(struct config *cfg);

/* The selectors an "artifacts" entry may name (docs/configuration.md),
 * NULL-terminated. */
extern const char *const config_selectors[];

#endif
