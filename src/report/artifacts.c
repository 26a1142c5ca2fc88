/* Which artifacts each stage expects, who needs them, and the caller's list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csmap/mem.h"
#include "csmap/report.h"
#include "csmap/signals.h"
#include "csmap/schedule.h"
#include "internal.h"

static const char *const onboarding_artifacts[] = {
    "activation-digest",
    "stuck-alert",
    "followup-sequence",
    NULL,
};
static const char *const usage_artifacts[] = {
    "usage-anomaly",
    "account-narrative",
    NULL,
};
static const char *const support_artifacts[] = {
    "support-cluster-report",
    "support-digest",
    NULL,
};
static const char *const feedback_artifacts[] = {
    "feedback-themes",
    "sentiment-trend",
    NULL,
};
static const char *const health_artifacts[] = {"health-brief", NULL};
static const char *const renewal_artifacts[] = {"renewal-packet", NULL};
static const char *const expansion_artifacts[] = {
    "expansion-prep",
    "proposal-blocks",
    NULL,
};

static const char *const *const stage_artifacts[STAGE_COUNT] = {
    onboarding_artifacts, usage_artifacts,  support_artifacts,
    feedback_artifacts,   health_artifacts, renewal_artifacts,
    expansion_artifacts,
};

static const char *const segment_scope[] = {
    "activation-digest",
    "support-cluster-report",
    "feedback-themes",
    "sentiment-trend",
    NULL,
};

const char *const *report_stage_artifacts(enum sig_stage s)
{
    if ((int)s < 0 || s >= STAGE_COUNT)
        return NULL;
    return stage_artifacts[s];
}

bool report_artifact_is_segment_scope(const char *artifact)
{
    for (size_t i = 0; segment_scope[i]; i++)
        if (strcmp(segment_scope[i], artifact) == 0)
            return true;
    return false;
}

/*
 * Whether account a is one the weekly run makes artifact for (the "made
 * for" column of DESIGN section 7).  On-demand artifacts (narratives, QBR
 * preparation) are needed by nobody: they show only when they exist.
 */
bool report_artifact_needed(const struct config *cfg, const char *artifact,
                            const struct sig_account *a)
{
    return schedule_wants_account(cfg, artifact, a);
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_artifact(const void *x, const void *y)
{
    const struct report_artifact *a = *(const struct report_artifact *const *)x;
    const struct report_artifact *b = *(const struct report_artifact *const *)y;
    int c = cmp_str(a->artifact, b->artifact);

    if (c == 0)
        c = cmp_str(a->subject, b->subject);
    if (c == 0)
        c = (a->as_of < b->as_of) - (a->as_of > b->as_of);
    return c;
}

enum csmap_rc art_index_build(const struct report_input *in,
                              struct art_index *idx)
{
    idx->v = NULL;
    idx->n = 0;
    if (in->n_artifacts == 0)
        return CS_OK;
    idx->v = mem_calloc(in->n_artifacts, sizeof(*idx->v));
    if (!idx->v)
        return CS_NOMEM;
    for (size_t i = 0; i < in->n_artifacts; i++)
        idx->v[i] = &in->artifacts[i];
    idx->n = in->n_artifacts;
    qsort(idx->v, idx->n, sizeof(*idx->v), cmp_artifact);
    return CS_OK;
}

void art_index_release(struct art_index *idx)
{
    mem_free(idx->v);
    idx->v = NULL;
    idx->n = 0;
}

const struct report_artifact *
art_find(const struct art_index *idx, const char *artifact, const char *subject)
{
    size_t lo = 0, hi = idx->n;

    /* The first entry not below (artifact, subject): the newest of them. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct report_artifact *r = idx->v[mid];
        int c = cmp_str(r->artifact, artifact);

        if (c == 0)
            c = cmp_str(r->subject, subject);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < idx->n && cmp_str(idx->v[lo]->artifact, artifact) == 0 &&
        cmp_str(idx->v[lo]->subject, subject) == 0)
        return idx->v[lo];
    return NULL;
}

static char *dup_or_null(const char *s, bool *failed)
{
    char *d;

    if (!s)
        return NULL;
    d = mem_strdup(s);
    if (!d)
        *failed = true;
    return d;
}

static void artifact_release(struct report_artifact *a)
{
    mem_free((char *)(uintptr_t)a->artifact);
    mem_free((char *)(uintptr_t)a->subject);
    mem_free((char *)(uintptr_t)a->status);
    mem_free((char *)(uintptr_t)a->path);
}

enum csmap_rc report_artifact_list_add(struct report_artifact_list *list,
                                       const struct report_artifact *a)
{
    struct report_artifact copy = *a;
    bool failed = false;

    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        void *p = mem_realloc(list->items, cap * sizeof(*list->items));

        if (!p)
            return CS_NOMEM;
        list->items = p;
        list->cap = cap;
    }
    copy.artifact = dup_or_null(a->artifact, &failed);
    copy.subject = dup_or_null(a->subject, &failed);
    copy.status = dup_or_null(a->status, &failed);
    copy.path = dup_or_null(a->path, &failed);
    if (failed) {
        artifact_release(&copy);
        return CS_NOMEM;
    }
    list->items[list->n++] = copy;
    return CS_OK;
}

enum csmap_rc report_artifact_list_set_path(struct report_artifact_list *list,
                                            size_t i, const char *path)
{
    char *copy = mem_strdup(path);

    if (!copy)
        return CS_NOMEM;
    mem_free((char *)(uintptr_t)list->items[i].path);
    list->items[i].path = copy;
    return CS_OK;
}

void report_artifact_list_release(struct report_artifact_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        artifact_release(&list->items[i]);
    mem_free(list->items);
    list->items = NULL;
    list->n = list->cap = 0;
}
