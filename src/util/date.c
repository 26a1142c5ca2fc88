/* Calendar arithmetic and ISO 8601 parsing, all in UTC. */
#include "csmap/date.h"

#include <stdio.h>
#include <time.h>

/* Days from civil date, proleptic Gregorian (H. Hinnant's method). */
int32_t date_from_civil(int year, int month, int day)
{
    int y = month <= 2 ? year - 1 : year;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int mp = (month + 9) % 12;
    int doy = (153 * mp + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (int32_t)(era * 146097 + doe - 719468);
}

void date_to_civil(int32_t z0, int *year, int *month, int *mday)
{
    long z = (long)z0 + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long m = mp < 10 ? mp + 3 : mp - 9;

    *mday = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)m;
    *year = (int)(yoe + era * 400 + (m <= 2));
}

static int days_in_month(int year, int month)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : len[month - 1];
}

/* Read exactly n decimal digits at s; -1 when any is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool parse_ymd(const char *s, size_t n, int32_t *day)
{
    int y, m, d;

    if (n < 10 || s[4] != '-' || s[7] != '-')
        return false;
    y = digits(s, 4);
    m = digits(s + 5, 2);
    d = digits(s + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *day = date_from_civil(y, m, d);
    return true;
}

bool date_parse(const char *s, size_t n, int32_t *day)
{
    return n == 10 && parse_ymd(s, n, day);
}

/* Parse a zone suffix at s (n bytes, all of the rest); offset in seconds. */
static bool parse_zone(const char *s, size_t n, long *offset_s)
{
    int sign, hh, mm = 0;

    *offset_s = 0;
    if (n == 0)
        return true;
    if (n == 1 && (s[0] == 'Z' || s[0] == 'z'))
        return true;
    if (s[0] != '+' && s[0] != '-')
        return false;
    sign = s[0] == '-' ? -1 : 1;
    if (n == 3) {
        hh = digits(s + 1, 2);
    } else if (n == 5) {
        hh = digits(s + 1, 2);
        mm = digits(s + 3, 2);
    } else if (n == 6 && s[3] == ':') {
        hh = digits(s + 1, 2);
        mm = digits(s + 4, 2);
    } else {
        return false;
    }
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
        return false;
    *offset_s = sign * (hh * 3600L + mm * 60L);
    return true;
}

bool date_parse_ts(const char *s, size_t n, int64_t *epoch_s)
{
    int32_t day;
    int hh = 0, mi = 0, ss = 0;
    size_t i = 10;
    long offset;

    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (!parse_ymd(s, n, &day))
        return false;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        if (n - i < 6 || s[i + 3] != ':')
            return false;
        hh = digits(s + i + 1, 2);
        mi = digits(s + i + 4, 2);
        i += 6;
        if (i < n && s[i] == ':') {
            if (n - i < 3)
                return false;
            ss = digits(s + i + 1, 2);
            i += 3;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                size_t j = ++i;
                while (i < n && s[i] >= '0' && s[i] <= '9')
                    i++;
                if (i == j)
                    return false;
            }
        }
        /* 24:00:00 is not accepted; 60 seconds allows a leap second. */
        if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 60)
            return false;
    }
    if (!parse_zone(s + i, n - i, &offset))
        return false;
    *epoch_s = (int64_t)day * 86400 + hh * 3600 + mi * 60 + ss - offset;
    return true;
}

int32_t date_of_ts(int64_t epoch_s)
{
    int64_t d = epoch_s / 86400;

    if (epoch_s % 86400 < 0)
        d--;
    return (int32_t)d;
}

void date_format(int32_t day, char out[11])
{
    int y, m, d;

    date_to_civil(day, &y, &m, &d);
    if (y < 0 || y > 9999) {
        snprintf(out, 11, "0000-00-00");
        return;
    }
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int32_t date_today(void)
{
    return date_of_ts((int64_t)time(NULL));
}
