/* PCRE2 patterns compiled with JIT and bounded matching. */
#ifndef CSMAP_REGEX_H
#define CSMAP_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "csmap/rc.h"

struct regex;

/*
 * Compile pattern (UTF-8).  On failure returns NULL and writes PCRE2's
 * message with the offset into err ("invalid regex at offset 4: missing
 * closing parenthesis").  The caller frees the result with regex_free().
 */
struct regex *regex_compile(const char *pattern, bool caseless, char *err,
                            size_t errlen);

/*
 * Search subject for the pattern.  Returns 1 on a match, 0 on none, and
 * -1 when the match limit was hit (treated by callers as no match, and
 * reported once).  Safe on invalid UTF-8: the subject is matched as bytes
 * when it is not valid UTF-8.
 */
int regex_search(const struct regex *re, const char *subject, size_t n);

/*
 * Find the first match at or after offset start; on success stores the
 * match bounds in *mstart and *mend and returns 1.
 */
int regex_find(const struct regex *re, const char *subject, size_t n,
               size_t start, size_t *mstart, size_t *mend);

const char *regex_source(const struct regex *re);
void regex_free(struct regex *re);

#endif
