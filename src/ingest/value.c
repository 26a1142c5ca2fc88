/* Field values as the input formats define them: booleans, counts,
 * numbers, dates and UTF-8 text. */
#include "csmap/ingest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csmap/date.h"

static bool word_is(const char *p, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(p, w, n) == 0;
}

bool ingest_parse_bool(const char *p, size_t n, bool *out)
{
    if (n == 0 || word_is(p, n, "false") || word_is(p, n, "0") ||
        word_is(p, n, "no")) {
        *out = false;
        return true;
    }
    if (word_is(p, n, "true") || word_is(p, n, "1") || word_is(p, n, "yes")) {
        *out = true;
        return true;
    }
    return false;
}

bool ingest_parse_count(const char *p, size_t n, int64_t *out)
{
    int64_t v = 0;

    if (n == 0 || n > 18)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

bool ingest_parse_number(const char *p, size_t n, double *out)
{
    char tmp[64];
    char *end;
    double v;

    if (n == 0 || n >= sizeof(tmp))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789+-.eE", p[i]) || p[i] == '\0')
            return false;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    v = strtod(tmp, &end);
    if (end != tmp + n || !isfinite(v))
        return false;
    *out = v;
    return true;
}

bool ingest_parse_day(const char *p, size_t n, int32_t *day)
{
    int64_t ts;

    if (date_parse(p, n, day))
        return true;
    if (!date_parse_ts(p, n, &ts))
        return false;
    *day = date_of_ts(ts);
    return true;
}

/* The length of the UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned c = s[0];
    uint32_t cp;

    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return len;
}

bool ingest_utf8_valid(const char *p, size_t n, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;

    while (i < n) {
        size_t len;
        if (s[i] >= 0x01 && s[i] < 0x80) {
            i++;
            continue;
        }
        len = s[i] ? utf8_seq(s + i, n - i) : 0;
        if (!len) {
            *bad = i;
            return false;
        }
        i += len;
    }
    return true;
}
