/* The artifacts shown on the map: per stage node and per account. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "csmap/report.h"
#include "csmap/signals.h"
#include "csmap/schedule.h"
#include "internal.h"

/* Coverage of one account-scope artifact over a page's accounts. */
struct coverage {
    int needed, fresh, stale, missing, ungrounded;
};

static bool is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

static void cover(const struct page *p, const char *artifact,
                  struct coverage *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < p->n; i++) {
        const struct sig_account *a = p->accts[i].a;
        const struct report_artifact *r =
            art_find(p->arts, artifact, a->account_id);
        bool needed = report_artifact_needed(p->in->now->cfg, artifact, a);

        c->needed += needed;
        if (r && is(r->status, "fresh"))
            c->fresh++;
        else if (r && is(r->status, "stale"))
            c->stale++;
        else if (needed)
            c->missing++;
        if (r)
            c->ungrounded += r->ungrounded;
    }
}

static const char *coverage_status(const struct coverage *c)
{
    if (c->missing > 0)
        return "missing";
    if (c->stale > 0)
        return "stale";
    if (c->fresh > 0)
        return "fresh";
    return "none needed";
}

/* "3 needed: 1 fresh, 2 missing", "2 fresh, on demand", "none needed". */
static void coverage_text(char *t, size_t n, const struct coverage *c)
{
    size_t used = 0;
    const char *parts[3] = {"fresh", "stale", "missing"};
    const int counts[3] = {c->fresh, c->stale, c->missing};

    if (c->needed > 0)
        used = (size_t)snprintf(t, n, "%d needed:", c->needed);
    else if (c->fresh + c->stale > 0)
        used = (size_t)snprintf(t, n, "on demand:");
    else
        snprintf(t, n, "none needed");
    for (int i = 0, k = 0; i < 3 && used < n; i++) {
        if (counts[i] == 0)
            continue;
        used += (size_t)snprintf(t + used, n - used, "%s %d %s", k++ ? "," : "",
                                 counts[i], parts[i]);
    }
}

static void ungrounded_fields(struct jb *j, cJSON *o, int ungrounded)
{
    jb_num(j, o, "ungrounded", ungrounded);
    if (ungrounded > 0)
        jb_strf(j, o, "ungrounded_text", "%d ungrounded number%s", ungrounded,
                ungrounded == 1 ? "" : "s");
    else
        jb_str(j, o, "ungrounded_text", "");
}

static void segment_artifact(struct jb *j, cJSON *o, const struct page *p,
                             const char *artifact)
{
    const struct report_artifact *r = art_find(p->arts, artifact, p->seg->name);
    bool needed = schedule_wants_segments(p->in->now->cfg, artifact);
    const char *status = r && r->status ? r->status
                         : needed       ? "missing"
                                        : "none needed";
    char d[16] = "";

    if (r)
        fmt_date(d, sizeof(d), r->as_of);
    jb_str(j, o, "scope", "segment");
    jb_str(j, o, "status", status);
    jb_str(j, o, "text", status);
    jb_str(j, o, "detail", d);
    jb_str(j, o, "path", r ? r->path : NULL);
    ungrounded_fields(j, o, r ? r->ungrounded : 0);
}

/* The chip says the worst status; the detail adds only what it does not. */
static void coverage_detail(struct jb *j, cJSON *o, const struct coverage *c,
                            const char *text)
{
    int n = c->fresh + c->stale + c->missing;
    bool one_kind = n == c->fresh || n == c->stale || n == c->missing;

    if (n == 0)
        jb_str(j, o, "detail", "");
    else if (one_kind)
        jb_strf(j, o, "detail", "%d account%s", n, n == 1 ? "" : "s");
    else
        jb_str(j, o, "detail", text);
}

static void account_coverage(struct jb *j, cJSON *o, const struct page *p,
                             const char *artifact)
{
    struct coverage c;
    char t[96];

    cover(p, artifact, &c);
    coverage_text(t, sizeof(t), &c);
    jb_str(j, o, "scope", "account");
    jb_str(j, o, "status", coverage_status(&c));
    jb_str(j, o, "text", t);
    coverage_detail(j, o, &c, t);
    jb_null(j, o, "path");
    jb_num(j, o, "needed", c.needed);
    jb_num(j, o, "fresh", c.fresh);
    jb_num(j, o, "stale", c.stale);
    jb_num(j, o, "missing", c.missing);
    ungrounded_fields(j, o, c.ungrounded);
}

static const char *status_class_of(const char *status)
{
    if (is(status, "fresh"))
        return "ok";
    if (is(status, "stale"))
        return "watch";
    if (is(status, "missing"))
        return "problem";
    return "nodata";
}

void model_stage_artifacts(struct jb *j, cJSON *arr, const struct page *p,
                           enum sig_stage s)
{
    const char *const *names = report_stage_artifacts(s);

    for (size_t i = 0; names && names[i]; i++) {
        cJSON *o = jb_item(j, arr);

        jb_str(j, o, "artifact", names[i]);
        if (report_artifact_is_segment_scope(names[i]))
            segment_artifact(j, o, p, names[i]);
        else
            account_coverage(j, o, p, names[i]);
        if (o && !j->nomem)
            jb_str(j, o, "class",
                   status_class_of(
                       cJSON_GetStringValue(cJSON_GetObjectItem(o, "status"))));
    }
}

static void account_artifact(struct jb *j, cJSON *arr, const char *artifact,
                             const char *stage, const struct report_artifact *r)
{
    cJSON *o = jb_item(j, arr);
    const char *status = r && r->status ? r->status : "missing";
    char d[16];

    jb_str(j, o, "artifact", artifact);
    jb_str(j, o, "stage", stage);
    jb_str(j, o, "status", status);
    jb_str(j, o, "class", status_class_of(status));
    jb_str(j, o, "path", r ? r->path : NULL);
    if (r) {
        fmt_date(d, sizeof(d), r->as_of);
        jb_str(j, o, "as_of", d);
    } else {
        jb_null(j, o, "as_of");
    }
    ungrounded_fields(j, o, r ? r->ungrounded : 0);
}

void model_account_artifacts(struct jb *j, cJSON *o, const struct page *p,
                             const struct sig_account *a)
{
    cJSON *arr = jb_arr(j, o, "artifacts");
    const struct report_artifact *r;

    for (int s = 0; s < STAGE_COUNT; s++) {
        const char *const *names = report_stage_artifacts((enum sig_stage)s);

        for (size_t i = 0; names[i]; i++) {
            if (report_artifact_is_segment_scope(names[i]))
                continue;
            r = art_find(p->arts, names[i], a->account_id);
            if (r || report_artifact_needed(p->in->now->cfg, names[i], a))
                account_artifact(j, arr, names[i],
                                 sig_stage_name((enum sig_stage)s), r);
        }
    }
    r = art_find(p->arts, "qbr-prep", a->account_id);
    if (r || report_artifact_needed(p->in->now->cfg, "qbr-prep", a))
        account_artifact(j, arr, "qbr-prep", "all", r);
}
