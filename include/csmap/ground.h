/* Checks on a generated answer: sections, JSON keys, grounded numbers. */
#ifndef CSMAP_GROUND_H
#define CSMAP_GROUND_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "csmap/rc.h"

/* What the prompt's header asks of the answer. */
struct ground_spec {
    const char *const *sections; /* markdown headings the answer must have */
    size_t n_sections;
    bool json;                    /* the answer is a JSON object */
    const char *const *json_keys; /* key paths: "emails", "emails[].subject" */
    size_t n_json_keys;
};

/*
 * Run every check on answer (len bytes) and store a new object in *out
 * (the caller owns it; the cache keeps it as "checks"):
 *
 *   {"sections_missing": ["Next steps"],
 *    "json_valid": true,           (null for a markdown answer)
 *    "keys_missing": [],
 *    "ungrounded": ["$48k", "Nov 30"],
 *    "numbers_checked": 12}
 *
 * Numbers are grounded against the context JSON the prompt was rendered
 * from and the rendered prompt text itself (system and user parts, may be
 * NULL), so a count the prompt asked for ("3 emails") is grounded too.
 * The rules (formats, roundings, what is not a number) are in
 * docs/artifacts.md.  Returns CS_OK or CS_NOMEM.
 */
enum csmap_rc ground_check(const char *answer, size_t len, const cJSON *context,
                           const char *prompt, size_t prompt_len,
                           const struct ground_spec *spec, cJSON **out);

/*
 * Append to the array ungrounded the text of every number in answer that
 * is not grounded (each text once) and count the numbers checked.  For a
 * JSON answer pass the text anyway: numbers are looked for in all of it.
 */
enum csmap_rc ground_numbers(const char *answer, size_t len,
                             const cJSON *context, const char *prompt,
                             size_t prompt_len, cJSON *ungrounded,
                             int *checked);

/*
 * Append to the array missing each section that has no heading in
 * answer.  A heading is an ATX line ("## Next steps") or a line that is
 * all bold ("**Next steps**"); it names a section when, lower-cased and
 * without numbering ("2. "), emphasis and a trailing colon, it starts
 * with the section's name followed by the end or a non-letter.
 */
enum csmap_rc ground_sections(const char *answer, size_t len,
                              const char *const *sections, size_t n,
                              cJSON *missing);

/*
 * Parse answer as one JSON object (a surrounding ``` fence is allowed)
 * and append to missing each key path that is absent.  A path is keys
 * separated by '.'; "name[]" requires an array and applies the rest of
 * the path to each element.  Sets *valid to whether the answer is a JSON
 * object; when it is not, every path is missing.  Stores the parsed tree
 * in *parsed when parsed is not NULL (the caller deletes it; NULL when
 * invalid).  Returns CS_OK or CS_NOMEM.
 */
enum csmap_rc ground_json(const char *answer, size_t len,
                          const char *const *keys, size_t n, cJSON *missing,
                          bool *valid, cJSON **parsed);

#endif
