/* Redaction: personal data out of prompts, placeholders back in answers. */
#ifndef CSMAP_REDACT_H
#define CSMAP_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "csmap/buf.h"
#include "csmap/rc.h"

struct config;
struct config_redact_pattern;

/*
 * A redaction context lives for one run.  It remembers every value it has
 * replaced, so the same value gets the same placeholder in every prompt of
 * the run, and it can put the values back into the answers.
 *
 * What is replaced, and by what (the full rules are in docs/artifacts.md):
 *
 *   <EMAIL_n>  an e-mail address: local part, '@', a domain with a dot and
 *              a final label of two or more letters;
 *   <PHONE_n>  a phone number: 9 to 15 digits in groups separated by one
 *              space, '-', '.' or '/', or a parenthesized area code, that
 *              starts with '+' or has at least one separator; dates,
 *              dotted IPv4 addresses, mixed '.' and other separators, and
 *              digits glued to letters are left alone;
 *   <CARD_n>   13 to 19 digits, as one run or in groups separated by one
 *              space or '-', that pass the Luhn check;
 *   <IBAN_n>   two capital letters, two check digits and 11 to 30 capital
 *              letters or digits (groups of four may be separated by one
 *              space), 15 to 34 characters, whose mod-97 value is 1;
 *   <LABEL_n>  a match of a configured pattern (llm.redact_patterns), the
 *              label upper-cased with other characters than letters and
 *              digits turned into '_' (and "_K", K being 5 plus the
 *              pattern's position from 1, added when an earlier kind has
 *              the same label);
 *   <TEXT_n>   text that already has a placeholder's shape ("<EMAIL_1>"),
 *              so that restoring never turns it into another value.
 *
 * n counts from 1 per kind in the order values are first seen.  Where two
 * findings overlap the one that starts first wins, then the longer one.
 * The text is handled as bytes: invalid UTF-8 is copied through untouched.
 */
struct redact;

/*
 * A context with the built-in kinds and the given patterns.  The patterns
 * are borrowed: they must outlive the context (they normally belong to the
 * configuration).  Returns CS_OK or CS_NOMEM.  Free with redact_free().
 */
enum csmap_rc redact_new(const struct config_redact_pattern *patterns,
                         size_t n_patterns, struct redact **out);

/*
 * Append text (len bytes) to out with every finding replaced by its
 * placeholder.  Each detector makes one pass over the text; a configured
 * pattern that hits the match limit is given up for this text (reported
 * once by the regex module) and the rest of the text keeps its other
 * findings.  Returns CS_OK, CS_NOMEM or CS_TOOBIG (out is then empty).
 */
enum csmap_rc redact_text(struct redact *r, const char *text, size_t len,
                          struct buf *out);

/*
 * Append text to out with every placeholder this context handed out put
 * back to its original value.  Unknown placeholders stay as they are.
 */
enum csmap_rc redact_restore(const struct redact *r, const char *text,
                             size_t len, struct buf *out);

/* How many distinct values the context has replaced so far. */
size_t redact_count(const struct redact *r);

void redact_free(struct redact *r);

/*
 * True when base_url names this machine: its host is "localhost" (or a
 * name under ".localhost"), an address in 127.0.0.0/8, or ::1 ("[::1]").
 * A NULL or empty URL is not local.
 */
bool redact_url_is_local(const char *base_url);

/*
 * True when requests for this configuration must be redacted: llm.redact
 * is on (the default) and the provider's base URL is not local.
 */
bool redact_wanted(const struct config *cfg);

#endif
