/* The map's view model: one cJSON tree that every format renders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "csmap/buf.h"
#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/report.h"
#include "csmap/signals.h"
#include "internal.h"

static const char *const stage_titles[STAGE_COUNT] = {
    "Onboarding", "Usage",   "Support",   "Feedback",
    "Health",     "Renewal", "Expansion",
};

const char *stage_title(enum sig_stage s)
{
    return stage_titles[s];
}

const char *stage_owner(const struct sig_set *set, enum sig_stage s)
{
    const struct config *c = set->cfg;
    const char *owner = NULL;

    switch (s) {
    case STAGE_ONBOARDING:
        owner = c->onboarding.owner;
        break;
    case STAGE_USAGE:
        owner = c->usage.owner;
        break;
    case STAGE_SUPPORT:
        owner = c->support.owner;
        break;
    case STAGE_FEEDBACK:
        owner = c->feedback.owner;
        break;
    case STAGE_HEALTH:
        owner = c->health.owner;
        break;
    case STAGE_RENEWAL:
        owner = c->renewal.owner;
        break;
    case STAGE_EXPANSION:
        owner = c->expansion.owner;
        break;
    case STAGE_COUNT:
        break;
    }
    return owner && *owner ? owner : "unassigned";
}

/* Symbols carry the status without colour: never colour alone. */
const char *status_symbol(enum sig_status st)
{
    switch (st) {
    case STATUS_OK:
        return "ok";
    case STATUS_WATCH:
        return "!";
    case STATUS_PROBLEM:
        return "!!";
    case STATUS_OPPORTUNITY:
        return "+";
    case STATUS_NO_DATA:
        break;
    }
    return "--";
}

const char *status_class(enum sig_status st)
{
    /* The name, but one word: a CSS class. */
    return st == STATUS_NO_DATA ? "nodata" : sig_status_name(st);
}

bool page_in_segment(const struct sig_account *a, const char *name)
{
    if (!a->segment)
        return strcmp(name, "(none)") == 0;
    return strcmp(a->segment, name) == 0;
}

static void classify_one(const struct sig_set *set, struct page_acct *pa)
{
    const struct sig_account *a = pa->a;

    pa->arr = a->renewal.has_arr ? a->renewal.arr : 0;
    for (int s = 0; s < STAGE_COUNT; s++) {
        pa->st[s] = sig_stage_status(set, a, (enum sig_stage)s, pa->why[s],
                                     sizeof(pa->why[s]));
        if (pa->st[s] == STATUS_PROBLEM)
            pa->problems++;
        else if (pa->st[s] == STATUS_WATCH)
            pa->watches++;
    }
    pa->at_stake = pa->problems > 0 ? pa->arr : 0;
    fmt_anchor(pa->anchor, sizeof(pa->anchor), "a-", a->account_id);
}

/* Friction shares: of the ARR, or of the accounts when none has ARR. */
static void sum_friction(const struct page_acct *v, size_t n,
                         struct friction fr[STAGE_COUNT], double arr_total)
{
    for (int s = 0; s < STAGE_COUNT; s++) {
        enum sig_status hit =
            s == STAGE_EXPANSION ? STATUS_OPPORTUNITY : STATUS_PROBLEM;

        memset(&fr[s], 0, sizeof(fr[s]));
        for (size_t i = 0; i < n; i++) {
            if (v[i].st[s] != STATUS_NO_DATA)
                fr[s].with_data++;
            if (v[i].st[s] != hit)
                continue;
            fr[s].affected++;
            fr[s].arr += v[i].arr;
        }
        if (arr_total > 0)
            fr[s].share = fr[s].arr / arr_total;
        else if (n > 0)
            fr[s].share = (double)fr[s].affected / (double)n;
    }
}

/* Heat map order: ARR at stake, then problems, watches, ARR, account id. */
static int cmp_heat(const void *x, const void *y)
{
    const struct page_acct *a = x, *b = y;

    if (a->at_stake != b->at_stake)
        return a->at_stake < b->at_stake ? 1 : -1;
    if (a->problems != b->problems)
        return b->problems - a->problems;
    if (a->watches != b->watches)
        return b->watches - a->watches;
    if (a->arr != b->arr)
        return a->arr < b->arr ? 1 : -1;
    return strcmp(a->a->account_id, b->a->account_id);
}

enum csmap_rc page_classify(const struct sig_set *set, const char *name,
                            struct page_acct **accts, size_t *n,
                            struct friction fr[STAGE_COUNT], double *arr_total)
{
    struct page_acct *v;
    size_t k = 0;

    *accts = NULL;
    *n = 0;
    *arr_total = 0;
    v = mem_calloc(set->n_accounts ? set->n_accounts : 1, sizeof(*v));
    if (!v)
        return CS_NOMEM;
    for (size_t i = 0; i < set->n_accounts; i++) {
        if (!page_in_segment(&set->accounts[i], name))
            continue;
        v[k].a = &set->accounts[i];
        classify_one(set, &v[k]);
        *arr_total += v[k].arr;
        k++;
    }
    qsort(v, k, sizeof(*v), cmp_heat);
    sum_friction(v, k, fr, *arr_total);
    *accts = v;
    *n = k;
    return CS_OK;
}

static const struct sig_segment *find_segment(const struct sig_set *set,
                                              const char *name)
{
    if (!set)
        return NULL;
    for (size_t i = 0; i < set->n_segments; i++)
        if (strcmp(set->segments[i].name, name) == 0)
            return &set->segments[i];
    return NULL;
}

/* A lower-case file-name part: "Mid Market" -> "mid-market". */
static void make_slug(char *out, size_t n, const char *name)
{
    size_t o = 0;
    bool dash = false;

    for (const char *s = name; *s && o + 2 < n; s++) {
        char c = *s;

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && o > 0)
                out[o++] = '-';
            out[o++] = c;
            dash = false;
        } else {
            dash = true;
        }
    }
    if (o == 0)
        out[o++] = 's';
    out[o] = '\0';
}

/* Slugs of every page, made unique with -2, -3 ... */
static void unique_slug(cJSON *pages, char *slug, size_t n)
{
    char base[64];
    int k = 1;
    bool clash = true;

    snprintf(base, sizeof(base), "%s", slug);
    while (clash) {
        const cJSON *p;

        clash = false;
        cJSON_ArrayForEach(p, pages)
        {
            const cJSON *s = cJSON_GetObjectItemCaseSensitive(p, "slug");

            if (cJSON_IsString(s) && strcmp(s->valuestring, slug) == 0)
                clash = true;
        }
        if (clash)
            snprintf(slug, n, "%.40s-%d", base, ++k);
    }
}

static void page_summary(struct jb *j, cJSON *o, const struct page *p)
{
    char t[32];

    jb_str(j, o, "segment", p->seg->name);
    jb_num(j, o, "account_count", (double)p->n);
    jb_strf(j, o, "account_count_text", "%zu account%s", p->n,
            p->n == 1 ? "" : "s");
    jb_num(j, o, "arr", p->arr_total);
    fmt_money(t, sizeof(t), p->arr_total);
    jb_str(j, o, "arr_text", t);
    jb_num(j, o, "arr_at_stake", p->at_stake_total);
    fmt_money(t, sizeof(t), p->at_stake_total);
    jb_str(j, o, "arr_at_stake_text", t);
    fmt_share(t, sizeof(t),
              p->arr_total > 0 ? p->at_stake_total / p->arr_total : 0);
    jb_str(j, o, "arr_at_stake_share_text", t);
}

/* "Onboarding: 379k at stake (Onboarding lead)", the first backlog item. */
static void top_item(struct jb *j, cJSON *o, const struct page *p)
{
    int best = -1;
    char t[32];

    for (int s = 0; s < STAGE_EXPANSION; s++)
        if (p->fr[s].affected > 0 &&
            (best < 0 || p->fr[s].arr > p->fr[best].arr))
            best = s;
    if (best < 0) {
        jb_str(j, o, "top_item", "");
        return;
    }
    fmt_money(t, sizeof(t), p->fr[best].arr);
    jb_strf(j, o, "top_item", "%s: %s at stake (%s)",
            stage_title((enum sig_stage)best), t,
            stage_owner(p->in->now, (enum sig_stage)best));
}

/* The index row of a page: its summary and each stage's friction. */
static void index_entry(struct jb *j, cJSON *segs, const struct page *p,
                        const char *slug)
{
    cJSON *o = jb_item(j, segs);
    cJSON *fr = jb_arr(j, o, "friction");
    struct buf text = BUF_INIT;
    char t[32];

    page_summary(j, o, p);
    jb_str(j, o, "slug", slug);
    top_item(j, o, p);
    for (int s = 0; s < STAGE_COUNT; s++) {
        cJSON *f = jb_item(j, fr);
        enum sig_status st = friction_status(&p->fr[s], (enum sig_stage)s);

        jb_str(j, f, "stage", sig_stage_name((enum sig_stage)s));
        fmt_share(t, sizeof(t), p->fr[s].share);
        jb_str(j, f, "share_text", t);
        jb_num(j, f, "share", p->fr[s].share);
        jb_num(j, f, "affected", p->fr[s].affected);
        status_fields(j, f, st);
        fmt_share(t, sizeof(t), p->fr[s].share);
        if (buf_printf(&text, "%s%s %s %s", s ? ", " : "",
                       sig_stage_name((enum sig_stage)s), t, status_symbol(st)))
            j->nomem = true;
    }
    jb_str(j, o, "friction_text", buf_str(&text));
    buf_release(&text);
}

static enum csmap_rc build_page(struct jb *j, const struct report_input *in,
                                const struct art_index *arts,
                                const struct sig_segment *seg,
                                const size_t *alert_first,
                                const size_t *alert_count, cJSON *pages,
                                cJSON *segs)
{
    struct page p = {.in = in,
                     .arts = arts,
                     .seg = seg,
                     .alert_first = alert_first,
                     .alert_count = alert_count};
    struct page_acct *before = NULL;
    size_t n_before = 0;
    double arr_before = 0;
    cJSON *o;
    char slug[64], id[80];
    enum csmap_rc rc;

    rc = page_classify(in->now, seg->name, &p.accts, &p.n, p.fr, &p.arr_total);
    if (rc)
        goto out;
    p.seg_before = find_segment(in->before, seg->name);
    if (p.seg_before) {
        rc = page_classify(in->before, seg->name, &before, &n_before,
                           p.fr_before, &arr_before);
        if (rc)
            goto out;
        p.has_before = true;
    }
    for (size_t i = 0; i < p.n; i++)
        p.at_stake_total += p.accts[i].at_stake;

    make_slug(slug, sizeof(slug), seg->name);
    unique_slug(pages, slug, sizeof(slug));
    o = jb_item(j, pages);
    page_summary(j, o, &p);
    jb_str(j, o, "slug", slug);
    snprintf(id, sizeof(id), "seg-%s", slug);
    jb_str(j, o, "id", id);
    jb_bool(j, o, "has_trend", p.has_before);
    model_stages(j, o, &p, id);
    model_backlog(j, o, &p);
    model_accounts(j, o, &p);
    index_entry(j, segs, &p, slug);
out:
    mem_free(p.accts);
    mem_free(before);
    return rc;
}

/* Where each account's alerts start in set->alerts, and how many. */
static enum csmap_rc alert_ranges(const struct sig_set *set, size_t **first,
                                  size_t **count)
{
    size_t n = set->n_accounts ? set->n_accounts : 1;

    *first = mem_calloc(n, sizeof(**first));
    *count = mem_calloc(n, sizeof(**count));
    if (!*first || !*count)
        return CS_NOMEM;
    for (size_t i = set->n_alerts; i-- > 0;) {
        const struct sig_account *a = set->alerts[i].account;
        size_t k;

        if (!a || a < set->accounts || a >= set->accounts + set->n_accounts)
            continue;
        k = (size_t)(a - set->accounts);
        (*first)[k] = i;
        (*count)[k]++;
    }
    return CS_OK;
}

static void legend(struct jb *j, cJSON *root)
{
    static const enum sig_status order[] = {
        STATUS_PROBLEM,     STATUS_WATCH,   STATUS_OK,
        STATUS_OPPORTUNITY, STATUS_NO_DATA,
    };
    cJSON *arr = jb_arr(j, root, "legend");

    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        cJSON *o = jb_item(j, arr);

        jb_str(j, o, "status", sig_status_name(order[i]));
        jb_str(j, o, "class", status_class(order[i]));
        jb_str(j, o, "symbol", status_symbol(order[i]));
    }
}

static void root_fields(struct jb *j, cJSON *root,
                        const struct report_input *in)
{
    char d[16];
    cJSON *stages;

    jb_str(j, root, "title", "Customer success map");
    fmt_date(d, sizeof(d), in->now->as_of);
    jb_str(j, root, "as_of", d);
    if (in->before) {
        fmt_date(d, sizeof(d), in->before->as_of);
        jb_str(j, root, "compared_to", d);
    } else {
        jb_null(j, root, "compared_to");
    }
    jb_str(j, root, "segment_field", in->now->cfg->segment_field);
    jb_str(j, root, "version", in->version ? in->version : "");
    stages = jb_arr(j, root, "stages");
    for (int s = 0; s < STAGE_COUNT; s++) {
        cJSON *o = jb_item(j, stages);

        jb_str(j, o, "stage", sig_stage_name((enum sig_stage)s));
        jb_str(j, o, "title", stage_title((enum sig_stage)s));
        jb_str(j, o, "owner", stage_owner(in->now, (enum sig_stage)s));
    }
    legend(j, root);
}

static void report_unknown_segment(const struct sig_set *set, const char *name)
{
    struct buf b = BUF_INIT;
    char d[11];

    for (size_t i = 0; i < set->n_segments && i < 12; i++)
        buf_printf(&b, "%s'%s'", i ? ", " : "", set->segments[i].name);
    date_format(set->as_of, d);
    if (set->n_segments == 0)
        log_error("no account in segment '%s' as of %s", name, d);
    else
        log_error("no account in segment '%s' as of %s; the segments are "
                  "%s%s",
                  name, d, buf_str(&b), set->n_segments > 12 ? ", ..." : "");
    buf_release(&b);
}

static enum csmap_rc build_pages(struct jb *j, const struct report_input *in,
                                 const struct art_index *arts, cJSON *root)
{
    cJSON *segs = jb_arr(j, root, "segments");
    cJSON *pages = jb_arr(j, root, "pages");
    size_t *first = NULL, *count = NULL;
    enum csmap_rc rc;

    if ((rc = alert_ranges(in->now, &first, &count)))
        goto out;
    for (size_t i = 0; i < in->now->n_segments && !j->nomem; i++) {
        const struct sig_segment *seg = &in->now->segments[i];

        if (in->segment && strcmp(in->segment, seg->name) != 0)
            continue;
        rc = build_page(j, in, arts, seg, first, count, pages, segs);
        if (rc)
            goto out;
    }
    jb_bool(j, root, "has_index", cJSON_GetArraySize(pages) > 1);
out:
    mem_free(first);
    mem_free(count);
    return rc;
}

enum csmap_rc report_model(const struct report_input *in, cJSON **out)
{
    struct jb j = {false};
    struct art_index arts = {NULL, 0};
    cJSON *root = NULL;
    enum csmap_rc rc;

    *out = NULL;
    if (in->segment && !find_segment(in->now, in->segment)) {
        report_unknown_segment(in->now, in->segment);
        return CS_NOTFOUND;
    }
    if ((rc = art_index_build(in, &arts)))
        goto out;
    root = cJSON_CreateObject();
    if (!root) {
        rc = CS_NOMEM;
        goto out;
    }
    root_fields(&j, root, in);
    if ((rc = build_pages(&j, in, &arts, root)))
        goto out;
    if (j.nomem)
        rc = CS_NOMEM;
out:
    art_index_release(&arts);
    if (rc)
        cJSON_Delete(root);
    else
        *out = root;
    return rc;
}

static enum csmap_rc set_str(cJSON *o, const char *key, const char *v)
{
    cJSON *s = cJSON_CreateString(v);

    if (!s)
        return CS_NOMEM;
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        return cJSON_ReplaceItemInObjectCaseSensitive(o, key, s) ? CS_OK
                                                                 : CS_NOMEM;
    if (!cJSON_AddItemToObject(o, key, s)) {
        cJSON_Delete(s);
        return CS_NOMEM;
    }
    return CS_OK;
}

/* Each page's href in the index, in both arrays (same order). */
enum csmap_rc report_set_links(cJSON *model, const char *file_stem,
                               const char *ext, const char *index_name)
{
    cJSON *segs = cJSON_GetObjectItemCaseSensitive(model, "segments");
    cJSON *pages = cJSON_GetObjectItemCaseSensitive(model, "pages");
    cJSON *s, *p;
    char href[4096];
    enum csmap_rc rc = CS_OK;

    if (cJSON_GetObjectItemCaseSensitive(model, "split"))
        cJSON_DeleteItemFromObjectCaseSensitive(model, "split");
    if (!cJSON_AddBoolToObject(model, "split", file_stem != NULL))
        return CS_NOMEM;
    p = pages ? pages->child : NULL;
    cJSON_ArrayForEach(s, segs)
    {
        const cJSON *slug = cJSON_GetObjectItemCaseSensitive(s, "slug");

        if (!cJSON_IsString(slug))
            continue;
        if (file_stem)
            snprintf(href, sizeof(href), "%s-%s%s", file_stem,
                     slug->valuestring, ext ? ext : "");
        else
            snprintf(href, sizeof(href), "#seg-%s", slug->valuestring);
        if ((rc = set_str(s, "href", href)) ||
            (p && (rc = set_str(p, "index_href",
                                index_name ? index_name : "#index"))))
            return rc;
        p = p ? p->next : NULL;
    }
    return rc;
}
