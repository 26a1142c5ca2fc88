/* Calendar dates and ISO 8601 timestamps, always in UTC. */
#ifndef CSMAP_DATE_H
#define CSMAP_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A date is a day number: days since 1970-01-01 (negative before).
 * A timestamp is seconds since the epoch, UTC.
 */
#define DATE_NONE INT32_MIN

int32_t date_from_civil(int year, int month, int day);
void date_to_civil(int32_t day, int *year, int *month, int *mday);

/* Strict YYYY-MM-DD with a real calendar day; false otherwise. */
bool date_parse(const char *s, size_t n, int32_t *day);

/*
 * ISO 8601: YYYY-MM-DD, optionally followed by T or a space and
 * hh:mm[:ss[.fraction]], optionally followed by Z, +hh:mm, -hh:mm, +hhmm
 * or +hh.  No zone means UTC.  The result is truncated to whole seconds.
 */
bool date_parse_ts(const char *s, size_t n, int64_t *epoch_s);

/* The UTC day of a timestamp. */
int32_t date_of_ts(int64_t epoch_s);

/* Write YYYY-MM-DD and a NUL into out. */
void date_format(int32_t day, char out[11]);

/* Today's UTC date. */
int32_t date_today(void);

#endif
