/* The weekly schedule: artifacts and the accounts or segments they are
 * for, from the configuration's selectors. */
#include "csmap/schedule.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/signals.h"

static const struct {
    const char *artifact;
    const char *selectors; /* space-separated */
} defaults[] = {
    {"activation-digest", "segments"},
    {"support-cluster-report", "segments"},
    {"feedback-themes", "segments"},
    {"sentiment-trend", "segments"},
    {"support-digest", "tickets_30d"},
    {"followup-sequence", "stuck"},
    {"stuck-alert", "stuck"},
    {"usage-anomaly", "anomaly"},
    {"health-brief", "red yellow"},
    {"renewal-packet", "renewal_window"},
    {"expansion-prep", "high_potential"},
    {"proposal-blocks", "high_potential"},
};

#define N_DEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

static bool is_str(const char *s, const char *want)
{
    return s && strcmp(s, want) == 0;
}

/* Whether account a is selected by the selector sel. */
static bool selects(const char *sel, const struct sig_account *a)
{
    if (strcmp(sel, "all") == 0)
        return true;
    if (strcmp(sel, "stuck") == 0)
        return a->onboarding.stuck;
    if (strcmp(sel, "dormant") == 0)
        return a->usage.dormant;
    if (strcmp(sel, "anomaly") == 0)
        return a->usage.anomaly != NULL;
    if (strcmp(sel, "red") == 0 || strcmp(sel, "yellow") == 0 ||
        strcmp(sel, "green") == 0)
        return is_str(a->health.band, sel);
    if (strcmp(sel, "renewal_window") == 0)
        return a->renewal.in_window;
    if (strcmp(sel, "renewal_risk") == 0)
        return is_str(a->renewal.risk, "high");
    if (strcmp(sel, "high_potential") == 0)
        return is_str(a->expansion.potential, "high");
    if (strcmp(sel, "tickets_30d") == 0)
        return a->support.tickets_30d > 0;
    if (strcmp(sel, "repeat_topics") == 0)
        return a->support.n_repeat_topics > 0;
    if (strcmp(sel, "sponsor_left") == 0)
        return a->sponsor.sponsor_left_90d;
    return false;
}

static bool known_name(const char *const *known, const char *name)
{
    if (!known)
        return true;
    for (; *known; known++)
        if (strcmp(*known, name) == 0)
            return true;
    return false;
}

static enum csmap_rc push(struct schedule *s, size_t *cap,
                          struct schedule_item item)
{
    if (s->n_items == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        struct schedule_item *p = mem_realloc(s->items, ncap * sizeof(*p));
        if (!p)
            return CS_NOMEM;
        s->items = p;
        *cap = ncap;
    }
    s->items[s->n_items++] = item;
    return CS_OK;
}

/* Add every subject that one of the selectors picks (a list of words). */
static enum csmap_rc add_artifact(struct schedule *s, size_t *cap,
                                  const char *artifact, const char *const *sels,
                                  size_t n_sels, const struct sig_set *set)
{
    enum csmap_rc rc;
    bool segments = false;

    for (size_t i = 0; i < n_sels; i++)
        segments |= strcmp(sels[i], "segments") == 0;
    if (segments) {
        for (size_t i = 0; i < set->n_segments; i++) {
            struct schedule_item it = {artifact, set->segments[i].name, true,
                                       NULL, &set->segments[i]};
            if ((rc = push(s, cap, it)))
                return rc;
        }
    }
    for (size_t i = 0; i < set->n_accounts; i++) {
        const struct sig_account *a = &set->accounts[i];
        bool hit = false;
        for (size_t j = 0; j < n_sels && !hit; j++)
            hit = selects(sels[j], a);
        if (!hit)
            continue;
        struct schedule_item it = {artifact, a->account_id, false, a, NULL};
        if ((rc = push(s, cap, it)))
            return rc;
    }
    return CS_OK;
}

/* Split a default's space-separated selectors into sels (up to 4). */
static size_t split_default(const char *list, char buf[4][32],
                            const char *sels[4])
{
    size_t n = 0;
    const char *p = list;

    while (*p && n < 4) {
        size_t len = strcspn(p, " ");
        if (len >= 32)
            len = 31;
        memcpy(buf[n], p, len);
        buf[n][len] = '\0';
        sels[n] = buf[n];
        n++;
        p += len;
        p += *p == ' ';
    }
    return n;
}

/* The default selectors of artifact, or NULL when it has none. */
static const char *default_selectors(const char *artifact)
{
    for (size_t i = 0; i < N_DEFAULTS; i++)
        if (strcmp(defaults[i].artifact, artifact) == 0)
            return defaults[i].selectors;
    return NULL;
}

/* What true asks for: the artifact's default selectors, or every account
 * for one made on demand. */
static size_t true_selectors(const char *artifact, char buf[4][32],
                             const char *sels[4])
{
    const char *dflt = default_selectors(artifact);

    if (dflt)
        return split_default(dflt, buf, sels);
    sels[0] = "all";
    return 1;
}

/*
 * The selectors the configuration or the defaults give artifact, in sels
 * (pointing into cfg or buf); false when the configuration's entry is
 * malformed (schedule_build() reports it).
 */
static bool selectors_of(const struct config *cfg, const char *artifact,
                         char buf[4][32], const char *sels[16], size_t *n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg->artifacts, artifact);
    const char *dflt;

    *n = 0;
    if (v) {
        const cJSON *item;
        if (cJSON_IsString(v)) {
            sels[(*n)++] = v->valuestring;
            return true;
        }
        if (cJSON_IsTrue(v)) {
            *n = true_selectors(artifact, buf, sels);
            return true;
        }
        if (!cJSON_IsArray(v))
            return cJSON_IsFalse(v) || cJSON_IsNull(v);
        cJSON_ArrayForEach(item, v)
        {
            if (!cJSON_IsString(item) || *n == 16)
                return false;
            sels[(*n)++] = item->valuestring;
        }
        return true;
    }
    dflt = default_selectors(artifact);
    if (dflt)
        *n = split_default(dflt, buf, sels);
    return true;
}

bool schedule_wants_account(const struct config *cfg, const char *artifact,
                            const struct sig_account *a)
{
    char buf[4][32];
    const char *sels[16];
    size_t n;

    if (!selectors_of(cfg, artifact, buf, sels, &n))
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(sels[i], "segments") != 0 && selects(sels[i], a))
            return true;
    return false;
}

bool schedule_wants_segments(const struct config *cfg, const char *artifact)
{
    char buf[4][32];
    const char *sels[16];
    size_t n;

    if (!selectors_of(cfg, artifact, buf, sels, &n))
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(sels[i], "segments") == 0)
            return true;
    return false;
}

enum csmap_rc schedule_check_names(const struct config *cfg,
                                   const char *const *known)
{
    const cJSON *v;
    enum csmap_rc rc = CS_OK;

    cJSON_ArrayForEach(v, cfg->artifacts)
    {
        if (!known_name(known, v->string)) {
            log_error("%s: artifacts.%s: no such artifact; see 'csmap "
                      "prompts ls'",
                      cfg->path, v->string);
            rc = CS_CONFIG;
        }
    }
    return rc;
}

/* Add artifact for whom its entry or its defaults select. */
static enum csmap_rc add_selected(const struct config *cfg,
                                  const struct sig_set *set,
                                  const char *artifact, struct schedule *out,
                                  size_t *cap)
{
    char buf[4][32];
    const char *sels[16];
    size_t n;

    /* The configuration loader has checked every entry already. */
    if (!selectors_of(cfg, artifact, buf, sels, &n)) {
        log_error("%s: artifacts.%s: not a list of selectors", cfg->path,
                  artifact);
        return CS_CONFIG;
    }
    return add_artifact(out, cap, artifact, sels, n, set);
}

enum csmap_rc schedule_build(const struct config *cfg,
                             const struct sig_set *set,
                             const char *const *known, struct schedule *out)
{
    const cJSON *conf = cfg->artifacts;
    const cJSON *v;
    size_t cap = 0;
    enum csmap_rc rc = CS_OK;

    memset(out, 0, sizeof(*out));
    if ((rc = schedule_check_names(cfg, known)))
        return rc;
    /* The defaults the configuration leaves alone, then its entries. */
    for (size_t i = 0; i < N_DEFAULTS && !rc; i++)
        if (!cJSON_GetObjectItemCaseSensitive(conf, defaults[i].artifact))
            rc = add_selected(cfg, set, defaults[i].artifact, out, &cap);
    cJSON_ArrayForEach(v, conf)
    {
        if (rc)
            break;
        rc = add_selected(cfg, set, v->string, out, &cap);
    }
    if (rc) {
        if (rc == CS_NOMEM)
            log_error("out of memory planning the weekly run");
        schedule_release(out);
    }
    return rc;
}

void schedule_release(struct schedule *s)
{
    mem_free(s->items);
    s->items = NULL;
    s->n_items = 0;
}
