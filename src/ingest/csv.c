/* An RFC 4180 CSV reader over a large buffer, one record at a time. */
#include "csmap/ingest.h"

#include <stdio.h>
#include <string.h>

#include "csmap/log.h"
#include "csmap/mem.h"

void csv_init(struct csv_reader *r, struct ingest_input *in)
{
    memset(r, 0, sizeof(*r));
    r->in = in;
    r->next_line = 1;
    r->sep = ',';
}

void csv_release(struct csv_reader *r)
{
    mem_free(r->fields);
    r->fields = NULL;
    r->cap_fields = r->n_fields = 0;
}

static enum csmap_rc add_field(struct csv_reader *r, char *p, size_t n,
                               bool escaped)
{
    struct csv_field *f;

    if (r->n_fields == r->cap_fields) {
        size_t cap = r->cap_fields ? r->cap_fields * 2 : 32;
        if (r->n_fields >= CSV_MAX_FIELDS)
            return CS_TOOBIG;
        f = mem_realloc(r->fields, cap * sizeof(*f));
        if (!f)
            return CS_NOMEM;
        r->fields = f;
        r->cap_fields = cap;
    }
    f = &r->fields[r->n_fields++];
    f->p = p;
    f->n = n;
    f->escaped = escaped;
    return CS_OK;
}

static long count_newlines(const char *p, size_t n)
{
    long k = 0;

    for (size_t i = 0; i < n; i++)
        k += p[i] == '\n';
    return k;
}

/* The outcome of scanning the buffer for one record. */
enum scan {
    SCAN_DONE,   /* a whole record */
    SCAN_MORE,   /* the record runs past the buffer: read more, rescan */
    SCAN_BAD,    /* a whole record, malformed (err set) */
    SCAN_OPEN,   /* end of input inside a quoted field (err set) */
    SCAN_FAILED, /* too many fields or no memory (rc set) */
};

struct scan_state {
    size_t i;   /* next byte */
    long lines; /* line breaks passed */
    bool bad;
    enum csmap_rc rc;
};

/* Scan a quoted field starting at s->i (on the quote). */
static enum scan scan_quoted(struct csv_reader *r, struct scan_state *s)
{
    struct ingest_input *in = r->in;
    char *b = in->buf;
    size_t start = s->i + 1, i = start;
    long start_line = r->next_line + s->lines;
    bool escaped = false;

    for (;;) {
        char *q = memchr(b + i, '"', in->len - i);
        if (!q) {
            if (!in->eof)
                return SCAN_MORE;
            snprintf(r->err, sizeof(r->err),
                     "unterminated quoted field starting on line %ld",
                     start_line);
            return SCAN_OPEN;
        }
        s->lines += count_newlines(b + i, (size_t)(q - (b + i)));
        i = (size_t)(q - b) + 1;
        if (i == in->len && !in->eof)
            return SCAN_MORE;
        if (i < in->len && b[i] == '"') {
            escaped = true;
            i++;
            continue;
        }
        break;
    }
    if ((s->rc = add_field(r, b + start, i - 1 - start, escaped)))
        return SCAN_FAILED;
    s->i = i;
    if (i < in->len && b[i] != r->sep && b[i] != '\n' && b[i] != '\r') {
        if (!s->bad)
            snprintf(r->err, sizeof(r->err),
                     "unexpected character after the closing quote of "
                     "field %zu",
                     r->n_fields);
        s->bad = true;
        while (i < in->len && b[i] != r->sep && b[i] != '\n' && b[i] != '\r')
            i++;
        if (i == in->len && !in->eof)
            return SCAN_MORE;
        s->i = i;
    }
    return SCAN_DONE;
}

/* Scan one record from in->pos; fields point into the buffer. */
static enum scan scan_record(struct csv_reader *r, struct scan_state *s)
{
    struct ingest_input *in = r->in;
    char *b = in->buf;
    enum scan res;

    memset(s, 0, sizeof(*s));
    s->i = in->pos;
    r->n_fields = 0;
    for (;;) {
        size_t i = s->i;
        if (i < in->len && b[i] == '"') {
            if ((res = scan_quoted(r, s)) != SCAN_DONE)
                return res;
            i = s->i;
        } else {
            while (i < in->len && b[i] != r->sep && b[i] != '\n' &&
                   b[i] != '\r')
                i++;
            if (i == in->len && !in->eof)
                return SCAN_MORE;
            if ((s->rc = add_field(r, b + s->i, i - s->i, false)))
                return SCAN_FAILED;
        }
        if (i == in->len) {
            s->i = i;
            break;
        }
        if (b[i] == r->sep) {
            s->i = i + 1;
            continue;
        }
        if (b[i] == '\r') {
            if (i + 1 == in->len && !in->eof)
                return SCAN_MORE;
            if (i + 1 < in->len && b[i + 1] == '\n')
                i++;
        }
        s->i = i + 1;
        s->lines++;
        break;
    }
    return s->bad ? SCAN_BAD : SCAN_DONE;
}

/* Turn "" into " in the quoted fields that have them. */
static void unescape(struct csv_reader *r)
{
    for (size_t k = 0; k < r->n_fields; k++) {
        struct csv_field *f = &r->fields[k];
        size_t o = 0;
        if (!f->escaped)
            continue;
        for (size_t i = 0; i < f->n; i++) {
            f->p[o++] = f->p[i];
            if (f->p[i] == '"')
                i++;
        }
        f->n = o;
        f->escaped = false;
    }
}

/*
 * The separator of a file from its first line: a comma, unless the line
 * has none outside quotes but has semicolons (spreadsheets in locales
 * that write decimal commas) or tabs.
 */
static char header_separator(const char *p, size_t n)
{
    size_t commas = 0, semicolons = 0, tabs = 0;
    bool quoted = false;

    for (size_t i = 0; i < n && (quoted || (p[i] != '\n' && p[i] != '\r'));
         i++) {
        if (p[i] == '"')
            quoted = !quoted;
        else if (!quoted && p[i] == ',')
            commas++;
        else if (!quoted && p[i] == ';')
            semicolons++;
        else if (!quoted && p[i] == '\t')
            tabs++;
    }
    if (commas == 0 && semicolons > 0)
        return ';';
    if (commas == 0 && tabs > 0)
        return '\t';
    return ',';
}

static enum csmap_rc skip_bom(struct csv_reader *r)
{
    struct ingest_input *in = r->in;
    size_t got;
    enum csmap_rc rc;

    while (in->len - in->pos < 3 && !in->eof)
        if ((rc = ingest_input_fill(in, &got)))
            return rc;
    if (in->len - in->pos >= 3 &&
        memcmp(in->buf + in->pos, "\xef\xbb\xbf", 3) == 0)
        in->pos += 3;
    r->started = true;
    r->sep = header_separator(in->buf + in->pos, in->len - in->pos);
    return CS_OK;
}

static bool blank(const struct csv_reader *r)
{
    return r->n_fields == 1 && r->fields[0].n == 0 &&
           !(r->fields[0].p > r->in->buf && r->fields[0].p[-1] == '"');
}

static enum csmap_rc fail(struct csv_reader *r, enum csmap_rc rc)
{
    if (rc == CS_TOOBIG)
        snprintf(r->err, sizeof(r->err),
                 "record longer than %zu MB or with more than %d fields",
                 INGEST_MAX_RECORD >> 20, CSV_MAX_FIELDS);
    r->dead = true;
    return rc;
}

enum csmap_rc csv_next(struct csv_reader *r)
{
    struct ingest_input *in = r->in;
    struct scan_state s;
    enum csmap_rc rc;
    size_t got;

    if (r->dead)
        return CS_NOTFOUND;
    if (!r->started && (rc = skip_bom(r)))
        return fail(r, rc);
    for (;;) {
        enum scan res;
        if (in->pos == in->len && in->eof)
            return CS_NOTFOUND;
        res = in->pos == in->len ? SCAN_MORE : scan_record(r, &s);
        if (res == SCAN_MORE) {
            if ((rc = ingest_input_fill(in, &got)))
                return fail(r, rc);
            continue;
        }
        if (res == SCAN_FAILED)
            return fail(r, s.rc);
        r->line = r->next_line;
        r->next_line += s.lines;
        in->pos = s.i;
        if (res == SCAN_OPEN) {
            in->pos = in->len;
            r->dead = true;
            return CS_DATA;
        }
        if (res == SCAN_BAD)
            return CS_DATA;
        if (blank(r))
            continue;
        unescape(r);
        return CS_OK;
    }
}
