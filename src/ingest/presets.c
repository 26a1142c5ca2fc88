/* Source presets: Zendesk ticket exports and Segment event streams. */
#include "internal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "csmap/date.h"
#include "csmap/mem.h"

/* A string member, or NULL when absent, null or not a string. */
static const char *member_str(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* The timestamp text that says when a Zendesk ticket was resolved
 * (DESIGN section 5; the status matters only for updated_at). */
static const char *zendesk_resolved_text(const cJSON *t)
{
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(t, "metric_set");
    const char *s = member_str(ms, "solved_at");
    const char *status = member_str(t, "status");

    if (s)
        return s;
    if ((s = member_str(t, "solved_at")))
        return s;
    if (status &&
        (strcmp(status, "solved") == 0 || strcmp(status, "closed") == 0))
        return member_str(t, "updated_at");
    return NULL;
}

enum csmap_rc ingest_zendesk_resolved(const cJSON *ticket, bool *resolved,
                                      int64_t *at, const char **why)
{
    const char *s = zendesk_resolved_text(ticket);

    *resolved = false;
    *why = NULL;
    if (!s)
        return CS_OK;
    if (!date_parse_ts(s, strlen(s), at)) {
        *why = "the resolution time is not an ISO 8601 timestamp";
        return CS_DATA;
    }
    *resolved = true;
    return CS_OK;
}

/* Text of a scalar member (numbers written as integers) into the row. */
static enum csmap_rc scalar(const cJSON *obj, const char *key, struct row *row,
                            struct row_val *v)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    char num[32];
    int k;

    if (cJSON_IsString(item)) {
        v->p = item->valuestring;
        v->n = strlen(v->p);
    } else if (cJSON_IsNumber(item)) {
        /* snprintf gives the length it wanted: a number too large to be
         * written in num (1e40) is no id. */
        k = snprintf(num, sizeof(num), "%.0f", item->valuedouble);
        if (k < 0 || (size_t)k >= sizeof(num) ||
            !(v->p = row_keep(row, num, (size_t)k)))
            return CS_TOOBIG;
        v->n = (size_t)k;
    } else if (item && !cJSON_IsNull(item)) {
        return CS_DATA;
    }
    v->set = v->n > 0;
    return CS_OK;
}

static enum csmap_rc join_tags(const cJSON *t, struct buf *tags,
                               struct row_val *v)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(t, "tags");
    const cJSON *tag;
    enum csmap_rc rc;

    buf_reset(tags);
    if (cJSON_IsString(arr)) {
        v->p = arr->valuestring;
        v->n = strlen(v->p);
        v->set = v->n > 0;
        return CS_OK;
    }
    cJSON_ArrayForEach(tag, arr)
    {
        if (!cJSON_IsString(tag))
            continue;
        if ((tags->len && (rc = buf_addc(tags, ' '))) ||
            (rc = buf_adds(tags, tag->valuestring)))
            return rc;
    }
    v->p = buf_str(tags);
    v->n = tags->len;
    v->set = v->n > 0;
    return CS_OK;
}

enum csmap_rc zendesk_row(const cJSON *t, const char *file, struct buf *tags,
                          struct row *row)
{
    static const struct {
        const char *key;
        int field;
    } plain[] = {
        {"id", F_TK_ID},
        {"organization_id", F_TK_ACCOUNT},
        {"created_at", F_TK_CREATED},
        {"priority", F_TK_PRIORITY},
        {"status", F_TK_STATUS},
        {"subject", F_TK_SUBJECT},
        {"description", F_TK_DESC},
    };
    const char *resolved = zendesk_resolved_text(t);
    enum csmap_rc rc;

    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        rc = scalar(t, plain[i].key, row, &row->v[plain[i].field]);
        if (rc) {
            ingest_bad_row(file, row->line, plain[i].key, "%s",
                           rc == CS_DATA ? "expected a string or a number"
                                         : "the number is too large");
            return CS_DATA;
        }
    }
    row->zendesk_org = true;
    row->deleted =
        strcasecmp(member_str(t, "status") ? member_str(t, "status") : "",
                   "deleted") == 0;
    if (row->deleted)
        return CS_OK;
    if (!row->v[F_TK_ID].set) {
        ingest_bad_row(file, row->line, "id", "required: a ticket has an id");
        return CS_DATA;
    }
    if (!row->v[F_TK_ACCOUNT].set) {
        ingest_bad_row(file, row->line, "organization_id",
                       "the ticket has no organization, so no account");
        return CS_DATA;
    }
    if (resolved) {
        row->v[F_TK_RESOLVED].p = resolved;
        row->v[F_TK_RESOLVED].n = strlen(resolved);
        row->v[F_TK_RESOLVED].set = true;
    }
    if ((rc = join_tags(t, tags, &row->v[F_TK_TAGS]))) {
        ingest_bad_row(file, row->line, "tags", "the tags are too long");
        return rc;
    }
    return CS_OK;
}

void zendesk_label(const cJSON *t, char *out, size_t n)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(t, "id");

    if (cJSON_IsString(id))
        snprintf(out, n, "ticket %.40s", id->valuestring);
    else if (cJSON_IsNumber(id) && id->valuedouble >= 0 &&
             id->valuedouble < 1e18)
        snprintf(out, n, "ticket %.0f", id->valuedouble);
    else
        snprintf(out, n, "a ticket without an id");
}

/* The Segment group calls seen so far: user -> group, latest wins. */
struct ingest_segment {
    struct strmap users; /* user -> index in groups */
    char **groups;
    size_t n_groups, cap_groups;
};

struct ingest_segment *ingest_segment_new(void)
{
    struct ingest_segment *sg = mem_calloc(1, sizeof(*sg));

    if (sg)
        strmap_init(&sg->users);
    return sg;
}

void ingest_segment_free(struct ingest_segment *sg)
{
    if (!sg)
        return;
    for (size_t i = 0; i < sg->n_groups; i++)
        mem_free(sg->groups[i]);
    mem_free(sg->groups);
    strmap_release(&sg->users);
    mem_free(sg);
}

/* An id member given as a non-empty string or a whole number (written
 * into tmp); NULL otherwise.  A number too large for tmp (1e40) is no
 * id. */
static const char *member_id(const cJSON *obj, const char *key, char tmp[32])
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (cJSON_IsString(item) && item->valuestring[0])
        return item->valuestring;
    if (cJSON_IsNumber(item) &&
        snprintf(tmp, 32, "%.0f", item->valuedouble) < 32)
        return tmp;
    return NULL;
}

const char *ingest_segment_user(const cJSON *call, char tmp[32])
{
    const char *user = member_id(call, "userId", tmp);

    return user ? user : member_id(call, "anonymousId", tmp);
}

enum segment_call segment_call_type(const cJSON *call)
{
    const char *type = member_str(call, "type");

    if (!type || !type[0])
        return SEG_NONE;
    if (strcmp(type, "track") == 0)
        return SEG_TRACK;
    if (strcmp(type, "group") == 0)
        return SEG_GROUP;
    return SEG_OTHER;
}

enum csmap_rc ingest_segment_group(struct ingest_segment *sg, const cJSON *call)
{
    char tmp[32], gtmp[32];
    const char *user = ingest_segment_user(call, tmp);
    const char *group = member_id(call, "groupId", gtmp);
    char *copy;

    if (!user || !group)
        return CS_OK;
    if (sg->n_groups == sg->cap_groups) {
        size_t cap = sg->cap_groups ? sg->cap_groups * 2 : 16;
        char **p = mem_realloc(sg->groups, cap * sizeof(*p));
        if (!p)
            return CS_NOMEM;
        sg->groups = p;
        sg->cap_groups = cap;
    }
    if (!(copy = mem_strdup(group)))
        return CS_NOMEM;
    sg->groups[sg->n_groups] = copy;
    if (strmap_put(&sg->users, user, strlen(user), (int64_t)sg->n_groups)) {
        mem_free(copy);
        return CS_NOMEM;
    }
    sg->n_groups++;
    return CS_OK;
}

const char *ingest_segment_account(const struct ingest_segment *sg,
                                   const cJSON *call, char out[32])
{
    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(call, "context");
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(call, "properties");
    const char *s;
    char tmp[32];
    const char *user;
    int64_t idx;

    if ((s = member_id(ctx, "groupId", out)) ||
        (s = member_id(props, "account_id", out)))
        return s;
    user = ingest_segment_user(call, tmp);
    if (sg && user && strmap_get(&sg->users, user, strlen(user), &idx))
        return sg->groups[idx];
    return NULL;
}

enum csmap_rc segment_row(const struct ingest_segment *sg, const cJSON *call,
                          const char *file, struct row *row)
{
    char atmp[32], tmp[32];
    const char *account = ingest_segment_account(sg, call, atmp);
    const char *user = ingest_segment_user(call, tmp);
    struct row_val *v = row->v;

    if (!account)
        return CS_NOTFOUND;
    v[F_EV_ACCOUNT].n = strlen(account);
    v[F_EV_ACCOUNT].p =
        account == atmp ? row_keep(row, atmp, strlen(atmp)) : account;
    v[F_EV_ACCOUNT].set = v[F_EV_ACCOUNT].p != NULL;
    if (user) {
        v[F_EV_USER].n = strlen(user);
        v[F_EV_USER].p = user == tmp ? row_keep(row, tmp, strlen(tmp)) : user;
        v[F_EV_USER].set = v[F_EV_USER].p != NULL;
    }
    if (scalar(call, "event", row, &v[F_EV_EVENT]) ||
        scalar(call, "timestamp", row, &v[F_EV_TS]) ||
        scalar(call, "messageId", row, &v[F_EV_MSG])) {
        ingest_bad_row(file, row->line, NULL,
                       "event, timestamp and messageId must be strings");
        return CS_DATA;
    }
    return CS_OK;
}
