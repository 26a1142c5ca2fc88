/*
 * Ingest: open a file, tell its format and kind, read its records one at a
 * time, check them and hand them to the loader, all in one transaction.
 */
#include "internal.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/store.h"

enum format { FMT_CSV, FMT_JSON };
enum preset { P_NONE, P_ZENDESK, P_SEGMENT, P_SOURCE };

/* The names of a header or of a first record's members. */
struct names {
    const char **p;
    size_t *n;
    size_t count;
};

/* One file being ingested. */
struct job {
    const char *path;
    const struct ingest_options *opt;
    struct ingest_input in;
    enum format fmt;
    struct csv_reader csv;
    struct json_reader json;
    enum ingest_kind kind;
    enum preset preset;
    const char *preset_name;
    const cJSON *map; /* the source's field map, or NULL */
    const struct kind_spec *ks;
    int *colmap; /* CSV column -> field index, or -1 */
    size_t n_cols;
    cJSON *first; /* the first JSON record, read to detect */
    long first_line;
    struct ingest_stats stats;
    struct loader *ld;
    struct row row;
    struct buf tags;
    struct ingest_segment *sg;
    struct strmap unknown;  /* JSON members already reported */
    struct flat_names flat; /* for records the fast path can read */
    unsigned long not_track, no_account;
    unsigned long deleted, dropped; /* Zendesk tickets deleted; removed */
    bool loading;                   /* the file's transaction has begun */
};

static bool has_name(const struct names *nm, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < nm->count; i++)
        if (nm->n[i] == n && memcmp(nm->p[i], name, n) == 0)
            return true;
    return false;
}

/* Tell the kind from the field names present. */
static enum ingest_kind kind_by_names(const struct names *nm)
{
    if (has_name(nm, "event") && has_name(nm, "timestamp"))
        return INGEST_EVENTS;
    if (has_name(nm, "ticket_id"))
        return INGEST_TICKETS;
    if (has_name(nm, "contact_id"))
        return INGEST_CONTACTS;
    if (has_name(nm, "start_date") && has_name(nm, "end_date"))
        return INGEST_CONTRACTS;
    if (has_name(nm, "kind") && has_name(nm, "date"))
        return INGEST_FEEDBACK;
    if (has_name(nm, "signup_date") ||
        (has_name(nm, "account_id") && has_name(nm, "name")))
        return INGEST_ACCOUNTS;
    return INGEST_UNKNOWN;
}

/* A configured source: its kind and map; false when it is malformed. */
static bool source_parts(const cJSON *src, enum ingest_kind *kind,
                         const cJSON **map)
{
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(src, "kind");

    *map = cJSON_GetObjectItemCaseSensitive(src, "map");
    if (!cJSON_IsObject(*map))
        *map = NULL;
    *kind = INGEST_UNKNOWN;
    return cJSON_IsString(k) && ingest_kind_parse(k->valuestring, kind);
}

/* The first source whose mapped columns all appear in names. */
static const cJSON *source_by_names(const cJSON *sources,
                                    const struct names *nm)
{
    const cJSON *src;

    cJSON_ArrayForEach(src, sources)
    {
        const cJSON *map, *m;
        enum ingest_kind kind;
        bool all = true;
        if (!source_parts(src, &kind, &map) || !map || !map->child)
            continue;
        cJSON_ArrayForEach(m, map)
        {
            all = all && cJSON_IsString(m) && has_name(nm, m->valuestring);
        }
        if (all)
            return src;
    }
    return NULL;
}

/* A Segment call: a type of the Segment spec and a user. */
static bool is_segment(const cJSON *first)
{
    static const char *const types[] = {"track", "identify", "group",
                                        "page",  "screen",   "alias"};
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(first, "type");
    bool known = false;

    for (size_t i = 0; cJSON_IsString(type) && i < 6; i++)
        known = known || strcmp(type->valuestring, types[i]) == 0;
    return known && (cJSON_HasObjectItem(first, "userId") ||
                     cJSON_HasObjectItem(first, "anonymousId"));
}

/* A Zendesk ticket: an id and no ticket_id, with an organization_id, an
 * API url, or a requester (exports leave out members that are null). */
static bool is_zendesk_ticket(const cJSON *f)
{
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(f, "url");

    if (!cJSON_HasObjectItem(f, "id") || cJSON_HasObjectItem(f, "ticket_id"))
        return false;
    return cJSON_HasObjectItem(f, "organization_id") ||
           (cJSON_IsString(url) &&
            strstr(url->valuestring, "/api/v2/tickets")) ||
           (cJSON_HasObjectItem(f, "requester_id") &&
            cJSON_HasObjectItem(f, "status"));
}

static bool is_zendesk(const struct job *j)
{
    const cJSON *f = j->first;

    return j->json.mode == JSON_PAGE ||
           cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(f, "tickets")) ||
           is_zendesk_ticket(f);
}

/* Apply --preset: zendesk, segment or a configured source. */
static enum csmap_rc named_preset(struct job *j)
{
    const char *name = j->opt->preset;
    const cJSON *src;

    j->preset_name = name;
    if (strcmp(name, "zendesk") == 0) {
        j->preset = P_ZENDESK;
        j->kind = INGEST_TICKETS;
    } else if (strcmp(name, "segment") == 0) {
        j->preset = P_SEGMENT;
        j->kind = INGEST_EVENTS;
    } else {
        src = cJSON_GetObjectItemCaseSensitive(j->opt->sources, name);
        if (!src || !source_parts(src, &j->kind, &j->map)) {
            ingest_error("no preset or source named '%s'", name);
            return CS_USAGE;
        }
        j->preset = P_SOURCE;
        if (j->opt->kind)
            j->kind = j->opt->kind;
        return CS_OK;
    }
    if (j->fmt != FMT_JSON) {
        ingest_error("%s: the %s preset reads JSON or JSON Lines", j->path,
                     name);
        return CS_DATA;
    }
    return CS_OK;
}

/* Decide the preset and kind from the options, the header or the first
 * record. */
static enum csmap_rc detect(struct job *j, const struct names *nm)
{
    enum csmap_rc rc;
    const cJSON *src;
    enum ingest_kind forced = j->opt->kind;

    if (j->opt->preset) {
        if ((rc = named_preset(j)))
            return rc;
    } else if (j->fmt == FMT_JSON && is_zendesk(j) &&
               (!forced || forced == INGEST_TICKETS)) {
        j->preset = P_ZENDESK;
        j->preset_name = "zendesk";
        j->kind = INGEST_TICKETS;
    } else if (j->fmt == FMT_JSON && is_segment(j->first) &&
               (!forced || forced == INGEST_EVENTS)) {
        j->preset = P_SEGMENT;
        j->preset_name = "segment";
        j->kind = INGEST_EVENTS;
    } else if ((src = source_by_names(j->opt->sources, nm)) &&
               source_parts(src, &j->kind, &j->map)) {
        j->preset = P_SOURCE;
        j->preset_name = src->string;
        if (forced)
            j->kind = forced;
    } else {
        j->kind = forced ? forced : kind_by_names(nm);
    }
    if (j->kind == INGEST_UNKNOWN) {
        ingest_error("%s: cannot tell what this file holds; name the kind "
                     "with --kind, or the source with --preset zendesk or "
                     "segment",
                     j->path);
        return CS_DATA;
    }
    j->ks = kind_spec_of(j->kind);
    return CS_OK;
}

static bool utf16_bom(const struct ingest_input *in)
{
    const unsigned char *b = (const unsigned char *)in->buf;

    return in->len >= 2 &&
           ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff));
}

/* Look at the first bytes: empty, binary, JSON or CSV. */
static enum csmap_rc sniff(struct job *j)
{
    struct ingest_input *in = &j->in;
    size_t got, i = 0;
    enum csmap_rc rc;

    while (in->len < 4096 && !in->eof)
        if ((rc = ingest_input_fill(in, &got)))
            return rc;
    if (in->len >= 3 && memcmp(in->buf, "\xef\xbb\xbf", 3) == 0)
        in->pos = i = 3;
    if (utf16_bom(in)) {
        ingest_error("%s: the file is UTF-16; save it as UTF-8", j->path);
        return CS_DATA;
    }
    if (in->len >= 2 && (unsigned char)in->buf[0] == 0x1f &&
        (unsigned char)in->buf[1] == 0x8b) {
        ingest_error("%s: the file is gzip-compressed; decompress it first "
                     "(gunzip -k %s)",
                     j->path, j->path);
        return CS_DATA;
    }
    if (memchr(in->buf, '\0', in->len)) {
        ingest_error("%s: not a CSV or JSON file", j->path);
        return CS_DATA;
    }
    while (i < in->len && strchr(" \t\r\n", in->buf[i]))
        i++;
    if (i == in->len) {
        ingest_error("%s: the file is empty", j->path);
        return CS_DATA;
    }
    j->fmt = in->buf[i] == '[' || in->buf[i] == '{' ? FMT_JSON : FMT_CSV;
    return CS_OK;
}

static enum csmap_rc names_alloc(struct names *nm, size_t count)
{
    nm->count = 0;
    nm->p = mem_calloc(count ? count : 1, sizeof(*nm->p));
    nm->n = mem_calloc(count ? count : 1, sizeof(*nm->n));
    if (!nm->p || !nm->n) {
        ingest_error("out of memory");
        return CS_NOMEM;
    }
    return CS_OK;
}

static void names_free(struct names *nm)
{
    mem_free(nm->p);
    mem_free(nm->n);
}

/* The field a CSV column feeds, through the source map when there is one;
 * -1 for an unknown column. */
static int column_field(const struct job *j, const char *name, size_t n)
{
    const cJSON *m;
    int f;

    cJSON_ArrayForEach(m, j->map)
    {
        if (cJSON_IsString(m) && strlen(m->valuestring) == n &&
            memcmp(m->valuestring, name, n) == 0)
            return kind_field(j->ks, m->string, strlen(m->string));
    }
    f = kind_field(j->ks, name, n);
    if (f >= 0 &&
        cJSON_GetObjectItemCaseSensitive(j->map, j->ks->fields[f].name))
        return -1;
    return f;
}

static void warn_unknown_columns(struct job *j, const struct names *nm)
{
    struct buf b = BUF_INIT;

    for (size_t c = 0; c < nm->count; c++) {
        if (j->colmap[c] != -1)
            continue;
        if (buf_printf(&b, "%s'%.*s'", b.len ? ", " : "", (int)nm->n[c],
                       nm->p[c]))
            break;
    }
    if (b.len && !ingest_silent)
        log_warn("%s: unknown columns ignored: %s", j->path, buf_str(&b));
    buf_release(&b);
}

static enum csmap_rc map_columns(struct job *j, const struct names *nm)
{
    j->n_cols = nm->count;
    j->colmap = mem_calloc(nm->count, sizeof(*j->colmap));
    if (!j->colmap) {
        ingest_error("out of memory");
        return CS_NOMEM;
    }
    for (size_t c = 0; c < nm->count; c++) {
        j->colmap[c] = column_field(j, nm->p[c], nm->n[c]);
        for (size_t d = 0; d < c && j->colmap[c] >= 0; d++) {
            if (j->colmap[d] == j->colmap[c]) {
                /* Two columns for one field: the last one is read. */
                if (!ingest_silent)
                    log_warn("%s: columns %zu and %zu both give '%s'; "
                             "column %zu is used",
                             j->path, d + 1, c + 1,
                             j->ks->fields[j->colmap[c]].name, c + 1);
                j->colmap[d] = -2;
            }
        }
    }
    for (size_t f = 0; f < j->ks->n_fields; f++) {
        bool found = false;
        for (size_t c = 0; c < nm->count; c++)
            found = found || j->colmap[c] == (int)f;
        if (j->ks->fields[f].required && !found) {
            ingest_error("%s: missing required column '%s'", j->path,
                         j->ks->fields[f].name);
            return CS_DATA;
        }
    }
    warn_unknown_columns(j, nm);
    return CS_OK;
}

/* Read the CSV header and decide the kind from it. */
static enum csmap_rc csv_header(struct job *j)
{
    struct names nm = {0};
    enum csmap_rc rc;

    csv_init(&j->csv, &j->in);
    rc = csv_next(&j->csv);
    if (rc == CS_NOTFOUND || rc == CS_DATA || rc == CS_TOOBIG) {
        ingest_error("%s: cannot read the header: %s", j->path,
                     rc == CS_NOTFOUND ? "no header row" : j->csv.err);
        return CS_DATA;
    }
    if (rc)
        return rc;
    if ((rc = names_alloc(&nm, j->csv.n_fields)))
        goto out;
    for (size_t c = 0; c < j->csv.n_fields; c++) {
        struct row_val v = {j->csv.fields[c].p, j->csv.fields[c].n};
        while (v.n && (v.p[v.n - 1] == ' ' || v.p[v.n - 1] == '\t'))
            v.n--;
        while (v.n && (v.p[0] == ' ' || v.p[0] == '\t'))
            v.p++, v.n--;
        nm.p[c] = v.p;
        nm.n[c] = v.n;
    }
    nm.count = j->csv.n_fields;
    if ((rc = detect(j, &nm)))
        goto out;
    if (j->preset == P_ZENDESK || j->preset == P_SEGMENT) {
        ingest_error("%s: the %s preset reads JSON or JSON Lines", j->path,
                     j->preset_name);
        rc = CS_DATA;
        goto out;
    }
    rc = map_columns(j, &nm);
out:
    names_free(&nm);
    return rc;
}

/* The deepest nesting of arrays and objects in n bytes of JSON. */
static long json_depth(const char *p, size_t n)
{
    long depth = 0, max = 0;
    bool in_string = false;

    for (size_t i = 0; i < n; i++) {
        if (in_string) {
            if (p[i] == '\\')
                i++;
            else if (p[i] == '"')
                in_string = false;
        } else if (p[i] == '"') {
            in_string = true;
        } else if (p[i] == '[' || p[i] == '{') {
            max = ++depth > max ? depth : max;
        } else if (p[i] == ']' || p[i] == '}') {
            depth--;
        }
    }
    return max;
}

static void report_invalid(struct job *j, const char *p, size_t n, long line)
{
    const char *at = cJSON_GetErrorPtr();

    if (json_depth(p, n) > CJSON_NESTING_LIMIT)
        ingest_bad_row(j->path, line, NULL,
                       "invalid JSON: nested deeper than %d levels",
                       CJSON_NESTING_LIMIT);
    else if (at && at >= p && at <= p + n)
        ingest_bad_row(j->path, line, NULL,
                       "invalid JSON at byte %zu of the record",
                       (size_t)(at - p) + 1);
    else
        ingest_bad_row(j->path, line, NULL, "invalid JSON");
}

/* Parse a JSON record; reports it as a bad row when it is not valid. */
static cJSON *parse_record(struct job *j, const char *p, size_t n, long line)
{
    const char *end = NULL;
    cJSON *obj = cJSON_ParseWithLengthOpts(p, n, &end, false);

    if (obj && (size_t)(end - p) != n) {
        while ((size_t)(end - p) < n &&
               (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
            end++;
        if ((size_t)(end - p) != n) {
            cJSON_Delete(obj);
            obj = NULL;
        }
    }
    if (!obj) {
        report_invalid(j, p, n, line);
        return NULL;
    }
    if (!cJSON_IsObject(obj)) {
        ingest_bad_row(j->path, line, NULL, "expected a JSON object");
        cJSON_Delete(obj);
        return NULL;
    }
    return obj;
}

static void report_reader(struct job *j, long line, const char *err)
{
    j->stats.read++;
    j->stats.rejected++;
    ingest_bad_row(j->path, line, NULL, "%s", err);
}

/* Read the first JSON record and decide the kind from it. */
static enum csmap_rc json_first(struct job *j)
{
    struct names nm = {0};
    const char *p;
    size_t n, k = 0;
    enum csmap_rc rc;
    const cJSON *m;

    json_init(&j->json, &j->in, JSON_DETECT);
    for (;;) {
        rc = json_next(&j->json, &p, &n);
        if (rc == CS_NOTFOUND && !j->stats.rejected)
            return CS_NOTFOUND;
        if (rc == CS_NOTFOUND) {
            ingest_error("%s: no valid record to load", j->path);
            return CS_DATA;
        }
        if (rc == CS_DATA || rc == CS_TOOBIG) {
            ingest_error("%s:%ld: %s", j->path, j->json.line, j->json.err);
            return CS_DATA;
        }
        if (rc)
            return rc;
        if ((j->first = parse_record(j, p, n, j->json.line)))
            break;
        j->stats.read++;
        j->stats.rejected++;
    }
    j->first_line = j->json.line;
    if ((rc = names_alloc(&nm, (size_t)cJSON_GetArraySize(j->first))))
        goto out;
    cJSON_ArrayForEach(m, j->first)
    {
        nm.p[k] = m->string;
        nm.n[k++] = strlen(m->string);
    }
    nm.count = k;
    rc = detect(j, &nm);
out:
    names_free(&nm);
    return rc;
}

/* Check a row and load it, or count it as rejected. */
static enum csmap_rc take_row(struct job *j)
{
    if (row_check(j->ks, j->ld, j->path, &j->row)) {
        j->stats.rejected++;
        return CS_OK;
    }
    return loader_row(j->ld, &j->row);
}

static bool known_member(const struct job *j, const char *name)
{
    const cJSON *m;

    if (kind_field(j->ks, name, strlen(name)) >= 0)
        return true;
    cJSON_ArrayForEach(m, j->map)
    {
        if (cJSON_IsString(m) && strcmp(m->valuestring, name) == 0)
            return true;
    }
    return false;
}

static enum csmap_rc warn_unknown_members(struct job *j, const cJSON *obj)
{
    const cJSON *m;
    int64_t seen;

    cJSON_ArrayForEach(m, obj)
    {
        size_t n = strlen(m->string);
        if (known_member(j, m->string) ||
            strmap_get(&j->unknown, m->string, n, &seen))
            continue;
        if (strmap_put(&j->unknown, m->string, n, 1))
            return CS_NOMEM;
        log_warn("%s:%ld: unknown field '%s' ignored", j->path, j->row.line,
                 m->string);
    }
    return CS_OK;
}

static enum csmap_rc zendesk_ticket(struct job *j, const cJSON *t)
{
    char label[64];
    bool found;
    enum csmap_rc rc;

    j->stats.read++;
    row_clear(&j->row);
    if (!cJSON_IsObject(t)) {
        ingest_bad_row(j->path, j->row.line, NULL, "expected a ticket object");
        j->stats.rejected++;
        return CS_OK;
    }
    zendesk_label(t, label, sizeof(label));
    ingest_bad_row_label(label);
    rc = zendesk_row(t, j->path, &j->tags, &j->row);
    if (!rc && j->row.deleted) {
        /* Deleted in Zendesk: gone from the store too. */
        j->stats.skipped++;
        j->deleted++;
        rc = loader_drop_ticket(j->ld, &j->row.v[F_TK_ID], &found);
        j->dropped += found;
    } else if (rc) {
        j->stats.rejected++;
        if (rc == CS_DATA || rc == CS_TOOBIG)
            rc = CS_OK;
    } else {
        rc = take_row(j);
    }
    ingest_bad_row_label(NULL);
    return rc;
}

static enum csmap_rc segment_call(struct job *j, const cJSON *call)
{
    enum csmap_rc rc;

    switch (segment_call_type(call)) {
    case SEG_GROUP:
        j->stats.skipped++;
        j->not_track++;
        return ingest_segment_group(j->sg, call);
    case SEG_OTHER:
        j->stats.skipped++;
        j->not_track++;
        return CS_OK;
    case SEG_NONE:
        ingest_bad_row(j->path, j->row.line, "type",
                       "required: not a Segment call (track, identify, "
                       "group, page, screen or alias)");
        j->stats.rejected++;
        return CS_OK;
    case SEG_TRACK:
        break;
    }
    rc = segment_row(j->sg, call, j->path, &j->row);
    if (rc == CS_NOTFOUND) {
        j->stats.skipped++;
        j->no_account++;
        return CS_OK;
    }
    if (rc) {
        j->stats.rejected++;
        return CS_OK;
    }
    return take_row(j);
}

/* One JSON record, whatever the preset. */
static enum csmap_rc json_record(struct job *j, const cJSON *obj)
{
    const cJSON *tickets, *t;
    enum csmap_rc rc;

    if (j->preset == P_ZENDESK) {
        tickets = cJSON_GetObjectItemCaseSensitive(obj, "tickets");
        if (!cJSON_IsArray(tickets))
            return zendesk_ticket(j, obj);
        cJSON_ArrayForEach(t, tickets)
        {
            if ((rc = zendesk_ticket(j, t)))
                return rc;
        }
        return CS_OK;
    }
    j->stats.read++;
    row_clear(&j->row);
    if (j->preset == P_SEGMENT)
        return segment_call(j, obj);
    if ((rc = warn_unknown_members(j, obj)))
        return rc;
    if (row_from_json(j->ks, j->map, obj, j->path, &j->row)) {
        j->stats.rejected++;
        return CS_OK;
    }
    return take_row(j);
}

/* The member names of the fields, through the source's map. */
static void flat_names_init(struct job *j)
{
    struct flat_names *fn = &j->flat;

    fn->count = j->ks->n_fields;
    fn->unknown = &j->unknown;
    for (size_t f = 0; f < fn->count; f++) {
        const char *name = j->ks->fields[f].name;
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(j->map, name);
        fn->name[f] = cJSON_IsString(m) ? m->valuestring : name;
        fn->len[f] = strlen(fn->name[f]);
    }
}

/* Read a plain record without cJSON; false when it needs cJSON. */
static bool fast_record(struct job *j, const char *p, size_t n,
                        enum csmap_rc *rc)
{
    if (j->preset == P_ZENDESK || j->preset == P_SEGMENT)
        return false;
    row_clear(&j->row);
    if (!flat_record(&j->flat, p, n, &j->row))
        return false;
    j->stats.read++;
    *rc = take_row(j);
    return true;
}

static enum csmap_rc read_json(struct job *j)
{
    enum csmap_rc rc;
    const char *p;
    size_t n;
    cJSON *obj;

    flat_names_init(j);
    j->row.line = j->first_line;
    rc = json_record(j, j->first);
    cJSON_Delete(j->first);
    j->first = NULL;
    while (!rc) {
        rc = json_next(&j->json, &p, &n);
        if (rc == CS_NOTFOUND)
            return CS_OK;
        if (rc == CS_TOOBIG && j->json.mode == JSON_LINES) {
            report_reader(j, j->json.line, j->json.err);
            rc = CS_OK;
            continue;
        }
        if (rc == CS_DATA || rc == CS_TOOBIG) {
            report_reader(j, j->json.line, j->json.err);
            return CS_OK;
        }
        if (rc)
            return rc;
        j->row.line = j->json.line;
        if (fast_record(j, p, n, &rc))
            continue;
        if (!(obj = parse_record(j, p, n, j->json.line))) {
            j->stats.read++;
            j->stats.rejected++;
            continue;
        }
        rc = json_record(j, obj);
        cJSON_Delete(obj);
    }
    return rc;
}

static enum csmap_rc csv_row(struct job *j)
{
    struct csv_reader *r = &j->csv;

    j->stats.read++;
    row_clear(&j->row);
    j->row.line = r->line;
    j->row.decimal_comma = r->sep == ';';
    if (r->n_fields > j->n_cols) {
        ingest_bad_row(j->path, r->line, NULL,
                       "%zu fields, but the header has %zu", r->n_fields,
                       j->n_cols);
        j->stats.rejected++;
        return CS_OK;
    }
    for (size_t c = 0; c < r->n_fields; c++) {
        int f = j->colmap[c];
        if (f < 0)
            continue;
        j->row.v[f].p = r->fields[c].p;
        j->row.v[f].n = r->fields[c].n;
        j->row.v[f].set = r->fields[c].n > 0;
    }
    return take_row(j);
}

static enum csmap_rc read_csv(struct job *j)
{
    enum csmap_rc rc;

    for (;;) {
        rc = csv_next(&j->csv);
        if (rc == CS_NOTFOUND)
            return CS_OK;
        if (rc == CS_DATA) {
            report_reader(j, j->csv.line, j->csv.err);
            continue;
        }
        if (rc == CS_TOOBIG) {
            report_reader(j, j->csv.next_line, j->csv.err);
            return CS_OK;
        }
        if (rc || (rc = csv_row(j)))
            return rc;
    }
}

static enum csmap_rc log_file(struct job *j, struct store *st)
{
    sqlite3_stmt *s = NULL;
    enum csmap_rc rc = CS_OK;
    const char *sql =
        "INSERT INTO ingest_log(path, kind, preset, at, read, loaded,"
        " replaced, rejected, skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_error(st, "cannot prepare a statement");
    sqlite3_bind_text(s, 1, j->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, ingest_kind_name(j->kind), -1, SQLITE_STATIC);
    if (j->preset_name)
        sqlite3_bind_text(s, 3, j->preset_name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
    sqlite3_bind_int64(s, 5, (int64_t)j->stats.read);
    sqlite3_bind_int64(s, 6, (int64_t)j->stats.loaded);
    sqlite3_bind_int64(s, 7, (int64_t)j->stats.replaced);
    sqlite3_bind_int64(s, 8, (int64_t)j->stats.rejected);
    sqlite3_bind_int64(s, 9, (int64_t)j->stats.skipped);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_error(st, "cannot record the ingest");
    sqlite3_finalize(s);
    return rc;
}

static void summary(const struct job *j)
{
    const struct ingest_stats *s = &j->stats;

    if (j->preset == P_SEGMENT && s->skipped)
        log_note("%s: skipped %lu call%s other than track and %lu track "
                 "call%s that name%s no account",
                 j->path, j->not_track, j->not_track == 1 ? "" : "s",
                 j->no_account, j->no_account == 1 ? "" : "s",
                 j->no_account == 1 ? "s" : "");
    if (j->preset == P_ZENDESK && j->deleted)
        log_note("%s: skipped %lu deleted ticket%s (%lu removed from the "
                 "store)",
                 j->path, j->deleted, j->deleted == 1 ? "" : "s", j->dropped);
    log_note("%s: %s%s%s%s, %lu read, %lu loaded, %lu replaced, "
             "%lu rejected, %lu skipped",
             j->path, ingest_kind_name(j->kind), j->preset_name ? " (" : "",
             j->preset_name ? j->preset_name : "", j->preset_name ? ")" : "",
             s->read, s->loaded, s->replaced, s->rejected, s->skipped);
}

/* Read every record into the store inside one transaction. */
static enum csmap_rc load(struct job *j, struct store *st)
{
    enum csmap_rc rc;

    if ((rc = store_begin(st)))
        return rc;
    j->loading = true;
    if (j->preset == P_SEGMENT && !(j->sg = ingest_segment_new())) {
        ingest_error("out of memory");
        rc = CS_NOMEM;
        goto out;
    }
    if ((rc = loader_open(st, j->kind, &j->stats, &j->ld)))
        goto out;
    loader_set_file(j->ld, j->path);
    if ((rc = j->fmt == FMT_CSV ? read_csv(j) : read_json(j)) ||
        (rc = loader_finish(j->ld)))
        goto out;
    if (j->opt->strict && j->stats.rejected) {
        ingest_error("%s: nothing loaded: %lu rows rejected and --strict is "
                     "given",
                     j->path, j->stats.rejected);
        j->stats.loaded = j->stats.replaced = 0;
        rc = CS_DATA;
        goto out;
    }
    if ((rc = log_file(j, st)) || (rc = store_commit(st)))
        goto out;
    return CS_OK;
out:
    store_rollback(st);
    if (rc != CS_DATA)
        ingest_error("%s: nothing loaded from this file", j->path);
    return rc;
}

static void job_release(struct job *j)
{
    loader_free(j->ld);
    csv_release(&j->csv);
    ingest_input_close(&j->in);
    mem_free(j->colmap);
    cJSON_Delete(j->first);
    buf_release(&j->tags);
    ingest_segment_free(j->sg);
    strmap_release(&j->unknown);
}

/* Open, sniff and read the header or first record of a file. */
static enum csmap_rc job_open(struct job *j, const struct ingest_options *opt,
                              const char *path)
{
    enum csmap_rc rc;

    memset(j, 0, sizeof(*j));
    j->path = path;
    j->opt = opt;
    j->in.fd = -1;
    buf_init(&j->tags, INGEST_MAX_RECORD);
    strmap_init(&j->unknown);
    if ((rc = ingest_input_open(&j->in, path)) || (rc = sniff(j)))
        return rc;
    return j->fmt == FMT_CSV ? csv_header(j) : json_first(j);
}

enum csmap_rc ingest_file(struct store *st, const struct ingest_options *opt,
                          const char *path, struct ingest_stats *stats)
{
    struct job j;
    enum csmap_rc rc;

    ingest_bad_row_reset();
    rc = job_open(&j, opt, path);
    if (rc == CS_NOTFOUND) {
        if (!ingest_silent)
            log_warn("%s: no records", path);
        rc = CS_OK;
    } else if (!rc) {
        rc = load(&j, st);
    }
    if (j.loading && (!rc || rc == CS_DATA))
        summary(&j);
    if (!rc && j.stats.rejected)
        rc = CS_DATA;
    if (stats)
        *stats = j.stats;
    job_release(&j);
    return rc;
}

/* The kind of a file, for ordering; INGEST_UNKNOWN when it cannot be
 * told (ingest_file reports why). */
static enum ingest_kind probe(const struct ingest_options *opt,
                              const char *path)
{
    struct job j;
    enum ingest_kind kind = INGEST_UNKNOWN;

    ingest_silent = true;
    if (!job_open(&j, opt, path))
        kind = j.kind;
    ingest_silent = false;
    job_release(&j);
    return kind;
}

static int rank(enum ingest_kind kind)
{
    return kind == INGEST_ACCOUNTS ? 0 : kind == INGEST_CONTRACTS ? 1 : 2;
}

static bool fatal(enum csmap_rc rc)
{
    return rc == CS_STORE || rc == CS_NOMEM || rc == CS_USAGE;
}

enum csmap_rc ingest_files(struct store *st, const struct ingest_options *opt,
                           char *const *paths, size_t n_paths)
{
    int *ranks = mem_calloc(n_paths ? n_paths : 1, sizeof(*ranks));
    enum csmap_rc worst = CS_OK;

    if (!ranks) {
        ingest_error("out of memory");
        return CS_NOMEM;
    }
    for (size_t i = 0; i < n_paths; i++)
        ranks[i] = n_paths > 1 ? rank(probe(opt, paths[i])) : 2;
    for (int r = 0; r <= 2 && !fatal(worst); r++) {
        for (size_t i = 0; i < n_paths && !fatal(worst); i++) {
            enum csmap_rc rc;
            if (ranks[i] != r)
                continue;
            rc = ingest_file(st, opt, paths[i], NULL);
            if (rc && (worst == CS_OK || worst == CS_DATA))
                worst = rc;
        }
    }
    mem_free(ranks);
    return worst;
}
