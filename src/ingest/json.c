/*
 * A streaming JSON splitter: finds the bytes of each record of a JSON
 * Lines file, a top-level array or a Zendesk page, without recursion and
 * without holding more than one record.
 */
#include "csmap/ingest.h"

#include <stdio.h>
#include <string.h>

/* Scanner states for arrays and pages. */
enum {
    ST_OPEN = 0,  /* before the top-level '[' or '{' */
    ST_FIRST,     /* after '[': an element or ']' */
    ST_NEXT,      /* after an element: ',' or ']' */
    ST_ELEM,      /* after ',': an element */
    ST_KEY_FIRST, /* after the page's '{': a key or '}' */
    ST_KEY,       /* after ',' in the page: a key */
    ST_KEY_NEXT,  /* after a page value: ',' or '}' */
    ST_END,       /* after the document: only white space */
    ST_DONE,
};

enum scan { SCAN_DONE, SCAN_MORE, SCAN_BAD };

void json_init(struct json_reader *r, struct ingest_input *in,
               enum json_mode mode)
{
    memset(r, 0, sizeof(*r));
    r->in = in;
    r->mode = mode;
    r->cur_line = 1;
}

static enum csmap_rc bad(struct json_reader *r, const char *what)
{
    snprintf(r->err, sizeof(r->err), "%s", what);
    r->line = r->cur_line;
    r->state = ST_DONE;
    return CS_DATA;
}

static enum csmap_rc fill(struct json_reader *r)
{
    size_t got;
    enum csmap_rc rc = ingest_input_fill(r->in, &got);

    if (rc == CS_TOOBIG) {
        snprintf(r->err, sizeof(r->err), "record longer than %zu MB",
                 INGEST_MAX_RECORD >> 20);
        r->line = r->cur_line;
        r->state = ST_DONE;
    }
    return rc;
}

/* Skip white space (and a BOM at the start); *c is the next byte or -1. */
static enum csmap_rc peek(struct json_reader *r, int *c)
{
    struct ingest_input *in = r->in;
    enum csmap_rc rc;

    for (;;) {
        while (in->pos < in->len) {
            unsigned char b = (unsigned char)in->buf[in->pos];
            if (b == '\n')
                r->cur_line++;
            else if (b != ' ' && b != '\t' && b != '\r') {
                *c = b;
                return CS_OK;
            }
            in->pos++;
        }
        if (in->eof) {
            *c = -1;
            return CS_OK;
        }
        if ((rc = fill(r)))
            return rc;
    }
}

/* Skip a string whose opening quote is at b[*i]; *i ends after it. */
static enum scan scan_string(const char *b, size_t len, size_t *i, long *lines)
{
    size_t k = *i + 1;

    while (k < len) {
        char c = b[k];
        if (c == '"') {
            *i = k + 1;
            return SCAN_DONE;
        }
        if (c == '\\')
            k++;
        else if (c == '\n')
            ++*lines;
        k++;
    }
    return SCAN_MORE;
}

/* The extent of the value at b: n bytes, with lines line breaks. */
static enum scan scan_value(const char *b, size_t len, size_t *n, long *lines)
{
    size_t i = 0;
    long depth = 0;

    *lines = 0;
    if (b[0] == '"') {
        if (scan_string(b, len, &i, lines) == SCAN_MORE)
            return SCAN_MORE;
        *n = i;
        return SCAN_DONE;
    }
    if (b[0] != '{' && b[0] != '[') {
        while (i < len && !strchr(",]}: \t\r\n", b[i]))
            i++;
        *n = i;
        return i == len ? SCAN_MORE : SCAN_DONE;
    }
    while (i < len) {
        char c = b[i];
        if (c == '"') {
            if (scan_string(b, len, &i, lines) == SCAN_MORE)
                return SCAN_MORE;
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                *n = i + 1;
                return SCAN_DONE;
            }
        } else if (c == '\n') {
            ++*lines;
        }
        i++;
    }
    return SCAN_MORE;
}

/* Take the value at the read position: *p, *n, consumed. */
static enum csmap_rc take_value(struct json_reader *r, const char **p,
                                size_t *n)
{
    struct ingest_input *in = r->in;
    enum csmap_rc rc;
    long lines;

    for (;;) {
        enum scan res =
            scan_value(in->buf + in->pos, in->len - in->pos, n, &lines);
        if (res == SCAN_DONE ||
            (res == SCAN_MORE && in->eof && *n > 0 && in->buf[in->pos] != '{' &&
             in->buf[in->pos] != '[' && in->buf[in->pos] != '"'))
            break;
        if (in->eof)
            return bad(r, "unexpected end of the JSON document");
        if ((rc = fill(r)))
            return rc;
    }
    *p = in->buf + in->pos;
    r->line = r->cur_line;
    r->cur_line += lines;
    in->pos += *n;
    return CS_OK;
}

/* After a line longer than a record may be: drop the rest of it, so that
 * reading goes on at the next line; CS_TOOBIG with the reason. */
static enum csmap_rc skip_line(struct json_reader *r)
{
    struct ingest_input *in = r->in;
    long line = r->cur_line;
    enum csmap_rc rc;
    size_t got;

    for (;;) {
        const char *nl = memchr(in->buf + in->pos, '\n', in->len - in->pos);
        if (nl) {
            in->pos = (size_t)(nl - in->buf);
            break;
        }
        in->pos = in->len;
        if (in->eof)
            break;
        if ((rc = ingest_input_fill(in, &got)))
            return rc;
    }
    snprintf(r->err, sizeof(r->err), "record longer than %zu MB, skipped",
             INGEST_MAX_RECORD >> 20);
    r->line = line;
    r->state = ST_OPEN;
    return CS_TOOBIG;
}

/* The next line of JSON Lines that is not blank. */
static enum csmap_rc next_line(struct json_reader *r, const char **p, size_t *n)
{
    struct ingest_input *in = r->in;
    enum csmap_rc rc;
    int c;

    for (;;) {
        const char *s, *nl;
        if ((rc = peek(r, &c)))
            return rc;
        if (c < 0)
            return CS_NOTFOUND;
        s = in->buf + in->pos;
        nl = memchr(s, '\n', in->len - in->pos);
        if (!nl && !in->eof) {
            rc = fill(r);
            if (rc == CS_TOOBIG)
                return skip_line(r);
            if (rc)
                return rc;
            continue;
        }
        *n = nl ? (size_t)(nl - s) : in->len - in->pos;
        *p = s;
        r->line = r->cur_line;
        in->pos += *n;
        while (*n > 0 && ((*p)[*n - 1] == '\r' || (*p)[*n - 1] == ' '))
            --*n;
        return CS_OK;
    }
}

/* Read a page key and its colon; true when it is "tickets". */
static enum csmap_rc page_key(struct json_reader *r, bool *tickets)
{
    const char *p;
    size_t n;
    int c;
    enum csmap_rc rc;

    if ((rc = peek(r, &c)))
        return rc;
    if (c != '"')
        return bad(r, "expected a key in the top-level object");
    if ((rc = take_value(r, &p, &n)))
        return rc;
    *tickets = n == 9 && memcmp(p, "\"tickets\"", 9) == 0;
    if ((rc = peek(r, &c)))
        return rc;
    if (c != ':')
        return bad(r, "expected ':' after a key in the top-level object");
    r->in->pos++;
    return peek(r, &c);
}

/* One step of the page object's keys; CS_OK with state ST_FIRST when the
 * tickets array starts. */
static enum csmap_rc page_step(struct json_reader *r, int c)
{
    const char *p;
    size_t n;
    bool tickets;
    enum csmap_rc rc;

    if (r->state == ST_KEY_NEXT) {
        if (c == '}') {
            r->in->pos++;
            r->state = ST_END;
            return CS_OK;
        }
        if (c != ',')
            return bad(r, "expected ',' or '}' in the top-level object");
        r->in->pos++;
        r->state = ST_KEY;
        return CS_OK;
    }
    if (r->state == ST_KEY_FIRST && c == '}') {
        r->in->pos++;
        r->state = ST_END;
        return CS_OK;
    }
    if ((rc = page_key(r, &tickets)))
        return rc;
    if (tickets && r->in->pos < r->in->len && r->in->buf[r->in->pos] == '[') {
        r->in->pos++;
        r->tickets = true;
        r->state = ST_FIRST;
        return CS_OK;
    }
    if (r->in->pos >= r->in->len)
        return bad(r, "unexpected end of the JSON document");
    r->state = ST_KEY_NEXT;
    return take_value(r, &p, &n);
}

/* Decide between JSON Lines, an array and a page from the first bytes: an
 * object that closes on its first line starts JSON Lines. */
static enum csmap_rc detect(struct json_reader *r, int c)
{
    struct ingest_input *in = r->in;
    enum csmap_rc rc;

    if (c == '[') {
        r->mode = JSON_ARRAY;
        return CS_OK;
    }
    if (c != '{')
        return bad(r, "expected a JSON object or array");
    for (;;) {
        size_t n;
        long lines;
        enum scan res =
            scan_value(in->buf + in->pos, in->len - in->pos, &n, &lines);
        const char *nl = memchr(in->buf + in->pos, '\n', in->len - in->pos);
        if (res == SCAN_DONE) {
            r->mode = lines == 0 ? JSON_LINES : JSON_PAGE;
            return CS_OK;
        }
        if (nl || in->eof) {
            r->mode = nl ? JSON_PAGE : JSON_LINES;
            return CS_OK;
        }
        if ((rc = fill(r)))
            return rc;
    }
}

static enum csmap_rc open_document(struct json_reader *r, int c)
{
    if (r->mode == JSON_ARRAY && c == '[') {
        r->state = ST_FIRST;
    } else if (r->mode == JSON_PAGE && c == '{') {
        r->state = ST_KEY_FIRST;
    } else {
        return bad(r, r->mode == JSON_ARRAY ? "expected a JSON array"
                                            : "expected a JSON object");
    }
    r->in->pos++;
    return CS_OK;
}

/* After an array's ']': the end of the document, or more page keys. */
static void array_closed(struct json_reader *r)
{
    r->in->pos++;
    r->state = r->mode == JSON_PAGE ? ST_KEY_NEXT : ST_END;
}

/* At the end of input or after the document: CS_NOTFOUND when the
 * document ended well, CS_DATA otherwise. */
static enum csmap_rc finish(struct json_reader *r, int c)
{
    if (c >= 0)
        return bad(r, "unexpected data after the JSON document");
    if (r->state != ST_END)
        return bad(r, "unexpected end of the JSON document");
    if (r->mode == JSON_PAGE && !r->tickets)
        return bad(r, "expected a JSON array, JSON Lines or a Zendesk page "
                      "(an object with a \"tickets\" array)");
    r->state = ST_DONE;
    return CS_NOTFOUND;
}

/* One step inside an array; CS_OK with *got set when it took an element. */
static enum csmap_rc array_step(struct json_reader *r, int c, const char **p,
                                size_t *n, bool *got)
{
    *got = false;
    if (c == ']' && r->state != ST_ELEM) {
        array_closed(r);
        return CS_OK;
    }
    if (r->state == ST_NEXT) {
        if (c != ',')
            return bad(r, "expected ',' or ']' after an array element");
        r->in->pos++;
        r->state = ST_ELEM;
        return CS_OK;
    }
    if (c == ']' || c == ',')
        return bad(r, "expected an array element");
    r->state = ST_NEXT;
    *got = true;
    return take_value(r, p, n);
}

enum csmap_rc json_next(struct json_reader *r, const char **p, size_t *n)
{
    enum csmap_rc rc;
    bool got = false;
    int c;

    if (r->state == ST_DONE)
        return CS_NOTFOUND;
    if (r->mode == JSON_DETECT || r->mode == JSON_LINES) {
        if ((rc = peek(r, &c)))
            return rc;
        if (c < 0)
            return CS_NOTFOUND;
        if (r->mode == JSON_DETECT && (rc = detect(r, c)))
            return rc;
        if (r->mode == JSON_LINES)
            return next_line(r, p, n);
    }
    while (!got) {
        if ((rc = peek(r, &c)))
            return rc;
        /* Documents one after the other (jq's output of several pages). */
        if (r->state == ST_END && (c == '{' || c == '['))
            r->state = ST_OPEN;
        if (r->state == ST_END || c < 0)
            return finish(r, c);
        if (r->state == ST_OPEN)
            rc = open_document(r, c);
        else if (r->state == ST_FIRST || r->state == ST_NEXT ||
                 r->state == ST_ELEM)
            rc = array_step(r, c, p, n, &got);
        else
            rc = page_step(r, c);
        if (rc)
            return rc;
    }
    return CS_OK;
}
