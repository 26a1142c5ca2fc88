/* The AI opportunity backlog: stage nodes ranked by the ARR at stake. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "csmap/buf.h"
#include "csmap/config.h"
#include "csmap/report.h"
#include "csmap/signals.h"
#include "internal.h"

#define BACKLOG_TOP 8

/*
 * Each stage's problems come in two kinds; the first is told apart by a
 * flag on the account, the rest are the second kind.
 */
static bool first_kind(enum sig_stage s, const struct sig_account *a)
{
    switch (s) {
    case STAGE_ONBOARDING:
        return a->onboarding.stuck;
    case STAGE_USAGE:
        return a->usage.dormant;
    case STAGE_SUPPORT:
        return a->support.n_repeat_topics > 0;
    case STAGE_FEEDBACK:
        return a->feedback.has_nps_180d && a->feedback.nps_180d < 0;
    default:
        return true;
    }
}

/* "2 stuck; 1 not activated within the window" and the like. */
static void signal_text(char *t, size_t n, const struct page *p,
                        enum sig_stage s)
{
    static const char *const kinds[STAGE_COUNT][2] = {
        {"stuck", "not activated within the onboarding window"},
        {"dormant", "with a usage drop"},
        {"with repeat topics", "with open high-priority tickets"},
        {"with more NPS detractors than promoters", "with negative sentiment"},
        {"in the red band", ""},
        {"at high risk inside the renewal window", ""},
        {"with high expansion potential", ""},
    };
    enum sig_status hit =
        s == STAGE_EXPANSION ? STATUS_OPPORTUNITY : STATUS_PROBLEM;
    int k[2] = {0, 0};

    for (size_t i = 0; i < p->n; i++)
        if (p->accts[i].st[s] == hit)
            k[first_kind(s, p->accts[i].a) ? 0 : 1]++;
    if (k[0] && k[1])
        snprintf(t, n, "%d %s; %d %s", k[0], kinds[s][0], k[1], kinds[s][1]);
    else if (k[0])
        snprintf(t, n, "%d %s", k[0], kinds[s][0]);
    else
        snprintf(t, n, "%d %s", k[1], kinds[s][1]);
}

static void item_account(struct jb *j, cJSON *arr, const struct page_acct *pa,
                         enum sig_stage s)
{
    cJSON *a = jb_item(j, arr);
    char t[32];

    jb_str(j, a, "account_id", pa->a->account_id);
    jb_str(j, a, "name",
           pa->a->name && *pa->a->name ? pa->a->name : pa->a->account_id);
    jb_str(j, a, "anchor", pa->anchor);
    fmt_money(t, sizeof(t), pa->arr);
    jb_str(j, a, "arr_text", t);
    jb_str(j, a, "why", pa->why[s]);
}

/* "Acme (60k), Bluefin (12k), and 4 more" */
static void accounts_text(struct jb *j, cJSON *o, const struct page *p,
                          enum sig_stage s, enum sig_status hit)
{
    struct buf b = BUF_INIT;
    int k = 0;
    char t[32];

    for (size_t i = 0; i < p->n; i++) {
        const struct page_acct *pa = &p->accts[i];

        if (pa->st[s] != hit || k++ >= BACKLOG_TOP)
            continue;
        fmt_money(t, sizeof(t), pa->arr);
        if (buf_printf(&b, "%s%s (%s)", k > 1 ? ", " : "",
                       pa->a->name && *pa->a->name ? pa->a->name
                                                   : pa->a->account_id,
                       t))
            j->nomem = true;
    }
    if (k > BACKLOG_TOP && buf_printf(&b, ", and %d more", k - BACKLOG_TOP))
        j->nomem = true;
    jb_str(j, o, "accounts_text", buf_str(&b));
    buf_release(&b);
}

/* Every affected account, in heat map order, and the first few again. */
static void item_accounts(struct jb *j, cJSON *o, const struct page *p,
                          enum sig_stage s)
{
    enum sig_status hit =
        s == STAGE_EXPANSION ? STATUS_OPPORTUNITY : STATUS_PROBLEM;
    cJSON *all = jb_arr(j, o, "accounts");
    cJSON *top = jb_arr(j, o, "accounts_top");
    int k = 0;

    for (size_t i = 0; i < p->n; i++) {
        if (p->accts[i].st[s] != hit)
            continue;
        item_account(j, all, &p->accts[i], s);
        if (k++ < BACKLOG_TOP)
            item_account(j, top, &p->accts[i], s);
    }
    jb_num(j, o, "accounts_more", k > BACKLOG_TOP ? k - BACKLOG_TOP : 0);
    if (k > BACKLOG_TOP)
        jb_strf(j, o, "more_text", "and %d more", k - BACKLOG_TOP);
    else
        jb_str(j, o, "more_text", "");
    accounts_text(j, o, p, s, hit);
}

/* "usage-anomaly (3 needed: 3 missing), account-narrative (none needed)" */
static void artifacts_text(struct jb *j, cJSON *o)
{
    struct buf b = BUF_INIT;
    const cJSON *a;

    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(o, "artifacts"))
    {
        if (buf_printf(&b, "%s%s (%s)", b.len ? ", " : "",
                       cJSON_GetStringValue(cJSON_GetObjectItem(a, "artifact")),
                       cJSON_GetStringValue(cJSON_GetObjectItem(a, "text"))))
            j->nomem = true;
    }
    jb_str(j, o, "artifacts_text", buf_str(&b));
    buf_release(&b);
}

static int cmp_rank(const void *x, const void *y, const struct page *p)
{
    int a = *(const int *)x, b = *(const int *)y;

    if (p->fr[a].arr != p->fr[b].arr)
        return p->fr[a].arr < p->fr[b].arr ? 1 : -1;
    if (p->fr[a].affected != p->fr[b].affected)
        return p->fr[b].affected - p->fr[a].affected;
    return a - b;
}

/* Stages with affected accounts, by ARR, then accounts, then map order. */
static int rank_stages(const struct page *p, int order[STAGE_COUNT])
{
    int n = 0;

    for (int s = 0; s < STAGE_COUNT; s++)
        if (p->fr[s].affected > 0)
            order[n++] = s;
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && cmp_rank(&order[k - 1], &order[k], p) > 0;
             k--) {
            int t = order[k];

            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    return n;
}

void model_backlog(struct jb *j, cJSON *page, const struct page *p)
{
    cJSON *arr = jb_arr(j, page, "backlog");
    int order[STAGE_COUNT];
    int n = rank_stages(p, order);
    char t[160];

    jb_bool(j, page, "has_backlog", n > 0);
    for (int i = 0; i < n; i++) {
        enum sig_stage s = (enum sig_stage)order[i];
        cJSON *o = jb_item(j, arr);

        jb_num(j, o, "rank", i + 1);
        jb_str(j, o, "stage", sig_stage_name(s));
        jb_str(j, o, "title", stage_title(s));
        jb_str(j, o, "owner", stage_owner(p->in->now, s));
        jb_str(j, o, "kind", s == STAGE_EXPANSION ? "opportunity" : "risk");
        jb_str(j, o, "arr_label",
               s == STAGE_EXPANSION ? "opportunity" : "at stake");
        jb_num(j, o, "arr", p->fr[s].arr);
        fmt_money(t, sizeof(t), p->fr[s].arr);
        jb_str(j, o, "arr_text", t);
        fmt_share(t, sizeof(t), p->fr[s].share);
        jb_str(j, o, "share_text", t);
        jb_num(j, o, "affected", p->fr[s].affected);
        signal_text(t, sizeof(t), p, s);
        jb_str(j, o, "signal", t);
        model_stage_artifacts(j, jb_arr(j, o, "artifacts"), p, s);
        artifacts_text(j, o);
        item_accounts(j, o, p, s);
    }
}
