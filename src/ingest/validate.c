/* The kinds of input, their fields, and the checks every row passes. */
#include "internal.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "csmap/date.h"
#include "csmap/log.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct field_spec account_fields[] = {
    {"account_id", FT_TEXT, true},   {"name", FT_TEXT, true},
    {"segment", FT_TEXT, false},     {"plan", FT_TEXT, false},
    {"seats", FT_COUNT, false},      {"arr", FT_NUMBER, false},
    {"owner", FT_TEXT, false},       {"signup_date", FT_DATE, true},
    {"external_ids", FT_EXT, false},
};
static const struct field_spec contact_fields[] = {
    {"contact_id", FT_TEXT, true}, {"account_id", FT_ACCOUNT, true},
    {"name", FT_TEXT, false},      {"email", FT_TEXT, false},
    {"role", FT_TEXT, false},      {"is_sponsor", FT_BOOL, false},
    {"first_seen", FT_DATE, true}, {"left_at", FT_DATE, false},
};
static const struct field_spec event_fields[] = {
    {"account_id", FT_ACCOUNT, true}, {"user_id", FT_TEXT, true},
    {"event", FT_TEXT, true},         {"timestamp", FT_TS, true},
    {"message_id", FT_TEXT, false},
};
static const struct field_spec ticket_fields[] = {
    {"ticket_id", FT_TEXT, true},     {"account_id", FT_ACCOUNT, true},
    {"created_at", FT_TS, true},      {"resolved_at", FT_TS, false},
    {"priority", FT_PRIORITY, false}, {"status", FT_TEXT, false},
    {"subject", FT_TEXT, false},      {"description", FT_TEXT, false},
    {"tags", FT_TEXT, false},
};
static const struct field_spec feedback_fields[] = {
    {"account_id", FT_ACCOUNT, true}, {"date", FT_DATE, true},
    {"kind", FT_FKIND, true},         {"score", FT_NUMBER, false},
    {"text", FT_TEXT, false},         {"contact_email", FT_TEXT, false},
};
static const struct field_spec contract_fields[] = {
    {"account_id", FT_ACCOUNT, true}, {"start_date", FT_DATE, true},
    {"end_date", FT_DATE, true},      {"contract_id", FT_TEXT, false},
    {"arr", FT_NUMBER, false},        {"seats", FT_COUNT, false},
    {"plan", FT_TEXT, false},
};

static const struct kind_spec kinds[] = {
    {INGEST_ACCOUNTS, account_fields, N(account_fields)},
    {INGEST_CONTACTS, contact_fields, N(contact_fields)},
    {INGEST_EVENTS, event_fields, N(event_fields)},
    {INGEST_TICKETS, ticket_fields, N(ticket_fields)},
    {INGEST_FEEDBACK, feedback_fields, N(feedback_fields)},
    {INGEST_CONTRACTS, contract_fields, N(contract_fields)},
};

static const char *const kind_names[] = {
    "unknown", "accounts", "contacts",  "events",
    "tickets", "feedback", "contracts",
};

const char *const ingest_priorities[] = {"urgent", "high", "normal", "low",
                                         NULL};
const char *const ingest_feedback_kinds[] = {
    "nps", "csat", "survey", "qbr_note", "suggestion", "churn_debrief", NULL};

const char *ingest_kind_name(enum ingest_kind kind)
{
    return (size_t)kind < N(kind_names) ? kind_names[kind] : "unknown";
}

bool ingest_kind_parse(const char *s, enum ingest_kind *out)
{
    for (size_t i = 1; i < N(kind_names); i++) {
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (enum ingest_kind)i;
            return true;
        }
    }
    return false;
}

const struct kind_spec *kind_spec_of(enum ingest_kind kind)
{
    for (size_t i = 0; i < N(kinds); i++)
        if (kinds[i].kind == kind)
            return &kinds[i];
    return NULL;
}

int kind_field(const struct kind_spec *ks, const char *name, size_t n)
{
    for (size_t i = 0; i < ks->n_fields; i++)
        if (strlen(ks->fields[i].name) == n &&
            memcmp(ks->fields[i].name, name, n) == 0)
            return (int)i;
    return -1;
}

void row_clear(struct row *row)
{
    memset(row->v, 0, sizeof(row->v));
    row->zendesk_org = false;
    row->deleted = false;
    row->decimal_comma = false;
    row->scratch_len = 0;
}

const char *row_keep(struct row *row, const char *p, size_t n)
{
    char *dst;

    if (n > sizeof(row->scratch) - row->scratch_len)
        return NULL;
    dst = row->scratch + row->scratch_len;
    memcpy(dst, p, n);
    row->scratch_len += n;
    return dst;
}

bool ingest_silent;

void ingest_error(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    if (ingest_silent)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_error("%s", msg);
}

/* Bad rows shown for the current file; past the limit they are only
 * counted, unless -v asks for every one. */
static unsigned long bad_rows_shown;

#define BAD_ROWS_SHOWN_MAX 100

static char bad_row_label[64];

void ingest_bad_row_reset(void)
{
    bad_rows_shown = 0;
    bad_row_label[0] = '\0';
}

void ingest_bad_row_label(const char *label)
{
    snprintf(bad_row_label, sizeof(bad_row_label), "%s", label ? label : "");
}

void ingest_bad_row(const char *file, long line, const char *field,
                    const char *fmt, ...)
{
    char msg[400], label[sizeof(bad_row_label) + 3] = "";
    va_list ap;

    if (++bad_rows_shown > BAD_ROWS_SHOWN_MAX && log_get_level() < LOG_INFO) {
        if (bad_rows_shown == BAD_ROWS_SHOWN_MAX + 1)
            ingest_error("%s: more bad rows are counted but not shown (-v "
                         "shows them all)",
                         file);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (bad_row_label[0])
        snprintf(label, sizeof(label), " [%s]", bad_row_label);
    ingest_error("%s:%ld: %s%s%s%s", file, line, field ? field : "",
                 field ? ": " : "", msg, label);
}

/* Quote a value for a message: at most 40 bytes of it. */
static int shown(size_t n)
{
    return n > 40 ? 40 : (int)n;
}

static const char *ellipsis(size_t n)
{
    return n > 40 ? "..." : "";
}

static bool trim(struct row_val *v)
{
    while (v->n > 0 && (v->p[0] == ' ' || v->p[0] == '\t'))
        v->p++, v->n--;
    while (v->n > 0 && (v->p[v->n - 1] == ' ' || v->p[v->n - 1] == '\t'))
        v->n--;
    return v->n > 0;
}

static bool word_index(const char *const *words, const char *p, size_t n,
                       int64_t *out)
{
    for (int64_t i = 0; words[i]; i++) {
        if (strlen(words[i]) == n && strncasecmp(words[i], p, n) == 0) {
            *out = i;
            return true;
        }
    }
    return false;
}

static bool ext_ok(const char *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t start, colon = 0;
        while (i < n && p[i] == ' ')
            i++;
        start = i;
        while (i < n && p[i] != ' ') {
            if (p[i] == ':' && !colon)
                colon = i;
            i++;
        }
        if (i > start && (!colon || colon == start || colon == i - 1))
            return false;
    }
    return true;
}

static bool check_day(struct row_val *v)
{
    int32_t d;

    if (!ingest_parse_day(v->p, v->n, &d))
        return false;
    v->i = d;
    return true;
}

static bool check_bool(struct row_val *v)
{
    bool b;

    if (!ingest_parse_bool(v->p, v->n, &b))
        return false;
    v->i = b;
    return true;
}

/* Whether a trimmed value of a type other than text and account is good;
 * the checked value goes into v->i or v->d. */
/* A number written with a decimal comma ("1200,50"), as spreadsheets
 * write it where they separate fields with semicolons. */
static bool decimal_comma_number(const struct row_val *v, double *out)
{
    char tmp[64];

    if (v->n >= sizeof(tmp) || memchr(v->p, '.', v->n))
        return false;
    memcpy(tmp, v->p, v->n);
    for (size_t i = 0, commas = 0; i < v->n; i++) {
        if (tmp[i] == ',') {
            if (++commas > 1)
                return false;
            tmp[i] = '.';
        }
    }
    return ingest_parse_number(tmp, v->n, out);
}

static bool value_ok(enum field_type type, struct row_val *v,
                     bool decimal_comma)
{
    switch (type) {
    case FT_DATE:
        return check_day(v);
    case FT_TS:
        return date_parse_ts(v->p, v->n, &v->i);
    case FT_BOOL:
        return check_bool(v);
    case FT_COUNT:
        return ingest_parse_count(v->p, v->n, &v->i);
    case FT_NUMBER:
        return ingest_parse_number(v->p, v->n, &v->d) ||
               (decimal_comma && decimal_comma_number(v, &v->d));
    case FT_PRIORITY:
        return word_index(ingest_priorities, v->p, v->n, &v->i);
    case FT_FKIND:
        return word_index(ingest_feedback_kinds, v->p, v->n, &v->i);
    case FT_EXT:
        return ext_ok(v->p, v->n);
    case FT_TEXT:
    case FT_ACCOUNT:
        break;
    }
    return true;
}

/* What a bad value of each type is not. */
static const char *const type_reasons[] = {
    [FT_DATE] = "is not a date (YYYY-MM-DD)",
    [FT_TS] = "is not an ISO 8601 timestamp",
    [FT_BOOL] = "is not a boolean (true, false, yes, no, 1, 0)",
    [FT_COUNT] = "is not a whole number of 0 or more",
    [FT_NUMBER] = "is not a number",
    [FT_PRIORITY] = "is not one of urgent, high, normal, low",
    [FT_FKIND] = "is not one of nps, csat, survey, qbr_note, suggestion, "
                 "churn_debrief",
    [FT_EXT] = "is not a list of system:id pairs",
};

/* Resolve the account a row names; NULL or the reason it is bad. */
static const char *check_account(const struct loader *ld, bool zendesk_org,
                                 struct row_val *v, char *why, size_t why_n)
{
    if (zendesk_org) {
        char key[64];
        int k = snprintf(key, sizeof(key), "zendesk:%.*s", (int)v->n, v->p);
        /* External ids first (DESIGN section 5), then account ids. */
        if (k > 0 && (size_t)k < sizeof(key) &&
            loader_ext(ld, key, (size_t)k, &v->i))
            return NULL;
    }
    if (loader_account(ld, v->p, v->n, &v->i))
        return NULL;
    if (zendesk_org)
        snprintf(why, why_n,
                 "no account for Zendesk organization '%.*s%s' (as "
                 "zendesk:%.*s or as an account_id)",
                 shown(v->n), v->p, ellipsis(v->n), shown(v->n), v->p);
    else
        snprintf(why, why_n, "unknown account '%.*s%s'", shown(v->n), v->p,
                 ellipsis(v->n));
    return why;
}

/* Check one field's value by its type; NULL or the reason it is bad. */
static const char *check_value(const struct field_spec *fs,
                               const struct loader *ld, const struct row *row,
                               struct row_val *v, char *why, size_t why_n)
{
    if (fs->type == FT_TEXT)
        return NULL;
    if (fs->type == FT_ACCOUNT)
        return check_account(ld, row->zendesk_org, v, why, why_n);
    if (value_ok(fs->type, v, row->decimal_comma))
        return NULL;
    snprintf(why, why_n, "'%.*s%s' %s", shown(v->n), v->p, ellipsis(v->n),
             type_reasons[fs->type]);
    return why;
}

/* NPS scores are whole numbers 0 to 10. */
static const char *check_nps(const struct row *row, char *why, size_t why_n)
{
    const struct row_val *s = &row->v[F_FB_SCORE];

    if (row->v[F_FB_KIND].i != 0)
        return NULL;
    if (!s->set)
        return "an NPS response needs a score";
    if (s->d < 0 || s->d > 10 || s->d != (double)(int)s->d) {
        snprintf(why, why_n,
                 "NPS score '%.*s' is not a whole number from "
                 "0 to 10",
                 shown(s->n), s->p);
        return why;
    }
    return NULL;
}

enum csmap_rc row_check(const struct kind_spec *ks, const struct loader *ld,
                        const char *file, struct row *row)
{
    char why[200];
    const char *bad;
    size_t off;

    for (size_t i = 0; i < ks->n_fields; i++) {
        const struct field_spec *fs = &ks->fields[i];
        struct row_val *v = &row->v[i];
        if (v->set && fs->type != FT_TEXT)
            trim(v);
        if (!v->set || v->n == 0) {
            v->set = false;
            if (fs->required) {
                ingest_bad_row(file, row->line, fs->name, "required");
                return CS_DATA;
            }
            continue;
        }
        if (!ingest_utf8_valid(v->p, v->n, &off)) {
            ingest_bad_row(file, row->line, fs->name,
                           "invalid UTF-8 at byte %zu of the value", off + 1);
            return CS_DATA;
        }
        if ((bad = check_value(fs, ld, row, v, why, sizeof(why)))) {
            ingest_bad_row(file, row->line,
                           row->zendesk_org && fs->type == FT_ACCOUNT
                               ? "organization_id"
                               : fs->name,
                           "%s", bad);
            return CS_DATA;
        }
    }
    if (ks->kind == INGEST_FEEDBACK &&
        (bad = check_nps(row, why, sizeof(why)))) {
        ingest_bad_row(file, row->line, "score", "%s", bad);
        return CS_DATA;
    }
    return CS_OK;
}

/* Text for a JSON scalar: strings as they are, numbers written out. */
static enum csmap_rc json_text(const cJSON *item, struct row *row,
                               struct row_val *v)
{
    char num[40];
    int k;

    if (cJSON_IsNull(item))
        return CS_OK;
    if (cJSON_IsString(item)) {
        v->p = item->valuestring;
        v->n = strlen(item->valuestring);
    } else if (cJSON_IsBool(item)) {
        v->p = cJSON_IsTrue(item) ? "true" : "false";
        v->n = strlen(v->p);
    } else if (cJSON_IsNumber(item)) {
        double d = item->valuedouble;
        /* The range first: converting 1e300 to int64_t is undefined. */
        if (d > -9e15 && d < 9e15 && d == (double)(int64_t)d)
            k = snprintf(num, sizeof(num), "%lld", (long long)d);
        else
            k = snprintf(num, sizeof(num), "%.17g", d);
        if (!(v->p = row_keep(row, num, (size_t)k)))
            return CS_TOOBIG;
        v->n = (size_t)k;
    } else {
        return CS_DATA;
    }
    v->set = v->n > 0;
    return CS_OK;
}

enum csmap_rc row_from_json(const struct kind_spec *ks, const cJSON *map,
                            const cJSON *obj, const char *file, struct row *row)
{
    for (size_t i = 0; i < ks->n_fields; i++) {
        const char *key = ks->fields[i].name;
        const cJSON *m =
            map ? cJSON_GetObjectItemCaseSensitive(map, key) : NULL;
        const cJSON *item;
        if (cJSON_IsString(m))
            key = m->valuestring;
        item = cJSON_GetObjectItemCaseSensitive(obj, key);
        if (item && json_text(item, row, &row->v[i])) {
            ingest_bad_row(file, row->line, ks->fields[i].name,
                           "expected a string, a number or a boolean");
            return CS_DATA;
        }
    }
    return CS_OK;
}
