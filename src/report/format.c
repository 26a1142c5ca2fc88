/* How the map writes money, shares, numbers, dates and anchors. */
#include <math.h>
#include <stdio.h>

#include "csmap/date.h"
#include "internal.h"

void fmt_money(char *out, size_t n, double v)
{
    double a = fabs(v);
    const char *sign = v < 0 ? "-" : "";

    if (a >= 999500000.0)
        snprintf(out, n, "%s%.1fB", sign, a / 1e9);
    else if (a >= 999500.0)
        snprintf(out, n, "%s%.1fM", sign, a / 1e6);
    else if (a >= 9999.5)
        snprintf(out, n, "%s%.0fk", sign, a / 1e3);
    else if (a >= 999.5)
        snprintf(out, n, "%s%.1fk", sign, a / 1e3);
    else
        snprintf(out, n, "%s%.0f", sign, a);
}

void fmt_share(char *out, size_t n, double share)
{
    double pct = share * 100;

    if (pct > 0 && pct < 0.5)
        snprintf(out, n, "<1%%");
    else
        snprintf(out, n, "%.0f%%", pct);
}

void fmt_num(char *out, size_t n, double v)
{
    double r = round(v * 10) / 10;

    if (r == round(r))
        snprintf(out, n, "%.0f", r);
    else
        snprintf(out, n, "%.1f", r);
}

void fmt_date(char *out, size_t n, int32_t day)
{
    char d[11];

    if (day == DATE_NONE) {
        snprintf(out, n, "never");
        return;
    }
    date_format(day, d);
    snprintf(out, n, "%s", d);
}

static bool plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.';
}

void fmt_anchor(char *out, size_t n, const char *prefix, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    if (n == 0)
        return;
    for (; *prefix && o + 1 < n; prefix++)
        out[o++] = *prefix;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (plain(c) && o + 1 < n) {
            out[o++] = (char)c;
        } else if (!plain(c) && o + 3 < n) {
            out[o++] = '_';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else {
            break;
        }
    }
    out[o] = '\0';
}
