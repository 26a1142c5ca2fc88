/* Assembles the JSON context an artifact's prompt is rendered with. */
#include "csmap/context.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/regex.h"
#include "csmap/signals.h"
#include "csmap/store.h"

#define MAX_TICKETS 40
#define MAX_QUOTES 40
#define MAX_CONTACTS 40
#define MAX_SEGMENT_ACCOUNTS 15
#define SHORT_TEXT 280

/* A day number as YYYY-MM-DD, or JSON null. */
static cJSON *date_json(int32_t day)
{
    char s[11];

    if (day == DATE_NONE)
        return cJSON_CreateNull();
    date_format(day, s);
    return cJSON_CreateString(s);
}

static cJSON *ts_json(sqlite3_stmt *stmt, int col)
{
    char s[32];
    int64_t t;
    int32_t day;
    int y, m, d, secs;

    if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
        return cJSON_CreateNull();
    t = sqlite3_column_int64(stmt, col);
    day = date_of_ts(t);
    date_to_civil(day, &y, &m, &d);
    secs = (int)(t - (int64_t)day * 86400);
    snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
             secs / 3600, secs / 60 % 60, secs % 60);
    return cJSON_CreateString(s);
}

static cJSON *text_json(sqlite3_stmt *stmt, int col)
{
    const unsigned char *s = sqlite3_column_text(stmt, col);

    return s ? cJSON_CreateString((const char *)s) : cJSON_CreateNull();
}

static cJSON *day_col_json(sqlite3_stmt *stmt, int col)
{
    if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
        return cJSON_CreateNull();
    return date_json((int32_t)sqlite3_column_int64(stmt, col));
}

static cJSON *number_col_json(sqlite3_stmt *stmt, int col)
{
    if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
        return cJSON_CreateNull();
    return cJSON_CreateNumber(sqlite3_column_double(stmt, col));
}

/* Add item to obj under key, failing when either is missing. */
static bool put(cJSON *obj, const char *key, cJSON *item)
{
    if (!item)
        return false;
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

/* Append item to arr, failing when either is missing. */
static bool put_item(cJSON *arr, cJSON *item)
{
    if (!item)
        return false;
    if (!cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

/* The first configured topic that matches subject + "\n" + description,
 * else "other" (DESIGN section 6, support). */
static const char *ticket_topic(const struct config *cfg, const char *subject,
                                const char *description)
{
    char *text;
    size_t ns = strlen(subject), nd = strlen(description);
    const char *topic = "other";

    text = mem_alloc(ns + nd + 2);
    if (!text)
        return topic;
    memcpy(text, subject, ns);
    text[ns] = '\n';
    memcpy(text + ns + 1, description, nd + 1);
    for (size_t i = 0; i < cfg->support.n_topics && topic[0] == 'o'; i++) {
        const struct config_topic *t = &cfg->support.topics[i];
        for (size_t j = 0; j < t->n_patterns; j++) {
            if (t->patterns[j] &&
                regex_search(t->patterns[j], text, ns + nd + 1) == 1) {
                topic = t->name;
                break;
            }
        }
    }
    mem_free(text);
    return topic;
}

/* Append the tickets of account (row id) that the context needs. */
static enum csmap_rc add_tickets(struct store *st, const struct config *cfg,
                                 int64_t account, int32_t as_of, int days,
                                 bool open_too, cJSON *arr)
{
    static const char sql[] =
        "SELECT ticket_id, created_at, resolved_at, priority, status,"
        " subject, description FROM ticket"
        " WHERE account = ?1 AND created_at < ?2"
        " AND (created_at >= ?3"
        "      OR (?4 AND (resolved_at IS NULL OR resolved_at >= ?2)))"
        " ORDER BY created_at DESC LIMIT ?5";
    sqlite3_stmt *stmt = NULL;
    enum csmap_rc rc;
    int step;

    if ((rc = store_stmt(st, sql, &stmt)))
        return rc;
    sqlite3_bind_int64(stmt, 1, account);
    sqlite3_bind_int64(stmt, 2, ((int64_t)as_of + 1) * 86400);
    sqlite3_bind_int64(stmt, 3, ((int64_t)as_of - days + 1) * 86400);
    sqlite3_bind_int(stmt, 4, open_too);
    sqlite3_bind_int(stmt, 5, MAX_TICKETS);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *subj = (const char *)sqlite3_column_text(stmt, 5);
        const char *desc = (const char *)sqlite3_column_text(stmt, 6);
        bool open =
            sqlite3_column_type(stmt, 2) == SQLITE_NULL ||
            sqlite3_column_int64(stmt, 2) >= ((int64_t)as_of + 1) * 86400;
        cJSON *t = cJSON_CreateObject();

        if (!t || !cJSON_AddItemToArray(arr, t) ||
            !put(t, "ticket_id", text_json(stmt, 0)) ||
            !put(t, "created_at", ts_json(stmt, 1)) ||
            !put(t, "resolved_at",
                 open ? cJSON_CreateNull() : ts_json(stmt, 2)) ||
            !put(t, "open", cJSON_CreateBool(open)) ||
            !put(t, "priority", text_json(stmt, 3)) ||
            !put(t, "status", text_json(stmt, 4)) ||
            !put(t, "topic",
                 cJSON_CreateString(
                     ticket_topic(cfg, subj ? subj : "", desc ? desc : ""))) ||
            !put(t, "subject", text_json(stmt, 5)) ||
            !put(t, "description", text_json(stmt, 6))) {
            rc = CS_NOMEM;
            goto out;
        }
    }
    if (step != SQLITE_DONE)
        rc = store_error(st, "cannot read tickets");
out:
    sqlite3_reset(stmt);
    return rc;
}

/* Append feedback with text from the last days days, newest first. */
static enum csmap_rc add_quotes(struct store *st, int64_t account,
                                int32_t as_of, int days, cJSON *arr)
{
    static const char sql[] =
        "SELECT date, kind, score, text, contact_email FROM feedback"
        " WHERE account = ?1 AND date <= ?2 AND date >= ?3"
        " AND text IS NOT NULL AND text <> ''"
        " ORDER BY date DESC, id DESC LIMIT ?4";
    sqlite3_stmt *stmt = NULL;
    enum csmap_rc rc;
    int step;

    if ((rc = store_stmt(st, sql, &stmt)))
        return rc;
    sqlite3_bind_int64(stmt, 1, account);
    sqlite3_bind_int(stmt, 2, as_of);
    sqlite3_bind_int(stmt, 3, as_of - days + 1);
    sqlite3_bind_int(stmt, 4, MAX_QUOTES);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *q = cJSON_CreateObject();

        if (!q || !cJSON_AddItemToArray(arr, q) ||
            !put(q, "date", day_col_json(stmt, 0)) ||
            !put(q, "kind", text_json(stmt, 1)) ||
            !put(q, "score", number_col_json(stmt, 2)) ||
            !put(q, "text", text_json(stmt, 3)) ||
            !put(q, "contact_email", text_json(stmt, 4))) {
            rc = CS_NOMEM;
            goto out;
        }
    }
    if (step != SQLITE_DONE)
        rc = store_error(st, "cannot read feedback");
out:
    sqlite3_reset(stmt);
    return rc;
}

static enum csmap_rc add_contacts(struct store *st, int64_t account,
                                  int32_t as_of, cJSON *arr)
{
    static const char sql[] =
        "SELECT name, email, role, is_sponsor, first_seen, left_at"
        " FROM contact WHERE account = ?1 AND first_seen <= ?2"
        " ORDER BY (left_at IS NOT NULL AND left_at <= ?2), is_sponsor DESC,"
        " first_seen, contact_id LIMIT ?3";
    sqlite3_stmt *stmt = NULL;
    enum csmap_rc rc;
    int step;

    if ((rc = store_stmt(st, sql, &stmt)))
        return rc;
    sqlite3_bind_int64(stmt, 1, account);
    sqlite3_bind_int(stmt, 2, as_of);
    sqlite3_bind_int(stmt, 3, MAX_CONTACTS);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        bool left = sqlite3_column_type(stmt, 5) != SQLITE_NULL &&
                    sqlite3_column_int64(stmt, 5) <= as_of;
        cJSON *c = cJSON_CreateObject();

        if (!c || !cJSON_AddItemToArray(arr, c) ||
            !put(c, "name", text_json(stmt, 0)) ||
            !put(c, "email", text_json(stmt, 1)) ||
            !put(c, "role", text_json(stmt, 2)) ||
            !put(c, "is_sponsor",
                 cJSON_CreateBool(sqlite3_column_int(stmt, 3))) ||
            !put(c, "first_seen", day_col_json(stmt, 4)) ||
            !put(c, "left_at",
                 left ? day_col_json(stmt, 5) : cJSON_CreateNull())) {
            rc = CS_NOMEM;
            goto out;
        }
    }
    if (step != SQLITE_DONE)
        rc = store_error(st, "cannot read contacts");
out:
    sqlite3_reset(stmt);
    return rc;
}

/* The current contract (DESIGN section 6, renewal) or null. */
static enum csmap_rc add_contract(struct store *st, int64_t account,
                                  int32_t as_of, cJSON *ctx)
{
    static const char sql[] =
        "SELECT contract_id, start_date, end_date, arr, seats, plan"
        " FROM contract WHERE account = ?1 AND start_date <= ?2"
        " AND end_date >= ?2 ORDER BY end_date DESC, start_date DESC LIMIT 1";
    sqlite3_stmt *stmt = NULL;
    enum csmap_rc rc;
    cJSON *c;
    int step;

    if ((rc = store_stmt(st, sql, &stmt)))
        return rc;
    sqlite3_bind_int64(stmt, 1, account);
    sqlite3_bind_int(stmt, 2, as_of);
    step = sqlite3_step(stmt);
    if (step == SQLITE_DONE) {
        rc = put(ctx, "contract", cJSON_CreateNull()) ? CS_OK : CS_NOMEM;
    } else if (step == SQLITE_ROW) {
        c = cJSON_CreateObject();
        if (!put(ctx, "contract", c) ||
            !put(c, "contract_id", text_json(stmt, 0)) ||
            !put(c, "start_date", day_col_json(stmt, 1)) ||
            !put(c, "end_date", day_col_json(stmt, 2)) ||
            !put(c, "arr", number_col_json(stmt, 3)) ||
            !put(c, "seats", number_col_json(stmt, 4)) ||
            !put(c, "plan", text_json(stmt, 5)))
            rc = CS_NOMEM;
    } else {
        rc = store_error(st, "cannot read contracts");
    }
    sqlite3_reset(stmt);
    return rc;
}

/* Weekly core events, oldest first, each with the first day of its week. */
static cJSON *weekly_json(const struct sig_account *a, int32_t as_of)
{
    cJSON *arr = cJSON_CreateArray();

    for (int k = SIG_WEEKS - 1; arr && k >= 0; k--) {
        cJSON *w = cJSON_CreateObject();
        if (!w || !cJSON_AddItemToArray(arr, w) ||
            !put(w, "week_start", date_json(as_of - 7 * k - 6)) ||
            !put(w, "core_events",
                 cJSON_CreateNumber((double)a->usage.weekly[k]))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static const char *stage_owner(const struct config *cfg, const char *stage)
{
    if (!stage)
        return cfg->health.owner;
    if (strcmp(stage, "onboarding") == 0)
        return cfg->onboarding.owner;
    if (strcmp(stage, "usage") == 0)
        return cfg->usage.owner;
    if (strcmp(stage, "support") == 0)
        return cfg->support.owner;
    if (strcmp(stage, "feedback") == 0)
        return cfg->feedback.owner;
    if (strcmp(stage, "renewal") == 0)
        return cfg->renewal.owner;
    if (strcmp(stage, "expansion") == 0)
        return cfg->expansion.owner;
    return cfg->health.owner;
}

/* The fields every context starts with. */
static cJSON *header(const struct sig_set *set, const struct ctx_request *req,
                     const char *scope, const char *account_owner)
{
    cJSON *ctx = cJSON_CreateObject();
    const char *owner = stage_owner(set->cfg, req->stage);

    if (req->stage && strcmp(req->stage, "all") == 0 && account_owner)
        owner = account_owner;
    if (!ctx || !put(ctx, "artifact", cJSON_CreateString(req->artifact)) ||
        !put(ctx, "stage",
             cJSON_CreateString(req->stage ? req->stage : "health")) ||
        !put(ctx, "scope", cJSON_CreateString(scope)) ||
        !put(ctx, "as_of", date_json(set->as_of)) ||
        !put(ctx, "owner", cJSON_CreateString(owner ? owner : "")) ||
        !put(ctx, "audience",
             cJSON_CreateString(req->audience ? req->audience : owner))) {
        cJSON_Delete(ctx);
        return NULL;
    }
    return ctx;
}

static enum csmap_rc add_alerts(const struct sig_set *set,
                                const struct sig_account *a, cJSON *ctx)
{
    cJSON *arr = cJSON_CreateArray();

    if (!put(ctx, "alerts", arr))
        return CS_NOMEM;
    for (size_t i = 0; i < set->n_alerts; i++) {
        if (set->alerts[i].account != a)
            continue;
        if (!cJSON_AddItemToArray(arr, sig_alert_json(&set->alerts[i])))
            return CS_NOMEM;
    }
    return CS_OK;
}

/* The length of a string as cJSON writes it: quoted, with escapes. */
static size_t json_string_len(const char *s)
{
    size_t n = 2;

    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' ||
            c == '\r' || c == '\t')
            n += 2;
        else if (c < 32)
            n += 6;
        else
            n++;
    }
    return n;
}

/* The length of a number as cJSON writes it (print_number()). */
static size_t json_number_len(const cJSON *v)
{
    char text[32];
    double d = v->valuedouble, back, big;

    if (isnan(d) || isinf(d))
        return 4;
    if (d == floor(d) && fabs(d) < 1e15) {
        /* A whole number: its digits, as %1.15g writes them. */
        size_t n = signbit(d) ? 2 : 1;

        for (d = fabs(d); d >= 10; d = floor(d / 10))
            n++;
        return n;
    }
    snprintf(text, sizeof(text), "%1.15g", d);
    back = strtod(text, NULL);
    big = fabs(back) > fabs(d) ? fabs(back) : fabs(d);
    if (fabs(back - d) <= big * DBL_EPSILON)
        return strlen(text);
    return (size_t)snprintf(text, sizeof(text), "%1.17g", d);
}

/* The length of cJSON_PrintUnformatted(v), without writing it. */
static size_t json_len(const cJSON *v)
{
    const cJSON *c;
    size_t n;

    switch (v->type & 0xFF) {
    case cJSON_False:
        return 5;
    case cJSON_True:
        return 4;
    case cJSON_NULL:
        return 4;
    case cJSON_Number:
        return json_number_len(v);
    case cJSON_String:
        return json_string_len(v->valuestring);
    case cJSON_Raw:
        return v->valuestring ? strlen(v->valuestring) : 0;
    case cJSON_Array:
    case cJSON_Object:
        n = 2;
        for (c = v->child; c; c = c->next) {
            n += json_len(c) + (c->next ? 1 : 0);
            if ((v->type & 0xFF) == cJSON_Object)
                n += json_string_len(c->string) + 1;
        }
        return n;
    default:
        return 0;
    }
}

size_t ctx_estimate_tokens(const cJSON *ctx)
{
    return ctx ? (json_len(ctx) + 3) / 4 : 0;
}

/*
 * Budget cuts.  Each step removes a little of one part; the counts are
 * summed per part and said once in "cut" at the end.
 */
enum cut_part { CUT_TICKETS, CUT_QUOTES, CUT_CONTACTS, CUT_ACCOUNTS, CUT_N };

static const char *const cut_keys[CUT_N] = {"tickets", "feedback_quotes",
                                            "contacts", "accounts"};
static const char *const cut_dropped_text[CUT_N] = {
    "older tickets", "older feedback quotes", "contacts (those who left first)",
    "accounts with the least ARR at stake"};

struct cuts {
    int dropped[CUT_N];
    int shortened_tickets;
    int shortened_quotes;
};

static bool cut_array_tail(cJSON *ctx, enum cut_part part, struct cuts *c)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(ctx, cut_keys[part]);
    int n = cJSON_GetArraySize(arr);
    int drop = (n + 1) / 2;

    if (n == 0)
        return false;
    for (int i = 0; i < drop; i++)
        cJSON_DeleteItemFromArray(arr, n - 1 - i);
    c->dropped[part] += drop;
    return true;
}

/* Shorten every text of field in array key; the number shortened. */
static int cut_long_texts(cJSON *ctx, const char *key, const char *field)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(ctx, key);
    cJSON *item;
    int shortened = 0;

    cJSON_ArrayForEach(item, arr)
    {
        cJSON *t = cJSON_GetObjectItemCaseSensitive(item, field);
        size_t n;
        char *s;

        if (!cJSON_IsString(t) || strlen(t->valuestring) <= SHORT_TEXT)
            continue;
        /* Cut on a UTF-8 boundary, then mark the cut. */
        n = SHORT_TEXT;
        while (n > 0 && ((unsigned char)t->valuestring[n] & 0xC0) == 0x80)
            n--;
        if (!(s = mem_alloc(n + 4)))
            return shortened;
        memcpy(s, t->valuestring, n);
        memcpy(s + n, "...", 4);
        cJSON_SetValuestring(t, s);
        mem_free(s);
        shortened++;
    }
    return shortened;
}

static bool cut_step(cJSON *ctx, const char *stage, int step, struct cuts *c)
{
    /* What the artifact's stage reads most is cut last. */
    bool support = stage && strcmp(stage, "support") == 0;
    enum cut_part first = support ? CUT_QUOTES : CUT_TICKETS;
    enum cut_part second = support ? CUT_TICKETS : CUT_QUOTES;
    int n;

    switch (step) {
    case 0:
        n = cut_long_texts(ctx, "tickets", "description");
        c->shortened_tickets += n;
        return n > 0;
    case 1:
        return cut_array_tail(ctx, first, c);
    case 2:
        return cut_array_tail(ctx, CUT_CONTACTS, c);
    case 3:
        return cut_array_tail(ctx, CUT_ACCOUNTS, c);
    case 4:
        n = cut_long_texts(ctx, "feedback_quotes", "text");
        c->shortened_quotes += n;
        return n > 0;
    case 5:
        return cut_array_tail(ctx, second, c);
    default:
        return false;
    }
}

static bool say_cut(cJSON *cut, int n, const char *what, bool shortened)
{
    char msg[160];

    if (n == 0)
        return true;
    if (shortened)
        snprintf(msg, sizeof(msg), "the end of %d %s (cut at %d characters)", n,
                 what, SHORT_TEXT);
    else
        snprintf(msg, sizeof(msg), "%d %s", n, what);
    return put_item(cut, cJSON_CreateString(msg));
}

static enum csmap_rc fit_budget(cJSON *ctx, const struct ctx_request *req)
{
    cJSON *cut = cJSON_CreateArray();
    struct cuts c = {{0}, 0, 0};
    bool ok = true;
    int step = 0;

    if (!put(ctx, "cut", cut))
        return CS_NOMEM;
    if (!req->budget_tokens)
        return CS_OK;
    while (ctx_estimate_tokens(ctx) > req->budget_tokens && step <= 5) {
        if (!cut_step(ctx, req->stage, step, &c))
            step++;
    }
    for (int i = 0; i < CUT_N; i++)
        ok &= say_cut(cut, c.dropped[i], cut_dropped_text[i], false);
    ok &= say_cut(cut, c.shortened_tickets, "ticket descriptions", true);
    ok &= say_cut(cut, c.shortened_quotes, "feedback texts", true);
    if (!ok)
        return CS_NOMEM;
    if (ctx_estimate_tokens(ctx) > req->budget_tokens)
        log_warn("%s: the context still takes about %zu tokens, over the "
                 "budget of %zu",
                 req->artifact, ctx_estimate_tokens(ctx), req->budget_tokens);
    return CS_OK;
}

enum csmap_rc ctx_account(struct store *st, const struct sig_set *set,
                          const struct sig_account *a,
                          const struct ctx_request *req, cJSON **out)
{
    cJSON *ctx = header(set, req, "account", a->owner);
    cJSON *tickets, *quotes, *contacts;
    enum csmap_rc rc = CS_NOMEM;

    *out = NULL;
    if (!ctx || !put(ctx, "account", sig_account_json(a)) ||
        !put(ctx, "usage_weekly", weekly_json(a, set->as_of)))
        goto out;
    if ((rc = add_contract(st, a->rowid, set->as_of, ctx)))
        goto out;
    rc = CS_NOMEM;
    if (!(contacts = cJSON_AddArrayToObject(ctx, "contacts")) ||
        !(tickets = cJSON_AddArrayToObject(ctx, "tickets")) ||
        !(quotes = cJSON_AddArrayToObject(ctx, "feedback_quotes")))
        goto out;
    if ((rc = add_contacts(st, a->rowid, set->as_of, contacts)) ||
        (rc = add_tickets(st, set->cfg, a->rowid, set->as_of, 90, true,
                          tickets)) ||
        (rc = add_quotes(st, a->rowid, set->as_of, 180, quotes)) ||
        (rc = add_alerts(set, a, ctx)) || (rc = fit_budget(ctx, req)))
        goto out;
    *out = ctx;
    ctx = NULL;
out:
    if (rc == CS_NOMEM)
        log_error("out of memory building the context of '%s'", a->account_id);
    cJSON_Delete(ctx);
    return rc;
}

/* An account of a segment with the ARR it has at stake. */
struct staked {
    const struct sig_account *a;
    double stake;
};

static int by_stake(const void *pa, const void *pb)
{
    const struct staked *x = pa, *y = pb;
    const struct sig_account *a = x->a, *b = y->a;
    double ra = a->renewal.has_arr ? a->renewal.arr : 0;
    double rb = b->renewal.has_arr ? b->renewal.arr : 0;

    if (x->stake != y->stake)
        return x->stake > y->stake ? -1 : 1;
    if (ra != rb)
        return ra > rb ? -1 : 1;
    return strcmp(a->account_id, b->account_id);
}

static bool in_segment(const struct sig_account *a,
                       const struct sig_segment *seg)
{
    const char *name = a->segment ? a->segment : "(none)";

    return strcmp(name, seg->name) == 0;
}

/* The segment's accounts that matter most, by ARR at stake. */
static enum csmap_rc add_top_accounts(const struct sig_set *set,
                                      const struct sig_segment *seg, cJSON *arr,
                                      const struct sig_account ***sorted,
                                      size_t *n_sorted)
{
    const struct sig_account **list;
    struct staked *order;
    size_t n = 0;
    enum csmap_rc rc = CS_OK;

    list = mem_calloc(set->n_accounts + 1, sizeof(*list));
    order = mem_calloc(set->n_accounts + 1, sizeof(*order));
    if (!list || !order) {
        rc = CS_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < set->n_accounts; i++) {
        if (in_segment(&set->accounts[i], seg)) {
            order[n].a = &set->accounts[i];
            order[n].stake = sig_arr_at_stake(set, &set->accounts[i]);
            n++;
        }
    }
    qsort(order, n, sizeof(*order), by_stake);
    for (size_t i = 0; i < n; i++)
        list[i] = order[i].a;
    for (size_t i = 0; i < n && i < MAX_SEGMENT_ACCOUNTS; i++) {
        cJSON *j = sig_account_json(order[i].a);
        if (!j || !cJSON_AddItemToArray(arr, j) ||
            !put(j, "arr_at_stake", cJSON_CreateNumber(order[i].stake))) {
            rc = CS_NOMEM;
            goto out;
        }
    }
    *sorted = list;
    *n_sorted = n;
    list = NULL;
out:
    mem_free(list);
    mem_free(order);
    return rc;
}

/* Name the account on every item of arr from index from on. */
static bool label(cJSON *arr, int from, const struct sig_account *a)
{
    cJSON *item = cJSON_GetArrayItem(arr, from);

    for (; item; item = item->next)
        if (!put(item, "account_id", cJSON_CreateString(a->account_id)))
            return false;
    return true;
}

struct sort_field {
    const char *name;
};

static int by_field_desc(const void *pa, const void *pb, void *ctx)
{
    const char *key = ((const struct sort_field *)ctx)->name;
    const cJSON *a = *(const cJSON *const *)pa;
    const cJSON *b = *(const cJSON *const *)pb;
    const char *x = cJSON_GetStringValue(cJSON_GetObjectItem(a, key));
    const char *y = cJSON_GetStringValue(cJSON_GetObjectItem(b, key));

    return strcmp(y ? y : "", x ? x : "");
}

/* Order arr's objects by their date field, newest first, keeping max. */
static bool newest_first(cJSON *arr, const char *field, int max)
{
    int n = cJSON_GetArraySize(arr);
    struct sort_field key = {field};
    cJSON **items;

    if (n < 2)
        return true;
    if (!(items = mem_calloc((size_t)n, sizeof(*items))))
        return false;
    /* Detach from the head: each is then found at once. */
    for (int i = 0; i < n && arr->child; i++)
        items[i] = cJSON_DetachItemViaPointer(arr, arr->child);
    qsort_r(items, (size_t)n, sizeof(*items), by_field_desc, &key);
    for (int i = 0; i < n; i++) {
        if (i < max)
            cJSON_AddItemToArray(arr, items[i]);
        else
            cJSON_Delete(items[i]);
    }
    mem_free(items);
    return true;
}

enum csmap_rc ctx_segment(struct store *st, const struct sig_set *set,
                          const struct sig_segment *seg,
                          const struct ctx_request *req, cJSON **out)
{
    cJSON *ctx = header(set, req, "segment", NULL);
    cJSON *accounts, *tickets, *quotes;
    const struct sig_account **sorted = NULL;
    size_t n_sorted = 0;
    enum csmap_rc rc = CS_NOMEM;

    *out = NULL;
    if (!ctx || !put(ctx, "segment", sig_segment_json(seg)) ||
        !(accounts = cJSON_AddArrayToObject(ctx, "accounts")) ||
        !(tickets = cJSON_AddArrayToObject(ctx, "tickets")) ||
        !(quotes = cJSON_AddArrayToObject(ctx, "feedback_quotes")))
        goto out;
    if ((rc = add_top_accounts(set, seg, accounts, &sorted, &n_sorted)))
        goto out;
    for (size_t i = 0; i < n_sorted; i++) {
        int nt = cJSON_GetArraySize(tickets), nq = cJSON_GetArraySize(quotes);

        if ((rc = add_tickets(st, set->cfg, sorted[i]->rowid, set->as_of, 30,
                              false, tickets)) ||
            (rc = add_quotes(st, sorted[i]->rowid, set->as_of, 90, quotes)))
            goto out;
        rc = CS_NOMEM;
        if (!label(tickets, nt, sorted[i]) || !label(quotes, nq, sorted[i]))
            goto out;
    }
    if (!newest_first(tickets, "created_at", MAX_TICKETS) ||
        !newest_first(quotes, "date", MAX_QUOTES))
        goto out;
    if ((rc = fit_budget(ctx, req)))
        goto out;
    *out = ctx;
    ctx = NULL;
out:
    if (rc == CS_NOMEM)
        log_error("out of memory building the context of segment '%s'",
                  seg->name);
    mem_free(sorted);
    cJSON_Delete(ctx);
    return rc;
}
