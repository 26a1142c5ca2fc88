/*
 * A fast path for flat JSON records, the common shape of JSON Lines
 * exports: string values without escapes, whole numbers, true, false and
 * null.  Values point into the input, so nothing is allocated.  Anything
 * else is left to cJSON, which gives the same values and the errors.
 */
#include "internal.h"

#include <string.h>

static size_t skip_ws(const char *p, size_t n, size_t i)
{
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
        i++;
    return i;
}

/* A string with no escape or control byte at p[*i] (the quote). */
static bool flat_string(const char *p, size_t n, size_t *i, size_t *start,
                        size_t *len)
{
    size_t k = *i + 1;

    *start = k;
    while (k < n && p[k] != '"') {
        if (p[k] == '\\' || (unsigned char)p[k] < 0x20)
            return false;
        k++;
    }
    if (k == n)
        return false;
    *len = k - *start;
    *i = k + 1;
    return true;
}

/* A whole number that cJSON would write back the same way. */
static bool flat_integer(const char *p, size_t n, size_t *i, size_t *len)
{
    size_t k = *i + (p[*i] == '-');
    size_t digits = k;

    while (k < n && p[k] >= '0' && p[k] <= '9')
        k++;
    digits = k - digits;
    if (digits == 0 || digits > 15 || (k < n && strchr(".eE", p[k])))
        return false;
    if (p[k - digits] == '0' && (digits > 1 || p[*i] == '-'))
        return false;
    *len = k - *i;
    return true;
}

static bool flat_word(const char *p, size_t n, size_t i, const char *w)
{
    size_t len = strlen(w);

    return n - i >= len && memcmp(p + i, w, len) == 0;
}

/* Read one value at p[*i] into v (left unset for null). */
static bool flat_value(const char *p, size_t n, size_t *i, struct row_val *v)
{
    size_t start, len;

    if (p[*i] == '"') {
        if (!flat_string(p, n, i, &start, &len))
            return false;
        v->p = p + start;
        v->n = len;
    } else if (p[*i] == '-' || (p[*i] >= '0' && p[*i] <= '9')) {
        if (!flat_integer(p, n, i, &len))
            return false;
        v->p = p + *i;
        v->n = len;
        *i += len;
    } else if (flat_word(p, n, *i, "true") || flat_word(p, n, *i, "false")) {
        v->p = p[*i] == 't' ? "true" : "false";
        v->n = v->p[0] == 't' ? 4 : 5;
        *i += v->n;
    } else if (flat_word(p, n, *i, "null")) {
        *i += 4;
        return true;
    } else {
        return false;
    }
    v->set = v->n > 0;
    return true;
}

/* The field a member name feeds, or -1. */
static int flat_field(const struct flat_names *fn, const char *p, size_t n)
{
    for (size_t f = 0; f < fn->count; f++)
        if (fn->len[f] == n && memcmp(fn->name[f], p, n) == 0)
            return (int)f;
    return -1;
}

/* One "name": value member; false to leave the record to cJSON. */
static bool flat_member(const struct flat_names *fn, const char *p, size_t n,
                        size_t *i, struct row *row, bool *seen)
{
    struct row_val ignored = {0};
    size_t start, len;
    int f;

    if (p[*i] != '"' || !flat_string(p, n, i, &start, &len))
        return false;
    f = flat_field(fn, p + start, len);
    if (f < 0 && !strmap_get(fn->unknown, p + start, len, &(int64_t){0}))
        return false;
    *i = skip_ws(p, n, *i);
    if (*i == n || p[*i] != ':')
        return false;
    *i = skip_ws(p, n, *i + 1);
    if (*i == n)
        return false;
    if (f < 0 || seen[f])
        return flat_value(p, n, i, &ignored);
    seen[f] = true;
    return flat_value(p, n, i, &row->v[f]);
}

bool flat_record(const struct flat_names *fn, const char *p, size_t n,
                 struct row *row)
{
    bool seen[ROW_MAX_FIELDS] = {false};
    size_t i = skip_ws(p, n, 0);

    if (i == n || p[i] != '{')
        return false;
    i = skip_ws(p, n, i + 1);
    if (i < n && p[i] == '}')
        return skip_ws(p, n, i + 1) == n;
    for (;;) {
        if (i == n || !flat_member(fn, p, n, &i, row, seen))
            return false;
        i = skip_ws(p, n, i);
        if (i < n && p[i] == ',') {
            i = skip_ws(p, n, i + 1);
            continue;
        }
        if (i < n && p[i] == '}')
            return skip_ws(p, n, i + 1) == n;
        return false;
    }
}
