/* Loading and validating csmap.json (DESIGN section 4). */
#include "csmap/config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "csmap/buf.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/regex.h"

#define CONFIG_MAX_BYTES ((size_t)4 << 20)

/* Where the validator is: the file and the JSON path being read. */
struct loader {
    const char *file;
    char path[256];
    enum csmap_rc rc;
};

static void fail(struct loader *ld, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct loader *ld, const char *key, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (key && *ld->path)
        log_error("%s: %s.%s: %s", ld->file, ld->path, key, msg);
    else if (key)
        log_error("%s: %s: %s", ld->file, key, msg);
    else
        log_error("%s: %s: %s", ld->file, ld->path, msg);
    if (!ld->rc)
        ld->rc = CS_CONFIG;
}

static void nomem(struct loader *ld)
{
    if (ld->rc != CS_NOMEM)
        log_error("out of memory reading '%s'", ld->file);
    ld->rc = CS_NOMEM;
}

/* Enter the object member key; returns the previous path length. */
static size_t enter(struct loader *ld, const char *key)
{
    size_t len = strlen(ld->path);

    snprintf(ld->path + len, sizeof(ld->path) - len, "%s%s", len ? "." : "",
             key);
    return len;
}

static void leave(struct loader *ld, size_t len)
{
    ld->path[len] = '\0';
}

/* The member key of obj when it is an object, warning about nothing. */
static const cJSON *member(const cJSON *obj, const char *key)
{
    return obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static void get_string(struct loader *ld, const cJSON *obj, const char *key,
                       const char *dflt, char **out)
{
    const cJSON *v = member(obj, key);
    const char *s = dflt;

    if (v && !cJSON_IsNull(v)) {
        if (!cJSON_IsString(v)) {
            fail(ld, key, "must be a string");
            return;
        }
        s = v->valuestring;
    }
    if (!s)
        return;
    if (!(*out = mem_strdup(s)))
        nomem(ld);
}

/* A double of 2^53 or more is always whole; below 1e18 the conversion to
 * long is defined, so it can tell a fraction. */
static bool is_whole(double d)
{
    if (d <= -1e18 || d >= 1e18)
        return true;
    return d == (double)(long)d;
}

static void get_int(struct loader *ld, const cJSON *obj, const char *key,
                    int lo, int hi, int *out)
{
    const cJSON *v = member(obj, key);

    if (!v || cJSON_IsNull(v))
        return;
    if (!cJSON_IsNumber(v) || !is_whole(v->valuedouble)) {
        fail(ld, key, "must be a whole number");
        return;
    }
    if (v->valuedouble < lo || v->valuedouble > hi) {
        fail(ld, key, "must be between %d and %d", lo, hi);
        return;
    }
    *out = (int)v->valuedouble;
}

static void get_number(struct loader *ld, const cJSON *obj, const char *key,
                       double lo, double hi, double *out)
{
    const cJSON *v = member(obj, key);

    if (!v || cJSON_IsNull(v))
        return;
    if (!cJSON_IsNumber(v)) {
        fail(ld, key, "must be a number");
        return;
    }
    if (v->valuedouble < lo || v->valuedouble > hi) {
        fail(ld, key, "must be between %g and %g", lo, hi);
        return;
    }
    *out = v->valuedouble;
}

static bool get_bool(struct loader *ld, const cJSON *obj, const char *key,
                     bool *out)
{
    const cJSON *v = member(obj, key);

    if (!v || cJSON_IsNull(v))
        return false;
    if (!cJSON_IsBool(v)) {
        fail(ld, key, "must be true or false");
        return false;
    }
    *out = cJSON_IsTrue(v);
    return true;
}

/* Compile the regex held by v; path names it in messages. */
static struct regex *get_regex(struct loader *ld, const cJSON *v,
                               const char *key, bool caseless)
{
    char err[256];
    struct regex *re;

    if (!cJSON_IsString(v)) {
        fail(ld, key, "must be a regular expression string");
        return NULL;
    }
    re = regex_compile(v->valuestring, caseless, err, sizeof(err));
    if (!re)
        fail(ld, key, "%s", err);
    return re;
}

/* An object member that must be an object when present. */
static const cJSON *section(struct loader *ld, const cJSON *root,
                            const char *key)
{
    const cJSON *v = member(root, key);

    if (v && !cJSON_IsNull(v) && !cJSON_IsObject(v)) {
        fail(ld, key, "must be an object");
        return NULL;
    }
    return cJSON_IsObject(v) ? v : NULL;
}

/* Warn about keys of obj that are not in known (NULL-terminated). */
static void warn_unknown(struct loader *ld, const cJSON *obj,
                         const char *const *known)
{
    const cJSON *item;

    cJSON_ArrayForEach(item, obj)
    {
        const char *const *k = known;
        while (*k && strcmp(*k, item->string) != 0)
            k++;
        if (!*k)
            log_warn("%s: %s%s%s: unknown key, ignored", ld->file, ld->path,
                     *ld->path ? "." : "", item->string);
    }
}

static void load_steps(struct loader *ld, const cJSON *ob, struct config *cfg)
{
    const cJSON *steps = member(ob, "steps");
    const cJSON *step;
    char key[64];
    size_t i = 0, n;

    if (!steps || cJSON_IsNull(steps))
        return;
    if (!cJSON_IsArray(steps)) {
        fail(ld, "steps", "must be an array of {\"name\", \"event\"}");
        return;
    }
    n = (size_t)cJSON_GetArraySize(steps);
    cfg->onboarding.steps = mem_calloc(n ? n : 1, sizeof(struct config_step));
    if (!cfg->onboarding.steps) {
        nomem(ld);
        return;
    }
    cJSON_ArrayForEach(step, steps)
    {
        struct config_step *s = &cfg->onboarding.steps[i];
        const cJSON *name = member(step, "name");
        const cJSON *event = member(step, "event");

        snprintf(key, sizeof(key), "steps[%zu]", i);
        cfg->onboarding.n_steps = ++i;
        if (!cJSON_IsObject(step) || !cJSON_IsString(name) || !event) {
            fail(ld, key,
                 "must be an object with a \"name\" and an "
                 "\"event\" regex");
            continue;
        }
        for (size_t k = 0; k + 1 < i; k++) {
            if (cfg->onboarding.steps[k].name &&
                strcmp(cfg->onboarding.steps[k].name, name->valuestring) == 0) {
                snprintf(key, sizeof(key), "steps[%zu].name", i - 1);
                fail(ld, key,
                     "'%s' names steps[%zu] too; step names are "
                     "unique",
                     name->valuestring, k);
                break;
            }
        }
        snprintf(key, sizeof(key), "steps[%zu].event", i - 1);
        if (!(s->name = mem_strdup(name->valuestring))) {
            nomem(ld);
            return;
        }
        s->event = get_regex(ld, event, key, false);
    }
}

static void load_onboarding(struct loader *ld, const cJSON *root,
                            struct config *cfg)
{
    static const char *const known[] = {
        "owner",       "steps", "first_value_event", "stuck_after_days",
        "window_days", NULL};
    const cJSON *ob = section(ld, root, "onboarding");
    size_t mark = enter(ld, "onboarding");
    const cJSON *fv = member(ob, "first_value_event");

    get_string(ld, ob, "owner", "Onboarding lead", &cfg->onboarding.owner);
    load_steps(ld, ob, cfg);
    if (fv && !cJSON_IsNull(fv))
        cfg->onboarding.first_value_event =
            get_regex(ld, fv, "first_value_event", false);
    get_int(ld, ob, "stuck_after_days", 1, 3650,
            &cfg->onboarding.stuck_after_days);
    get_int(ld, ob, "window_days", 1, 3650, &cfg->onboarding.window_days);
    if (ob)
        warn_unknown(ld, ob, known);
    leave(ld, mark);
}

static void load_usage(struct loader *ld, const cJSON *root, struct config *cfg)
{
    static const char *const known[] = {
        "owner", "core_events", "dormant_after_days", "anomaly_z", NULL};
    const cJSON *us = section(ld, root, "usage");
    size_t mark = enter(ld, "usage");
    const cJSON *core = member(us, "core_events");
    const cJSON *item;
    char key[64];
    size_t i = 0;

    get_string(ld, us, "owner", "CS lead", &cfg->usage.owner);
    if (core && !cJSON_IsNull(core)) {
        if (!cJSON_IsArray(core)) {
            fail(ld, "core_events", "must be an array of regexes");
        } else {
            size_t n = (size_t)cJSON_GetArraySize(core);
            cfg->usage.core_events = mem_calloc(n ? n : 1, sizeof(void *));
            if (!cfg->usage.core_events) {
                nomem(ld);
                n = 0;
            }
            cJSON_ArrayForEach(item, core)
            {
                if (i >= n)
                    break;
                snprintf(key, sizeof(key), "core_events[%zu]", i);
                cfg->usage.core_events[i++] = get_regex(ld, item, key, false);
                cfg->usage.n_core_events = i;
            }
        }
    }
    get_int(ld, us, "dormant_after_days", 1, 3650,
            &cfg->usage.dormant_after_days);
    get_number(ld, us, "anomaly_z", 0.1, 100, &cfg->usage.anomaly_z);
    if (us)
        warn_unknown(ld, us, known);
    leave(ld, mark);
}

static void load_topic(struct loader *ld, const cJSON *item,
                       struct config_topic *t)
{
    const cJSON *pat;
    char key[160];
    size_t n = 1, i = 0;

    if (!(t->name = mem_strdup(item->string))) {
        nomem(ld);
        return;
    }
    if (strcmp(item->string, "other") == 0)
        log_warn("%s: %s.topics.other: 'other' is also the topic of tickets "
                 "no pattern matches, and is never a repeat topic",
                 ld->file, ld->path);
    if (cJSON_IsArray(item))
        n = (size_t)cJSON_GetArraySize(item);
    else if (!cJSON_IsString(item)) {
        snprintf(key, sizeof(key), "topics.%s", item->string);
        fail(ld, key, "must be a regex or an array of regexes");
        return;
    }
    t->patterns = mem_calloc(n ? n : 1, sizeof(void *));
    if (!t->patterns) {
        nomem(ld);
        return;
    }
    if (cJSON_IsString(item)) {
        snprintf(key, sizeof(key), "topics.%s", item->string);
        t->patterns[0] = get_regex(ld, item, key, true);
        t->n_patterns = 1;
        return;
    }
    cJSON_ArrayForEach(pat, item)
    {
        snprintf(key, sizeof(key), "topics.%s[%zu]", item->string, i);
        t->patterns[i++] = get_regex(ld, pat, key, true);
        t->n_patterns = i;
    }
}

static void load_support(struct loader *ld, const cJSON *root,
                         struct config *cfg)
{
    static const char *const known[] = {"owner", "topics", "repeat_min", NULL};
    const cJSON *su = section(ld, root, "support");
    size_t mark = enter(ld, "support");
    const cJSON *topics = member(su, "topics");
    const cJSON *item;

    get_string(ld, su, "owner", "Support lead", &cfg->support.owner);
    if (topics && !cJSON_IsNull(topics)) {
        if (!cJSON_IsObject(topics)) {
            fail(ld, "topics", "must be an object of topic name to regexes");
        } else {
            size_t n = (size_t)cJSON_GetArraySize(topics);
            cfg->support.topics =
                mem_calloc(n ? n : 1, sizeof(struct config_topic));
            if (!cfg->support.topics)
                nomem(ld);
            else
                cJSON_ArrayForEach(item, topics)
                {
                    load_topic(ld, item,
                               &cfg->support.topics[cfg->support.n_topics++]);
                }
        }
    }
    get_int(ld, su, "repeat_min", 1, 1000, &cfg->support.repeat_min);
    if (su)
        warn_unknown(ld, su, known);
    leave(ld, mark);
}

static void load_health(struct loader *ld, const cJSON *root,
                        struct config *cfg)
{
    static const char *const known[] = {"owner", "weights", "bands", NULL};
    static const char *const weight_keys[] = {"usage", "support", "sponsor",
                                              "feedback", NULL};
    static const char *const band_keys[] = {"red", "yellow", NULL};
    const cJSON *he = section(ld, root, "health");
    size_t mark = enter(ld, "health"), inner;
    const cJSON *w, *b;
    double sum;

    get_string(ld, he, "owner", "CS lead", &cfg->health.owner);
    w = section(ld, he, "weights");
    b = section(ld, he, "bands");
    inner = enter(ld, "weights");
    get_number(ld, w, "usage", 0, 1000, &cfg->health.w_usage);
    get_number(ld, w, "support", 0, 1000, &cfg->health.w_support);
    get_number(ld, w, "sponsor", 0, 1000, &cfg->health.w_sponsor);
    get_number(ld, w, "feedback", 0, 1000, &cfg->health.w_feedback);
    if (w)
        warn_unknown(ld, w, weight_keys);
    leave(ld, inner);
    inner = enter(ld, "bands");
    get_number(ld, b, "red", 0, 100, &cfg->health.band_red);
    get_number(ld, b, "yellow", 0, 100, &cfg->health.band_yellow);
    if (b)
        warn_unknown(ld, b, band_keys);
    leave(ld, inner);
    sum = cfg->health.w_usage + cfg->health.w_support + cfg->health.w_sponsor +
          cfg->health.w_feedback;
    if (sum <= 0)
        fail(ld, "weights", "at least one weight must be above 0");
    if (cfg->health.band_red > cfg->health.band_yellow)
        fail(ld, "bands", "red (%g) must not be above yellow (%g)",
             cfg->health.band_red, cfg->health.band_yellow);
    if (he)
        warn_unknown(ld, he, known);
    leave(ld, mark);
}

static void load_owner_only(struct loader *ld, const cJSON *root,
                            const char *name, const char *dflt, char **owner)
{
    const cJSON *s = section(ld, root, name);
    size_t mark = enter(ld, name);

    get_string(ld, s, "owner", dflt, owner);
    leave(ld, mark);
}

static void load_renewal_expansion(struct loader *ld, const cJSON *root,
                                   struct config *cfg)
{
    const cJSON *re = section(ld, root, "renewal");
    const cJSON *ex = section(ld, root, "expansion");
    size_t mark;

    load_owner_only(ld, root, "renewal", "Account manager",
                    &cfg->renewal.owner);
    mark = enter(ld, "renewal");
    get_int(ld, re, "window_days", 1, 3650, &cfg->renewal.window_days);
    leave(ld, mark);

    load_owner_only(ld, root, "expansion", "Account manager",
                    &cfg->expansion.owner);
    mark = enter(ld, "expansion");
    get_int(ld, ex, "new_stakeholders_min", 1, 1000,
            &cfg->expansion.new_stakeholders_min);
    get_int(ld, ex, "new_use_cases_min", 1, 1000,
            &cfg->expansion.new_use_cases_min);
    get_number(ld, ex, "utilization_high", 0, 100,
               &cfg->expansion.utilization_high);
    leave(ld, mark);
}

static void load_redact_patterns(struct loader *ld, const cJSON *llm,
                                 struct config *cfg)
{
    const cJSON *pats = member(llm, "redact_patterns");
    const cJSON *item;
    char key[160];
    size_t n;

    if (!pats || cJSON_IsNull(pats))
        return;
    if (!cJSON_IsObject(pats)) {
        fail(ld, "redact_patterns", "must be an object of label to regex");
        return;
    }
    n = (size_t)cJSON_GetArraySize(pats);
    cfg->llm.redact_patterns =
        mem_calloc(n ? n : 1, sizeof(struct config_redact_pattern));
    if (!cfg->llm.redact_patterns) {
        nomem(ld);
        return;
    }
    cJSON_ArrayForEach(item, pats)
    {
        struct config_redact_pattern *p =
            &cfg->llm.redact_patterns[cfg->llm.n_redact_patterns++];
        char *label = mem_strdup(item->string);

        if (!label) {
            nomem(ld);
            return;
        }
        for (char *c = label; *c; c++)
            *c = (*c >= 'a' && *c <= 'z') ? (char)(*c - 32)
                 : ((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')) ? *c
                                                                          : '_';
        p->label = label;
        snprintf(key, sizeof(key), "redact_patterns.%s", item->string);
        p->re = get_regex(ld, item, key, false);
    }
}

/* Provider defaults: what a user gets when naming only the provider. */
static void llm_defaults(const char *provider, const char **url,
                         const char **model, const char **env)
{
    if (strcmp(provider, "anthropic") == 0) {
        *url = "https://api.anthropic.com/v1";
        *model = "claude-3-5-haiku-latest";
        *env = "ANTHROPIC_API_KEY";
    } else {
        *url = "https://api.openai.com/v1";
        *model = "gpt-4o-mini";
        *env = "OPENAI_API_KEY";
    }
}

/* A path relative to the configuration file's folder. */
static char *relative_to(const char *file, const char *path)
{
    const char *slash = strrchr(file, '/');
    struct buf b = BUF_INIT;

    if (path[0] == '/' || !slash)
        return mem_strdup(path);
    if (buf_add(&b, file, (size_t)(slash - file) + 1) || buf_adds(&b, path))
        return NULL;
    return buf_detach(&b);
}

static void load_llm(struct loader *ld, const cJSON *root, struct config *cfg)
{
    static const char *const known[] = {"provider",
                                        "base_url",
                                        "model",
                                        "api_key_env",
                                        "api_key_file",
                                        "fixtures_dir",
                                        "jobs",
                                        "timeout_s",
                                        "connect_timeout_s",
                                        "max_retries",
                                        "requests_per_minute",
                                        "tokens_per_minute",
                                        "price_per_mtok",
                                        "temperature",
                                        "max_tokens",
                                        "context_tokens",
                                        "redact",
                                        "redact_patterns",
                                        NULL};
    static const char *const price_keys[] = {"input", "output", NULL};
    const cJSON *llm = section(ld, root, "llm");
    size_t mark = enter(ld, "llm"), inner;
    const char *url, *model, *env;
    const cJSON *price;
    char *dir = NULL;

    get_string(ld, llm, "provider", "openai", &cfg->llm.provider);
    if (cfg->llm.provider && strcmp(cfg->llm.provider, "openai") != 0 &&
        strcmp(cfg->llm.provider, "anthropic") != 0 &&
        strcmp(cfg->llm.provider, "fixture") != 0)
        fail(ld, "provider",
             "'%s' is not a provider (openai, anthropic or "
             "fixture)",
             cfg->llm.provider);
    llm_defaults(cfg->llm.provider ? cfg->llm.provider : "openai", &url, &model,
                 &env);
    get_string(ld, llm, "base_url", url, &cfg->llm.base_url);
    if (cfg->llm.base_url && cfg->llm.base_url[0] &&
        strncmp(cfg->llm.base_url, "http://", 7) != 0 &&
        strncmp(cfg->llm.base_url, "https://", 8) != 0)
        fail(ld, "base_url", "'%s' is not an http:// or https:// URL",
             cfg->llm.base_url);
    get_string(ld, llm, "model", model, &cfg->llm.model);
    get_string(ld, llm, "api_key_env", env, &cfg->llm.api_key_env);
    get_string(ld, llm, "api_key_file", NULL, &cfg->llm.api_key_file);
    get_string(ld, llm, "fixtures_dir", "fixtures/llm", &dir);
    if (dir && !(cfg->llm.fixtures_dir = relative_to(ld->file, dir)))
        nomem(ld);
    mem_free(dir);
    get_int(ld, llm, "jobs", 1, 256, &cfg->llm.jobs);
    get_int(ld, llm, "timeout_s", 1, 3600, &cfg->llm.timeout_s);
    get_int(ld, llm, "connect_timeout_s", 1, 600, &cfg->llm.connect_timeout_s);
    get_int(ld, llm, "max_retries", 0, 20, &cfg->llm.max_retries);
    get_int(ld, llm, "requests_per_minute", 0, 1000000,
            &cfg->llm.requests_per_minute);
    get_int(ld, llm, "tokens_per_minute", 0, 1000000000,
            &cfg->llm.tokens_per_minute);
    price = section(ld, llm, "price_per_mtok");
    inner = enter(ld, "price_per_mtok");
    get_number(ld, price, "input", 0, 10000, &cfg->llm.price_input_per_mtok);
    get_number(ld, price, "output", 0, 10000, &cfg->llm.price_output_per_mtok);
    if (price)
        warn_unknown(ld, price, price_keys);
    leave(ld, inner);
    get_number(ld, llm, "temperature", 0, 2, &cfg->llm.temperature);
    get_int(ld, llm, "max_tokens", 1, 1000000, &cfg->llm.max_tokens);
    get_int(ld, llm, "context_tokens", 100, 10000000, &cfg->llm.context_tokens);
    cfg->llm.redact_set = get_bool(ld, llm, "redact", &cfg->llm.redact);
    load_redact_patterns(ld, llm, cfg);
    if (llm)
        warn_unknown(ld, llm, known);
    leave(ld, mark);
}

static void set_defaults(struct config *cfg)
{
    cfg->onboarding.stuck_after_days = 7;
    cfg->onboarding.window_days = 90;
    cfg->usage.dormant_after_days = 14;
    cfg->usage.anomaly_z = 2.0;
    cfg->support.repeat_min = 3;
    cfg->health.w_usage = 0.4;
    cfg->health.w_support = 0.2;
    cfg->health.w_sponsor = 0.2;
    cfg->health.w_feedback = 0.2;
    cfg->health.band_red = 40;
    cfg->health.band_yellow = 70;
    cfg->renewal.window_days = 60;
    cfg->expansion.new_stakeholders_min = 2;
    cfg->expansion.new_use_cases_min = 2;
    cfg->expansion.utilization_high = 0.9;
    cfg->llm.jobs = 4;
    cfg->llm.timeout_s = 120;
    cfg->llm.connect_timeout_s = 10;
    cfg->llm.max_retries = 4;
    cfg->llm.price_input_per_mtok = 0.15;
    cfg->llm.price_output_per_mtok = 0.60;
    cfg->llm.temperature = 0.2;
    cfg->llm.max_tokens = 1200;
    cfg->llm.context_tokens = 8000;
    cfg->llm.redact = true;
}

const char *const config_selectors[] = {
    "segments",
    "all",
    "stuck",
    "dormant",
    "anomaly",
    "red",
    "yellow",
    "green",
    "renewal_window",
    "renewal_risk",
    "high_potential",
    "tickets_30d",
    "repeat_topics",
    "sponsor_left",
    NULL,
};

static bool is_selector(const char *s)
{
    for (const char *const *k = config_selectors; *k; k++)
        if (strcmp(*k, s) == 0)
            return true;
    return false;
}

/* "artifacts": each entry false, null, a selector or a list of them. */
static void load_artifacts(struct loader *ld, const cJSON *artifacts)
{
    const cJSON *v, *item;
    size_t mark = enter(ld, "artifacts");

    cJSON_ArrayForEach(v, artifacts)
    {
        int n = 0;

        if (cJSON_IsFalse(v) || cJSON_IsNull(v) || cJSON_IsTrue(v))
            continue;
        if (cJSON_IsString(v)) {
            if (!is_selector(v->valuestring))
                fail(ld, v->string,
                     "'%s' is not a selector (see docs/configuration.md)",
                     v->valuestring);
            continue;
        }
        if (!cJSON_IsArray(v)) {
            fail(ld, v->string,
                 "must be a selector, a list of selectors, true or false");
            continue;
        }
        cJSON_ArrayForEach(item, v)
        {
            if (!cJSON_IsString(item) || ++n > 16) {
                fail(ld, v->string, "must be a list of at most 16 selectors");
                break;
            }
            if (!is_selector(item->valuestring)) {
                fail(ld, v->string,
                     "'%s' is not a selector (see docs/configuration.md)",
                     item->valuestring);
                break;
            }
        }
    }
    leave(ld, mark);
}

/* Refuse an object that names a key twice anywhere: JSON leaves open
 * which one counts, and a reader would see one and csmap use the other. */
static void check_duplicates(struct loader *ld, const cJSON *obj)
{
    const cJSON *a, *b;

    for (a = obj ? obj->child : NULL; a; a = a->next) {
        size_t mark;

        if (cJSON_IsObject(obj)) {
            for (b = obj->child; b != a; b = b->next) {
                if (strcmp(a->string, b->string) == 0) {
                    fail(ld, a->string, "the key is given twice");
                    break;
                }
            }
        }
        if (!cJSON_IsObject(a) && !cJSON_IsArray(a))
            continue;
        mark = enter(ld, a->string ? a->string : "[]");
        check_duplicates(ld, a);
        leave(ld, mark);
    }
}

static void load_all(struct loader *ld, cJSON *root, struct config *cfg)
{
    static const char *const known[] = {
        "segments", "onboarding", "usage", "support", "feedback",  "health",
        "renewal",  "expansion",  "llm",   "sources", "artifacts", NULL};
    cJSON *sources = cJSON_GetObjectItemCaseSensitive(root, "sources");
    cJSON *artifacts = cJSON_GetObjectItemCaseSensitive(root, "artifacts");

    set_defaults(cfg);
    check_duplicates(ld, root);
    get_string(ld, root, "segments", "segment", &cfg->segment_field);
    if (cfg->segment_field && strcmp(cfg->segment_field, "segment") != 0 &&
        strcmp(cfg->segment_field, "plan") != 0 &&
        strcmp(cfg->segment_field, "owner") != 0)
        fail(ld, "segments",
             "'%s' is not an account field that can split "
             "the map (segment, plan or owner)",
             cfg->segment_field);
    load_onboarding(ld, root, cfg);
    load_usage(ld, root, cfg);
    load_support(ld, root, cfg);
    load_owner_only(ld, root, "feedback", "CS lead", &cfg->feedback.owner);
    load_health(ld, root, cfg);
    load_renewal_expansion(ld, root, cfg);
    load_llm(ld, root, cfg);
    if (sources && !cJSON_IsNull(sources) && !cJSON_IsObject(sources))
        fail(ld, "sources", "must be an object of source name to mapping");
    if (artifacts && !cJSON_IsNull(artifacts) && !cJSON_IsObject(artifacts))
        fail(ld, "artifacts", "must be an object");
    else if (artifacts)
        load_artifacts(ld, artifacts);
    cfg->sources = cJSON_IsObject(sources) ? sources : NULL;
    cfg->artifacts = cJSON_IsObject(artifacts) ? artifacts : NULL;
    warn_unknown(ld, root, known);
}

/*
 * Blank out // and slash-star comments outside strings, keeping every
 * newline so cJSON's error offsets still give the right line.
 */
static bool strip_comments(char *s, size_t n)
{
    bool in_string = false;

    for (size_t i = 0; i < n; i++) {
        if (in_string) {
            if (s[i] == '\\' && i + 1 < n)
                i++;
            else if (s[i] == '"')
                in_string = false;
        } else if (s[i] == '"') {
            in_string = true;
        } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
            while (i < n && s[i] != '\n')
                s[i++] = ' ';
        } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
            size_t start = i;
            for (i += 2; i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'); i++)
                ;
            if (i + 1 >= n)
                return false;
            for (size_t j = start; j <= i + 1; j++)
                if (s[j] != '\n')
                    s[j] = ' ';
            i++;
        }
    }
    return true;
}

static void position(const char *text, const char *at, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = text; p < at; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

enum csmap_rc config_parse(const char *name, const char *text, size_t len,
                           struct config **out)
{
    struct loader ld = {name, "", CS_OK};
    struct config *cfg = NULL;
    char *copy = mem_strndup(text, len);
    const char *end = NULL;
    cJSON *root = NULL;
    int line, col;

    *out = NULL;
    if (!copy)
        goto nomem;
    if (!strip_comments(copy, len)) {
        log_error("%s: a /* comment is never closed", name);
        ld.rc = CS_CONFIG;
        goto out;
    }
    root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
    if (!root) {
        end = cJSON_GetErrorPtr();
        position(copy, end ? end : copy, &line, &col);
        log_error("%s:%d:%d: not valid JSON", name, line, col);
        ld.rc = CS_CONFIG;
        goto out;
    }
    if (!cJSON_IsObject(root)) {
        log_error("%s: the configuration must be a JSON object", name);
        ld.rc = CS_CONFIG;
        goto out;
    }
    cfg = mem_calloc(1, sizeof(*cfg));
    if (!cfg || !(cfg->path = mem_strdup(name)))
        goto nomem;
    cfg->root = root;
    root = NULL;
    load_all(&ld, cfg->root, cfg);
    if (!ld.rc) {
        *out = cfg;
        cfg = NULL;
    }
    goto out;

nomem:
    log_error("out of memory reading '%s'", name);
    ld.rc = CS_NOMEM;
out:
    cJSON_Delete(root);
    config_free(cfg);
    mem_free(copy);
    return ld.rc;
}

enum csmap_rc config_load(const char *path, struct config **out)
{
    FILE *f;
    struct buf b = BUF_INIT;
    char chunk[8192];
    size_t n;
    enum csmap_rc rc = CS_OK;

    *out = NULL;
    buf_init(&b, CONFIG_MAX_BYTES);
    f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return CS_NOTFOUND;
        log_error("cannot read '%s': %s", path, strerror(errno));
        return CS_IO;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if ((rc = buf_add(&b, chunk, n)))
            break;
    if (!rc && ferror(f)) {
        log_error("cannot read '%s': %s", path, strerror(errno));
        rc = CS_IO;
    } else if (rc == CS_TOOBIG) {
        log_error("'%s' is larger than %zu bytes", path, CONFIG_MAX_BYTES);
    } else if (rc) {
        log_error("out of memory reading '%s'", path);
    }
    fclose(f);
    if (!rc)
        rc = config_parse(path, buf_str(&b), b.len, out);
    buf_release(&b);
    return rc;
}

bool config_ready_for_signals(const struct config *cfg)
{
    bool ok = true;

    if (cfg->onboarding.n_steps == 0) {
        log_error("%s: onboarding.steps: missing; signals need the ordered "
                  "onboarding steps",
                  cfg->path);
        ok = false;
    }
    if (!cfg->onboarding.first_value_event) {
        log_error("%s: onboarding.first_value_event: missing; signals need "
                  "the event that marks first value",
                  cfg->path);
        ok = false;
    }
    if (cfg->usage.n_core_events == 0) {
        log_error("%s: usage.core_events: missing; signals need the core "
                  "events that count as usage",
                  cfg->path);
        ok = false;
    }
    return ok;
}

void config_free(struct config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->onboarding.n_steps; i++) {
        mem_free(cfg->onboarding.steps[i].name);
        regex_free(cfg->onboarding.steps[i].event);
    }
    mem_free(cfg->onboarding.steps);
    regex_free(cfg->onboarding.first_value_event);
    for (size_t i = 0; i < cfg->usage.n_core_events; i++)
        regex_free(cfg->usage.core_events[i]);
    mem_free(cfg->usage.core_events);
    for (size_t i = 0; i < cfg->support.n_topics; i++) {
        struct config_topic *t = &cfg->support.topics[i];
        for (size_t j = 0; j < t->n_patterns; j++)
            regex_free(t->patterns[j]);
        mem_free(t->patterns);
        mem_free(t->name);
    }
    mem_free(cfg->support.topics);
    for (size_t i = 0; i < cfg->llm.n_redact_patterns; i++) {
        mem_free(cfg->llm.redact_patterns[i].label);
        regex_free(cfg->llm.redact_patterns[i].re);
    }
    mem_free(cfg->llm.redact_patterns);
    mem_free(cfg->onboarding.owner);
    mem_free(cfg->usage.owner);
    mem_free(cfg->support.owner);
    mem_free(cfg->feedback.owner);
    mem_free(cfg->health.owner);
    mem_free(cfg->renewal.owner);
    mem_free(cfg->expansion.owner);
    mem_free(cfg->llm.provider);
    mem_free(cfg->llm.base_url);
    mem_free(cfg->llm.model);
    mem_free(cfg->llm.api_key_env);
    mem_free(cfg->llm.api_key_file);
    mem_free(cfg->llm.fixtures_dir);
    mem_free(cfg->segment_field);
    mem_free(cfg->path);
    cJSON_Delete(cfg->root);
    mem_free(cfg);
}
