/* Redaction of e-mails, phones, cards, IBANs and configured patterns. */
#include "csmap/redact.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/hash.h"
#include "csmap/mem.h"
#include "csmap/regex.h"

enum { KIND_EMAIL, KIND_PHONE, KIND_CARD, KIND_IBAN, KIND_TEXT, KIND_BUILTIN };

#define EMAIL_LOCAL_MAX 64
#define PHONE_DIGITS_MIN 9
#define PHONE_DIGITS_MAX 15
#define CARD_DIGITS_MIN 13
#define CARD_DIGITS_MAX 19
#define IBAN_MIN 15
#define IBAN_MAX 34
#define PLACEHOLDER_MAX 96

/* A finding: bytes [start, end) of the text are of kind. */
struct span {
    size_t start;
    size_t end;
    size_t kind;
};

/* One replaced value and the placeholder it got. */
struct entry {
    char *value;
    size_t len;
    size_t kind;
    char *placeholder;
};

/* A group of digits inside a run (cards and phones). */
struct group {
    size_t start;
    size_t end;
    size_t digits;
};

struct redact {
    const struct config_redact_pattern *patterns;
    size_t n_patterns;
    char **labels;     /* per kind: EMAIL, PHONE, ... then the patterns' */
    unsigned *counter; /* per kind: placeholders handed out */
    size_t n_kinds;

    struct entry *entries;
    size_t n_entries, cap_entries;
    size_t *by_value; /* open addressing, entry index + 1, 0 is empty */
    size_t *by_placeholder;
    size_t table_cap; /* a power of two, at least twice n_entries */

    struct span *spans; /* scratch for one text */
    size_t n_spans, cap_spans;
    struct group *groups;
    size_t cap_groups;
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_alnum(char c)
{
    return isalnum((unsigned char)c) != 0;
}

static bool is_word(char c)
{
    return is_alnum(c) || c == '_';
}

/* ---- the table of replaced values ---- */

static uint64_t value_hash(const char *s, size_t n, size_t kind)
{
    return hash64(s, n, (uint64_t)kind * 0x9e3779b97f4a7c15ULL + 1);
}

static size_t *slot_for_value(const struct redact *r, const char *s, size_t n,
                              size_t kind)
{
    size_t mask = r->table_cap - 1;
    size_t i = (size_t)value_hash(s, n, kind) & mask;

    for (;; i = (i + 1) & mask) {
        size_t *slot = &r->by_value[i];
        const struct entry *e;

        if (*slot == 0)
            return slot;
        e = &r->entries[*slot - 1];
        if (e->kind == kind && e->len == n && memcmp(e->value, s, n) == 0)
            return slot;
    }
}

static size_t *slot_for_placeholder(const struct redact *r, const char *s,
                                    size_t n)
{
    size_t mask = r->table_cap - 1;
    size_t i = (size_t)hash64(s, n, 7) & mask;

    for (;; i = (i + 1) & mask) {
        size_t *slot = &r->by_placeholder[i];
        const char *p;

        if (*slot == 0)
            return slot;
        p = r->entries[*slot - 1].placeholder;
        if (strlen(p) == n && memcmp(p, s, n) == 0)
            return slot;
    }
}

/* Rebuild both tables at twice the size. */
static enum csmap_rc grow_tables(struct redact *r)
{
    size_t cap = r->table_cap ? r->table_cap * 2 : 64;
    size_t *v = mem_calloc(cap, sizeof(*v));
    size_t *p = mem_calloc(cap, sizeof(*p));

    if (!v || !p) {
        mem_free(v);
        mem_free(p);
        return CS_NOMEM;
    }
    mem_free(r->by_value);
    mem_free(r->by_placeholder);
    r->by_value = v;
    r->by_placeholder = p;
    r->table_cap = cap;
    for (size_t i = 0; i < r->n_entries; i++) {
        const struct entry *e = &r->entries[i];
        *slot_for_value(r, e->value, e->len, e->kind) = i + 1;
        *slot_for_placeholder(r, e->placeholder, strlen(e->placeholder)) =
            i + 1;
    }
    return CS_OK;
}

/* Make room for one more entry in the array and the tables. */
static enum csmap_rc reserve_entry(struct redact *r)
{
    if (r->n_entries == r->cap_entries) {
        size_t cap = r->cap_entries ? r->cap_entries * 2 : 16;
        struct entry *e = mem_realloc(r->entries, cap * sizeof(*e));
        if (!e)
            return CS_NOMEM;
        r->entries = e;
        r->cap_entries = cap;
    }
    if ((r->n_entries + 1) * 2 > r->table_cap)
        return grow_tables(r);
    return CS_OK;
}

/*
 * The placeholder of value s of kind, handing out a new one the first
 * time the value is seen.  Stores it in *out (owned by the context).
 */
static enum csmap_rc placeholder_of(struct redact *r, const char *s, size_t n,
                                    size_t kind, const char **out)
{
    char tmp[PLACEHOLDER_MAX];
    struct entry *e;
    size_t *slot;
    enum csmap_rc rc;

    slot = slot_for_value(r, s, n, kind);
    if (*slot) {
        *out = r->entries[*slot - 1].placeholder;
        return CS_OK;
    }
    if ((rc = reserve_entry(r)) != CS_OK)
        return rc;
    e = &r->entries[r->n_entries];
    snprintf(tmp, sizeof(tmp), "<%s_%u>", r->labels[kind],
             r->counter[kind] + 1);
    e->value = mem_strndup(s, n);
    e->placeholder = mem_strdup(tmp);
    if (!e->value || !e->placeholder) {
        mem_free(e->value);
        mem_free(e->placeholder);
        return CS_NOMEM;
    }
    e->len = n;
    e->kind = kind;
    r->counter[kind]++;
    r->n_entries++;
    *slot_for_value(r, s, n, kind) = r->n_entries;
    *slot_for_placeholder(r, e->placeholder, strlen(e->placeholder)) =
        r->n_entries;
    *out = e->placeholder;
    return CS_OK;
}

/* ---- set-up ---- */

/* "customer id" -> "CUSTOMER_ID"; the caller frees. */
static char *label_of(const char *name)
{
    size_t n = strlen(name);
    char *s = mem_alloc(n + 1);

    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        s[i] = is_alnum(name[i]) ? (char)toupper((unsigned char)name[i]) : '_';
    s[n] = '\0';
    if (n > PLACEHOLDER_MAX / 2)
        s[PLACEHOLDER_MAX / 2] = '\0';
    return s;
}

/*
 * Give label k a suffix ("EMAIL_6") when an earlier kind has the same
 * label, so that two kinds never hand out the same placeholder.
 */
static enum csmap_rc unique_label(char **labels, size_t k)
{
    bool clash = true;

    while (clash) {
        clash = false;
        for (size_t j = 0; j < k && !clash; j++)
            clash = strcmp(labels[j], labels[k]) == 0;
        if (clash) {
            size_t n = strlen(labels[k]);
            char *s = mem_alloc(n + 24);
            if (!s)
                return CS_NOMEM;
            snprintf(s, n + 24, "%s_%zu", labels[k], k + 1);
            mem_free(labels[k]);
            labels[k] = s;
        }
    }
    return CS_OK;
}

enum csmap_rc redact_new(const struct config_redact_pattern *patterns,
                         size_t n_patterns, struct redact **out)
{
    static const char *const builtin[] = {"EMAIL", "PHONE", "CARD", "IBAN",
                                          "TEXT"};
    struct redact *r = mem_calloc(1, sizeof(*r));
    enum csmap_rc rc = CS_NOMEM;

    *out = NULL;
    if (!r)
        return CS_NOMEM;
    r->patterns = patterns;
    r->n_patterns = n_patterns;
    r->n_kinds = KIND_BUILTIN + n_patterns;
    r->labels = mem_calloc(r->n_kinds, sizeof(*r->labels));
    r->counter = mem_calloc(r->n_kinds, sizeof(*r->counter));
    if (!r->labels || !r->counter)
        goto out;
    for (size_t k = 0; k < r->n_kinds; k++) {
        r->labels[k] = label_of(
            k < KIND_BUILTIN ? builtin[k] : patterns[k - KIND_BUILTIN].label);
        if (!r->labels[k] || unique_label(r->labels, k) != CS_OK)
            goto out;
    }
    if ((rc = grow_tables(r)) != CS_OK)
        goto out;
    *out = r;
    r = NULL;

out:
    redact_free(r);
    return rc;
}

void redact_free(struct redact *r)
{
    if (!r)
        return;
    for (size_t k = 0; r->labels && k < r->n_kinds; k++)
        mem_free(r->labels[k]);
    for (size_t i = 0; i < r->n_entries; i++) {
        mem_free(r->entries[i].value);
        mem_free(r->entries[i].placeholder);
    }
    mem_free(r->labels);
    mem_free(r->counter);
    mem_free(r->entries);
    mem_free(r->by_value);
    mem_free(r->by_placeholder);
    mem_free(r->spans);
    mem_free(r->groups);
    mem_free(r);
}

size_t redact_count(const struct redact *r)
{
    return r->n_entries;
}

/* ---- findings ---- */

static enum csmap_rc add_span(struct redact *r, size_t start, size_t end,
                              size_t kind)
{
    if (r->n_spans == r->cap_spans) {
        size_t cap = r->cap_spans ? r->cap_spans * 2 : 64;
        struct span *s = mem_realloc(r->spans, cap * sizeof(*s));
        if (!s)
            return CS_NOMEM;
        r->spans = s;
        r->cap_spans = cap;
    }
    r->spans[r->n_spans++] = (struct span){start, end, kind};
    return CS_OK;
}

static bool is_email_local(char c)
{
    return is_alnum(c) || (c && strchr("._%+-", c) != NULL);
}

static bool is_domain_char(char c)
{
    return is_alnum(c) || c == '-';
}

static bool is_tld(const char *s, size_t n)
{
    if (n < 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalpha((unsigned char)s[i]))
            return false;
    return true;
}

/*
 * The end of the domain that starts at text[i], or 0 when there is no
 * domain with a dot and a final label of letters.
 */
static size_t email_domain_end(const char *t, size_t n, size_t i)
{
    size_t end = 0;
    int dots = 0;

    for (;;) {
        size_t s = i;
        while (i < n && is_domain_char(t[i]))
            i++;
        if (i == s)
            break;
        if (dots > 0 && is_tld(t + s, i - s))
            end = i;
        if (i + 1 < n && t[i] == '.' && is_domain_char(t[i + 1])) {
            dots++;
            i++;
            continue;
        }
        break;
    }
    return end;
}

/* E-mail addresses: expand around every '@'. */
static enum csmap_rc find_emails(struct redact *r, const char *t, size_t n)
{
    size_t floor = 0;
    const char *at;

    for (size_t i = 0; i < n && (at = memchr(t + i, '@', n - i));) {
        size_t a = (size_t)(at - t);
        size_t l = a, end;

        while (l > floor && a - l < EMAIL_LOCAL_MAX && is_email_local(t[l - 1]))
            l--;
        while (l < a && t[l] == '.')
            l++;
        end = l < a ? email_domain_end(t, n, a + 1) : 0;
        if (end) {
            enum csmap_rc rc = add_span(r, l, end, KIND_EMAIL);
            if (rc != CS_OK)
                return rc;
            floor = end;
            i = end;
        } else {
            i = a + 1;
        }
    }
    return CS_OK;
}

/* Keep room for groups[0..n]. */
static enum csmap_rc reserve_groups(struct redact *r, size_t n)
{
    if (n < r->cap_groups)
        return CS_OK;
    size_t cap = r->cap_groups ? r->cap_groups * 2 : 32;
    struct group *g = mem_realloc(r->groups, cap * sizeof(*g));
    if (!g)
        return CS_NOMEM;
    r->groups = g;
    r->cap_groups = cap;
    return CS_OK;
}

/* A phone candidate, described while it is read. */
struct phone_run {
    size_t end;
    size_t digits;
    size_t n_groups;
    size_t group_len[3]; /* the first three groups, for the date shape */
    char sep[2];         /* the first two separators */
    bool plus;
    bool has_dot, has_other_sep;
    bool small_dot_groups; /* every group has at most 3 digits */
};

static void phone_group(struct phone_run *p, size_t len)
{
    if (p->n_groups < 3)
        p->group_len[p->n_groups] = len;
    if (len > 3)
        p->small_dot_groups = false;
    p->n_groups++;
    p->digits += len;
}

/* Read the maximal phone-shaped run at t[i]; fills *p. */
static void phone_read(const char *t, size_t n, size_t i, struct phone_run *p)
{
    size_t n_seps = 0;

    memset(p, 0, sizeof(*p));
    p->small_dot_groups = true;
    if (t[i] == '+') {
        p->plus = true;
        i++;
    }
    for (;;) {
        size_t s = i;
        if (i < n && t[i] == '(') {
            size_t j = i + 1;
            while (j < n && is_digit(t[j]) && j - i <= 4)
                j++;
            if (j == i + 1 || j >= n || t[j] != ')')
                break;
            phone_group(p, j - i - 1);
            p->has_other_sep = true;
            i = p->end = j + 1;
            if (i + 1 < n && t[i] == ' ' && is_digit(t[i + 1])) {
                i++;
                continue;
            }
            if (i < n && is_digit(t[i]))
                continue;
        } else {
            while (i < n && is_digit(t[i]))
                i++;
            if (i == s)
                break;
            phone_group(p, i - s);
        }
        p->end = i;
        if (i + 1 < n && t[i] && strchr(" -./", t[i]) &&
            (is_digit(t[i + 1]) || t[i + 1] == '(')) {
            if (n_seps < 2)
                p->sep[n_seps] = t[i];
            n_seps++;
            if (t[i] == '.')
                p->has_dot = true;
            else
                p->has_other_sep = true;
            i++;
            continue;
        }
        break;
    }
}

/* YYYY-MM-DD or DD-MM-YYYY shapes at the start of a run. */
static bool phone_looks_like_date(const struct phone_run *p)
{
    const size_t *g = p->group_len;

    if (p->n_groups < 3 || p->sep[0] != p->sep[1] || p->sep[0] == ' ')
        return false;
    return (g[0] == 4 && g[1] <= 2 && g[2] <= 2) ||
           (g[0] <= 2 && g[1] <= 2 && g[2] == 4);
}

static bool phone_accept(const char *t, size_t n, const struct phone_run *p)
{
    if (p->digits < PHONE_DIGITS_MIN || p->digits > PHONE_DIGITS_MAX)
        return false;
    if (!p->plus && !p->has_dot && !p->has_other_sep)
        return false;
    if (p->has_dot && p->has_other_sep)
        return false;
    if (p->has_dot && p->n_groups == 4 && p->small_dot_groups)
        return false;
    if (phone_looks_like_date(p))
        return false;
    return p->end >= n || !(is_word(t[p->end]) || t[p->end] == '@');
}

static bool phone_may_start(const char *t, size_t n, size_t i)
{
    char c = t[i];

    if (!is_digit(c) &&
        !((c == '+' || c == '(') && i + 1 < n && is_digit(t[i + 1])))
        return false;
    return i == 0 || !(is_word(t[i - 1]) || strchr("+-./@", t[i - 1]));
}

/* Phone numbers: one left-to-right pass over phone-shaped runs. */
static enum csmap_rc find_phones(struct redact *r, const char *t, size_t n)
{
    for (size_t i = 0; i < n;) {
        struct phone_run p;

        if (!phone_may_start(t, n, i)) {
            i++;
            continue;
        }
        phone_read(t, n, i, &p);
        if (p.end <= i) {
            i++;
            continue;
        }
        if (phone_accept(t, n, &p)) {
            enum csmap_rc rc = add_span(r, i, p.end, KIND_PHONE);
            if (rc != CS_OK)
                return rc;
        }
        i = p.end;
    }
    return CS_OK;
}

/* The Luhn check over the digits of t[start, end). */
static bool luhn_ok(const char *t, size_t start, size_t end)
{
    unsigned sum = 0;
    bool twice = false;

    for (size_t i = end; i > start; i--) {
        unsigned d;
        if (!is_digit(t[i - 1]))
            continue;
        d = (unsigned)(t[i - 1] - '0');
        if (twice && (d *= 2) > 9)
            d -= 9;
        sum += d;
        twice = !twice;
    }
    return sum % 10 == 0;
}

/*
 * Read the run of digit groups (one ' ' or '-' between groups) at t[i]
 * into r->groups; returns the number of groups (0 on no memory).
 */
static size_t card_groups(struct redact *r, const char *t, size_t n, size_t i)
{
    size_t k = 0;

    for (;;) {
        size_t s = i;
        while (i < n && is_digit(t[i]))
            i++;
        if (reserve_groups(r, k) != CS_OK)
            return 0;
        r->groups[k++] = (struct group){s, i, i - s};
        if (i + 1 < n && (t[i] == ' ' || t[i] == '-') && is_digit(t[i + 1])) {
            i++;
            continue;
        }
        return k;
    }
}

/* The longest window of groups from first that is a card, or 0. */
static size_t card_window(const struct redact *r, const char *t, size_t first,
                          size_t k)
{
    size_t digits = 0, best = 0;

    for (size_t e = first; e < k; e++) {
        digits += r->groups[e].digits;
        if (digits > CARD_DIGITS_MAX)
            break;
        if (digits >= CARD_DIGITS_MIN &&
            luhn_ok(t, r->groups[first].start, r->groups[e].end))
            best = e + 1;
    }
    return best;
}

/* Card numbers: runs of digit groups, windows of 13-19 digits, Luhn. */
static enum csmap_rc find_cards(struct redact *r, const char *t, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k, g;

        if (!is_digit(t[i]) || (i > 0 && is_word(t[i - 1]))) {
            i++;
            continue;
        }
        if ((k = card_groups(r, t, n, i)) == 0)
            return CS_NOMEM;
        i = r->groups[k - 1].end;
        if (i < n && is_word(t[i]))
            continue;
        for (g = 0; g < k;) {
            size_t e = card_window(r, t, g, k);
            if (e) {
                enum csmap_rc rc = add_span(r, r->groups[g].start,
                                            r->groups[e - 1].end, KIND_CARD);
                if (rc != CS_OK)
                    return rc;
                g = e;
            } else {
                g++;
            }
        }
    }
    return CS_OK;
}

/* ISO 13616 check: the rearranged number modulo 97 is 1. */
static bool iban_mod97_ok(const char *chars, size_t n)
{
    unsigned rem = 0;

    for (size_t i = 0; i < n; i++) {
        char c = chars[(i + 4) % n];
        if (is_digit(c))
            rem = (rem * 10 + (unsigned)(c - '0')) % 97;
        else
            rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
    }
    return rem == 1;
}

/*
 * The end of the IBAN that starts at t[i], or 0.  Collects up to 34
 * characters (single spaces allowed between them), then tries the
 * longest cut that ends at a word boundary and passes mod-97.
 */
static size_t iban_end(const char *t, size_t n, size_t i)
{
    char chars[IBAN_MAX];
    size_t ends[IBAN_MAX];
    size_t m = 0;

    while (i < n && m < IBAN_MAX && (is_upper(t[i]) || is_digit(t[i]))) {
        chars[m] = t[i];
        ends[m++] = ++i;
        if (i + 1 < n && t[i] == ' ' &&
            (is_upper(t[i + 1]) || is_digit(t[i + 1])))
            i++;
    }
    for (; m >= IBAN_MIN; m--) {
        size_t e = ends[m - 1];
        if (e < n && is_word(t[e]))
            continue;
        if (iban_mod97_ok(chars, m))
            return e;
    }
    return 0;
}

static enum csmap_rc find_ibans(struct redact *r, const char *t, size_t n)
{
    for (size_t i = 0; i + 4 <= n;) {
        size_t e;

        if (!is_upper(t[i]) || !is_upper(t[i + 1]) || !is_digit(t[i + 2]) ||
            !is_digit(t[i + 3]) || (i > 0 && is_word(t[i - 1]))) {
            i++;
            continue;
        }
        if ((e = iban_end(t, n, i)) == 0) {
            i++;
            continue;
        }
        enum csmap_rc rc = add_span(r, i, e, KIND_IBAN);
        if (rc != CS_OK)
            return rc;
        i = e;
    }
    return CS_OK;
}

/* A configured pattern: one pass of regex_find over the text. */
static enum csmap_rc find_pattern(struct redact *r, size_t kind,
                                  const struct regex *re, const char *t,
                                  size_t n)
{
    size_t pos = 0, ms, me;

    while (pos <= n && regex_find(re, t, n, pos, &ms, &me) == 1) {
        if (me > ms) {
            enum csmap_rc rc = add_span(r, ms, me, kind);
            if (rc != CS_OK)
                return rc;
            pos = me;
        } else {
            pos = ms + 1;
            while (pos < n && ((unsigned char)t[pos] & 0xC0) == 0x80)
                pos++;
        }
    }
    return CS_OK;
}

static int span_cmp(const void *a, const void *b)
{
    const struct span *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return x->kind < y->kind ? -1 : x->kind > y->kind;
}

static size_t placeholder_len(const char *t, size_t n, size_t i);

/* True when the m bytes at p end like a placeholder: "_", digits, ">". */
static bool is_numbered(const char *p, size_t m)
{
    size_t j = m - 1;

    while (j > 1 && is_digit(p[j - 1]))
        j--;
    return j < m - 1 && j > 2 && p[j - 1] == '_';
}

/*
 * Text that already has a placeholder's shape ("<EMAIL_1>") is redacted
 * too, as TEXT, so that restoring can never turn it into another value.
 */
static enum csmap_rc find_lookalikes(struct redact *r, const char *t, size_t n)
{
    const char *lt;
    size_t i = 0;
    enum csmap_rc rc;

    while (i < n && (lt = memchr(t + i, '<', n - i))) {
        size_t a = (size_t)(lt - t);
        size_t m = placeholder_len(t, n, a);

        if (m && is_numbered(t + a, m) &&
            (rc = add_span(r, a, a + m, KIND_TEXT)) != CS_OK)
            return rc;
        i = a + (m ? m : 1);
    }
    return CS_OK;
}

static enum csmap_rc find_all(struct redact *r, const char *t, size_t n)
{
    enum csmap_rc rc;

    r->n_spans = 0;
    if ((rc = find_emails(r, t, n)) != CS_OK ||
        (rc = find_phones(r, t, n)) != CS_OK ||
        (rc = find_cards(r, t, n)) != CS_OK ||
        (rc = find_ibans(r, t, n)) != CS_OK ||
        (rc = find_lookalikes(r, t, n)) != CS_OK)
        return rc;
    for (size_t k = 0; k < r->n_patterns; k++) {
        rc = find_pattern(r, KIND_BUILTIN + k, r->patterns[k].re, t, n);
        if (rc != CS_OK)
            return rc;
    }
    if (r->n_spans > 1)
        qsort(r->spans, r->n_spans, sizeof(*r->spans), span_cmp);
    return CS_OK;
}

enum csmap_rc redact_text(struct redact *r, const char *text, size_t len,
                          struct buf *out)
{
    size_t pos = 0;
    enum csmap_rc rc;

    if ((rc = find_all(r, text, len)) != CS_OK)
        goto out;
    if ((rc = buf_reserve(out, len)) != CS_OK)
        goto out;
    for (size_t i = 0; i < r->n_spans; i++) {
        const struct span *s = &r->spans[i];
        const char *ph;

        if (s->start < pos)
            continue;
        rc =
            placeholder_of(r, text + s->start, s->end - s->start, s->kind, &ph);
        if (rc != CS_OK ||
            (rc = buf_add(out, text + pos, s->start - pos)) != CS_OK ||
            (rc = buf_adds(out, ph)) != CS_OK)
            goto out;
        pos = s->end;
    }
    rc = buf_add(out, text + pos, len - pos);

out:
    if (rc != CS_OK)
        buf_release(out);
    return rc;
}

/* Length of the placeholder-shaped text at t[i] ("<NAME_12>"), or 0. */
static size_t placeholder_len(const char *t, size_t n, size_t i)
{
    size_t j = i + 1;

    while (j < n && j - i < PLACEHOLDER_MAX &&
           (is_upper(t[j]) || is_digit(t[j]) || t[j] == '_'))
        j++;
    if (j < n && t[j] == '>' && j > i + 1)
        return j + 1 - i;
    return 0;
}

enum csmap_rc redact_restore(const struct redact *r, const char *text,
                             size_t len, struct buf *out)
{
    size_t pos = 0, i = 0;
    const char *lt;
    enum csmap_rc rc = CS_OK;

    while (i < len && (lt = memchr(text + i, '<', len - i))) {
        size_t a = (size_t)(lt - text);
        size_t m = placeholder_len(text, len, a);
        size_t slot = m ? *slot_for_placeholder(r, text + a, m) : 0;

        if (!slot) {
            i = a + 1;
            continue;
        }
        const struct entry *e = &r->entries[slot - 1];
        if ((rc = buf_add(out, text + pos, a - pos)) != CS_OK ||
            (rc = buf_add(out, e->value, e->len)) != CS_OK)
            return rc;
        pos = i = a + m;
    }
    return buf_add(out, text + pos, len - pos);
}

/* ---- where the provider is ---- */

/* The host of a URL, without brackets and port: into host. */
static void url_host(const char *url, char *host, size_t cap)
{
    const char *p = strstr(url, "://");
    size_t n = 0;

    p = p ? p + 3 : url;
    if (strchr(p, '@') && strchr(p, '@') < p + strcspn(p, "/?#"))
        p = strchr(p, '@') + 1;
    if (*p == '[') {
        p++;
        while (p[n] && p[n] != ']')
            n++;
    } else {
        while (p[n] && !strchr(":/?#", p[n]))
            n++;
    }
    if (n >= cap)
        n = 0;
    for (size_t i = 0; i < n; i++)
        host[i] = (char)tolower((unsigned char)p[i]);
    host[n] = '\0';
}

static bool is_loopback_v4(const char *h)
{
    unsigned a, b, c, d;
    char extra;

    if (sscanf(h, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) != 4)
        return false;
    return a == 127 && b < 256 && c < 256 && d < 256;
}

bool redact_url_is_local(const char *base_url)
{
    char host[256];
    size_t n;

    if (!base_url || !*base_url)
        return false;
    url_host(base_url, host, sizeof(host));
    n = strlen(host);
    if (n && host[n - 1] == '.')
        host[--n] = '\0';
    if (strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
        strcmp(host, "0:0:0:0:0:0:0:1") == 0)
        return true;
    if (n > 10 && strcmp(host + n - 10, ".localhost") == 0)
        return true;
    return is_loopback_v4(host);
}

bool redact_wanted(const struct config *cfg)
{
    return cfg->llm.redact && !redact_url_is_local(cfg->llm.base_url);
}
