/* Answer checks: required sections, JSON keys, and grounded numbers. */
#include "csmap/ground.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csmap/date.h"
#include "csmap/mem.h"

enum tok_kind { TOK_NUMBER, TOK_DATE, TOK_MONTHDAY };

/* A number or date found in a text. */
struct tok {
    enum tok_kind kind;
    double value; /* absolute value as written, before the scale */
    int decimals; /* digits shown after the point */
    double scale; /* 1, or 1e3 / 1e6 / 1e9 for k, M, bn */
    bool percent;
    bool ignored; /* list marker, identifier, numbering: not checked */
    int32_t day;  /* TOK_DATE */
    int month;    /* TOK_MONTHDAY */
    int mday;
    size_t start, end;
};

/* Where grounded values come from: sorted numbers and dates. */
struct known {
    double *values;
    size_t n_values, cap_values;
    int32_t *days;
    size_t n_days, cap_days;
    /* Dates after the context's as-of date, up to PLAN_DAYS later, are
     * deadlines an answer may set for this week's and next week's steps,
     * not facts; further dates must come from the data. */
    int32_t plan_from, plan_to; /* plan_from > plan_to: none */
    bool failed;                /* an allocation failed */
};

#define PLAN_DAYS 14

typedef void (*tok_fn)(void *ctx, const char *text, const struct tok *t);

/* Words after which a number is numbering, not a fact ("Step 2"). */
static const char *const numbering_words[] = {
    "step",  "email", "phase",   "option",   "part",    "section", "item",
    "touch", "block", "message", "question", "version", NULL};

static const char *const months[] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The value of the digits at t[i, e): the answer need not end with a NUL,
 * so atoi() could read past it. */
static int digits_value(const char *t, size_t i, size_t e)
{
    int v = 0;

    for (; i < e && is_digit(t[i]) && v < 100000; i++)
        v = v * 10 + (t[i] - '0');
    return v;
}

static bool is_alpha(char c)
{
    return isalpha((unsigned char)c) != 0;
}

/* The month (1-12) a word names, in full or as three or four letters. */
static int month_of(const char *w, size_t n)
{
    if (n < 3 || n > 9)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(months[m]);
        if (n > full || strncasecmp(w, months[m], n) != 0)
            continue;
        if (n == 3 || n == full || (m == 8 && n == 4))
            return m + 1;
    }
    return 0;
}

static size_t skip_word(const char *t, size_t n, size_t i)
{
    while (i < n && is_alpha(t[i]))
        i++;
    return i;
}

/* A day of month of one or two digits at t[i]; its end or 0. */
/* Past an ordinal suffix ("30th", "1st") at t[j], or j. */
static size_t skip_ordinal(const char *t, size_t n, size_t j)
{
    static const char *const suffixes[] = {"st", "nd", "rd", "th"};

    if (j + 2 > n || (j + 2 < n && is_alpha(t[j + 2])))
        return j;
    for (size_t k = 0; k < 4; k++)
        if (strncasecmp(t + j, suffixes[k], 2) == 0)
            return j + 2;
    return j;
}

static size_t read_mday(const char *t, size_t n, size_t i, int *mday)
{
    size_t j = i;

    while (j < n && is_digit(t[j]) && j - i < 3)
        j++;
    if (j == i || j - i > 2)
        return 0;
    j = skip_ordinal(t, n, j);
    if (j < n && (is_digit(t[j]) || is_alpha(t[j])))
        return 0;
    *mday = digits_value(t, i, j);
    return *mday >= 1 && *mday <= 31 ? j : 0;
}

/* An optional year after a month and day (", 2026" or " 2026"). */
static size_t read_year(const char *t, size_t n, size_t i, int *year)
{
    size_t j = i;

    if (j < n && t[j] == ',')
        j++;
    if (j >= n || t[j] != ' ')
        return 0;
    j++;
    if (j + 4 > n || !is_digit(t[j]) || !is_digit(t[j + 1]) ||
        !is_digit(t[j + 2]) || !is_digit(t[j + 3]) ||
        (j + 4 < n && (is_digit(t[j + 4]) || is_alpha(t[j + 4]))))
        return 0;
    *year = digits_value(t, j, j + 4);
    return j + 4;
}

/* Fill tok as a month-day or full date from the parts read. */
static void set_date(struct tok *tk, int year, int month, int mday)
{
    tk->month = month;
    tk->mday = mday;
    tk->kind = TOK_MONTHDAY;
    if (year) {
        int32_t d = date_from_civil(year, month, mday);
        int y2, m2, d2;
        date_to_civil(d, &y2, &m2, &d2);
        if (m2 == month && d2 == mday) {
            tk->kind = TOK_DATE;
            tk->day = d;
        }
    }
}

/* "Nov 30", "November 30, 2026" at the word t[i, w). */
static size_t read_month_first(const char *t, size_t n, size_t i, size_t w,
                               struct tok *tk)
{
    int month = month_of(t + i, w - i), mday = 0, year = 0;
    size_t j = w, e, y;

    if (!month || !isupper((unsigned char)t[i]))
        return 0;
    if (j < n && t[j] == '.')
        j++;
    if (j + 1 >= n || t[j] != ' ' || !is_digit(t[j + 1]))
        return 0;
    if ((e = read_mday(t, n, j + 1, &mday)) == 0)
        return 0;
    if ((y = read_year(t, n, e, &year)) != 0)
        e = y;
    set_date(tk, year, month, mday);
    return e;
}

/* "30 Nov", "30 November 2026" with the day at t[i, e). */
static size_t read_day_first(const char *t, size_t n, size_t i, size_t e,
                             struct tok *tk)
{
    int mday = 0, month, year = 0;
    size_t w, y;

    if (e - i > 2)
        return 0;
    e = skip_ordinal(t, n, e);
    if (e + 1 >= n || t[e] != ' ' || !isupper((unsigned char)t[e + 1]))
        return 0;
    w = skip_word(t, n, e + 1);
    if ((month = month_of(t + e + 1, w - e - 1)) == 0)
        return 0;
    mday = digits_value(t, i, e);
    if (mday < 1 || mday > 31)
        return 0;
    if (w < n && t[w] == '.')
        w++;
    if ((y = read_year(t, n, w, &year)) != 0)
        w = y;
    set_date(tk, year, month, mday);
    return w;
}

/* An ISO date YYYY-MM-DD at t[i] and a time after it; the end or 0. */
static size_t read_iso_date(const char *t, size_t n, size_t i, int32_t *day)
{
    size_t j = i + 10;

    if (i + 10 > n || !date_parse(t + i, 10, day))
        return 0;
    if (j < n && is_digit(t[j]))
        return 0;
    if (j + 3 < n && (t[j] == 'T' || t[j] == ' ') && is_digit(t[j + 1]) &&
        is_digit(t[j + 2]) && t[j + 3] == ':') {
        j++;
        while (j < n && (is_digit(t[j]) || strchr(":.+-Z", t[j])))
            j++;
    }
    return j;
}

/* Digits with optional ",ddd" groups and decimals; fills value. */
static size_t read_plain_number(const char *t, size_t n, size_t i,
                                struct tok *tk)
{
    char digits[64];
    size_t k = 0, j = i;

    while (j < n && is_digit(t[j]) && k < 40)
        digits[k++] = t[j++];
    while (j + 3 < n && t[j] == ',' && is_digit(t[j + 1]) &&
           is_digit(t[j + 2]) && is_digit(t[j + 3]) &&
           (j + 4 >= n || !is_digit(t[j + 4])) && k < 40) {
        memcpy(digits + k, t + j + 1, 3);
        k += 3;
        j += 4;
    }
    tk->decimals = 0;
    if (j + 1 < n && t[j] == '.' && is_digit(t[j + 1])) {
        digits[k++] = '.';
        j++;
        while (j < n && is_digit(t[j])) {
            if (k < 60) {
                digits[k++] = t[j];
                tk->decimals++;
            }
            j++;
        }
    }
    digits[k] = '\0';
    tk->value = strtod(digits, NULL);
    return j;
}

/* k, M, bn (or B) right after the digits; returns the end. */
static size_t read_scale(const char *t, size_t n, size_t j, struct tok *tk)
{
    size_t w = skip_word(t, n, j);
    size_t len = w - j;

    tk->scale = 1;
    if (len == 1 && (t[j] == 'k' || t[j] == 'K'))
        tk->scale = 1e3;
    else if (len == 1 && (t[j] == 'M' || t[j] == 'm'))
        tk->scale = 1e6;
    else if ((len == 2 && strncasecmp(t + j, "bn", 2) == 0) ||
             (len == 1 && t[j] == 'B'))
        tk->scale = 1e9;
    else
        return j;
    return w;
}

/* A percent sign or word after the number; returns the end. */
static size_t read_percent(const char *t, size_t n, size_t j, struct tok *tk)
{
    size_t k = j < n && t[j] == ' ' ? j + 1 : j;

    if (k < n && t[k] == '%') {
        tk->percent = true;
        return k + 1;
    }
    if (k > j && k + 7 <= n && strncasecmp(t + k, "percent", 7) == 0 &&
        (k + 7 == n || !is_alpha(t[k + 7]))) {
        tk->percent = true;
        return k + 7;
    }
    return j;
}

/* The scanner's state between tokens. */
struct scan {
    const char *t;
    size_t n;
    bool line_start; /* only markup since the last newline */
    size_t word_end; /* end of the last word read */
    char word[16];   /* that word, lower case ("" if too long) */
};

static bool after_numbering_word(const struct scan *s, size_t start)
{
    size_t j = s->word_end;

    if (!s->word[0] || j == 0 || j > start)
        return false;
    while (j < start && s->t[j] == ' ')
        j++;
    if (j != start)
        return false;
    for (const char *const *w = numbering_words; *w; w++)
        if (strcmp(s->word, *w) == 0)
            return true;
    return false;
}

/* Decide whether a number token is structure rather than a fact. */
static bool number_ignored(const struct scan *s, size_t start, size_t end,
                           const struct tok *tk)
{
    const char *t = s->t;
    size_t w;

    if (start > 0 &&
        (isalnum((unsigned char)t[start - 1]) || strchr("_#/\\", t[start - 1])))
        return true;
    if (start > 1 && t[start - 1] == '.' && is_digit(t[start - 2]))
        return true;
    if (end < s->n && (t[end] == '.' && end + 1 < s->n && is_digit(t[end + 1])))
        return true;
    w = skip_word(t, s->n, end);
    if (w > end && !(w - end == 1 && strchr("xdhw", t[end])))
        return true;
    if (s->line_start && tk->decimals == 0 && tk->scale == 1 && !tk->percent &&
        end < s->n && (t[end] == '.' || t[end] == ')') &&
        (end + 1 == s->n || isspace((unsigned char)t[end + 1])))
        return true;
    return after_numbering_word(s, start);
}

/* A number, a date or a time at t[i]; calls fn and returns the end. */
static size_t scan_number(struct scan *s, size_t i, size_t start, tok_fn fn,
                          void *ctx)
{
    const char *t = s->t;
    size_t n = s->n, e, j;
    struct tok tk = {.scale = 1, .start = start};

    if ((e = read_iso_date(t, n, i, &tk.day)) != 0) {
        tk.kind = TOK_DATE;
        goto emit;
    }
    j = i;
    while (j < n && is_digit(t[j]))
        j++;
    if (j - i <= 2 && j + 2 < n && t[j] == ':' && is_digit(t[j + 1]) &&
        is_digit(t[j + 2]))
        return j + 3; /* a time of day: not a fact to check */
    if ((e = read_day_first(t, n, i, j, &tk)) != 0)
        goto emit;
    tk.kind = TOK_NUMBER;
    e = read_plain_number(t, n, i, &tk);
    e = read_scale(t, n, e, &tk);
    e = read_percent(t, n, e, &tk);
    tk.ignored = number_ignored(s, start, e, &tk);

emit:
    tk.end = e;
    fn(ctx, t, &tk);
    return e;
}

static bool starts_url(const char *t, size_t n, size_t i)
{
    return (i + 7 <= n && strncmp(t + i, "http://", 7) == 0) ||
           (i + 8 <= n && strncmp(t + i, "https://", 8) == 0) ||
           (i + 4 <= n && strncmp(t + i, "www.", 4) == 0);
}

/* A word: a month that starts a date, or a word to remember. */
static size_t scan_word(struct scan *s, size_t i, tok_fn fn, void *ctx)
{
    size_t w = skip_word(s->t, s->n, i);
    struct tok tk = {.scale = 1, .start = i};
    size_t e = read_month_first(s->t, s->n, i, w, &tk);

    if (e) {
        tk.end = e;
        fn(ctx, s->t, &tk);
        return e;
    }
    s->word[0] = '\0';
    if (w - i < sizeof(s->word)) {
        for (size_t k = 0; k < w - i; k++)
            s->word[k] = (char)tolower((unsigned char)s->t[i + k]);
        s->word[w - i] = '\0';
    }
    s->word_end = w;
    return w;
}

/* Currency signs before a number: $, € (UTF-8) and £ (UTF-8). */
static size_t currency_len(const char *t, size_t n, size_t i)
{
    if (t[i] == '$')
        return 1;
    if (i + 2 < n && memcmp(t + i, "\xe2\x82\xac", 3) == 0)
        return 3;
    if (i + 1 < n && memcmp(t + i, "\xc2\xa3", 2) == 0)
        return 2;
    return 0;
}

/* Call fn for every number and date in t. */
static void scan_text(const char *t, size_t n, tok_fn fn, void *ctx)
{
    struct scan s = {t, n, true, 0, ""};
    size_t i = 0;

    while (i < n) {
        size_t c = currency_len(t, n, i);
        char ch = t[i];

        if (c && i + c < n && is_digit(t[i + c])) {
            i = scan_number(&s, i + c, i, fn, ctx);
            s.line_start = false;
        } else if (is_digit(ch)) {
            i = scan_number(&s, i, i, fn, ctx);
            s.line_start = false;
        } else if (starts_url(t, n, i)) {
            while (i < n && !isspace((unsigned char)t[i]))
                i++;
            s.line_start = false;
        } else if (is_alpha(ch)) {
            i = scan_word(&s, i, fn, ctx);
            s.line_start = false;
        } else {
            if (ch == '\n')
                s.line_start = true;
            else if (!strchr(" \t#>*-|", ch))
                s.line_start = false;
            i++;
        }
    }
}

/* ---- the known values ---- */

static void known_add_value(struct known *k, double v)
{
    if (k->n_values == k->cap_values) {
        size_t cap = k->cap_values ? k->cap_values * 2 : 256;
        double *p = mem_realloc(k->values, cap * sizeof(*p));
        if (!p) {
            k->failed = true;
            return;
        }
        k->values = p;
        k->cap_values = cap;
    }
    k->values[k->n_values++] = fabs(v);
}

static void known_add_day(struct known *k, int32_t day)
{
    int y, m, d;

    if (k->n_days == k->cap_days) {
        size_t cap = k->cap_days ? k->cap_days * 2 : 64;
        int32_t *p = mem_realloc(k->days, cap * sizeof(*p));
        if (!p) {
            k->failed = true;
            return;
        }
        k->days = p;
        k->cap_days = cap;
    }
    k->days[k->n_days++] = day;
    date_to_civil(day, &y, &m, &d);
    known_add_value(k, y);
}

/* Everything a text holds counts as known, numbering included. */
static void known_tok(void *ctx, const char *text, const struct tok *t)
{
    struct known *k = ctx;

    (void)text;
    if (t->kind == TOK_DATE)
        known_add_day(k, t->day);
    else if (t->kind == TOK_NUMBER)
        known_add_value(k, t->value * t->scale);
}

static void known_add_json(struct known *k, const cJSON *item)
{
    for (; item; item = item->next) {
        if (cJSON_IsNumber(item))
            known_add_value(k, item->valuedouble);
        else if (cJSON_IsString(item) && item->valuestring)
            scan_text(item->valuestring, strlen(item->valuestring), known_tok,
                      k);
        else if (cJSON_IsArray(item) || cJSON_IsObject(item))
            known_add_json(k, item->child);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int cmp_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return x < y ? -1 : x > y;
}

/* Is some known value within [lo, hi]? */
static bool known_in_range(const struct known *k, double lo, double hi)
{
    size_t a = 0, b = k->n_values;

    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (k->values[mid] < lo)
            a = mid + 1;
        else
            b = mid;
    }
    return a < k->n_values && k->values[a] <= hi;
}

/* x shown with decimals digits, standing for x * scale. */
static bool known_rounds_to(const struct known *k, double x, int decimals,
                            double scale)
{
    double half;

    if (decimals < 0)
        decimals = 0;
    half = 0.5 * pow(10, -decimals) * (1 + 1e-9) + 1e-12;
    return known_in_range(k, (x - half) * scale, (x + half) * scale);
}

static bool known_number(const struct known *k, const struct tok *t)
{
    if (known_rounds_to(k, t->value, t->decimals, t->scale))
        return true;
    if (t->percent && known_rounds_to(k, t->value / 100, t->decimals + 2, 1))
        return true;
    return !t->percent && t->scale == 1 && t->decimals > 0 &&
           known_rounds_to(k, t->value * 100, t->decimals - 2, 1);
}

/* A month and day that falls in the plan window in its year or the next. */
static bool plan_monthday(const struct known *k, int month, int mday)
{
    int y, m, d;

    if (k->plan_from > k->plan_to)
        return false;
    date_to_civil(k->plan_from, &y, &m, &d);
    for (int year = y; year <= y + 1; year++) {
        int32_t day = date_from_civil(year, month, mday);
        if (day > k->plan_from && day <= k->plan_to)
            return true;
    }
    return false;
}

static bool known_token(const struct known *k, const struct tok *t)
{
    if (t->kind == TOK_NUMBER)
        return known_number(k, t);
    if (t->kind == TOK_DATE && t->day > k->plan_from && t->day <= k->plan_to)
        return true;
    if (t->kind == TOK_DATE)
        return k->n_days > 0 && bsearch(&t->day, k->days, k->n_days,
                                        sizeof(*k->days), cmp_day) != NULL;
    if (plan_monthday(k, t->month, t->mday))
        return true;
    for (size_t i = 0; i < k->n_days; i++) {
        int y, m, d;
        date_to_civil(k->days[i], &y, &m, &d);
        if (m == t->month && d == t->mday)
            return true;
    }
    return false;
}

/* ---- checking an answer ---- */

struct checker {
    const struct known *known;
    cJSON *ungrounded;
    int checked;
    bool failed;
};

static bool array_has(const cJSON *arr, const char *s)
{
    const cJSON *it;

    cJSON_ArrayForEach(it,
                       arr) if (cJSON_IsString(it) &&
                                strcmp(it->valuestring, s) == 0) return true;
    return false;
}

static void check_tok(void *ctx, const char *text, const struct tok *t)
{
    struct checker *c = ctx;
    char *s;
    cJSON *item;

    if (t->ignored)
        return;
    c->checked++;
    if (known_token(c->known, t))
        return;
    if (!(s = mem_strndup(text + t->start, t->end - t->start))) {
        c->failed = true;
        return;
    }
    if (!array_has(c->ungrounded, s)) {
        item = cJSON_CreateString(s);
        if (!item || !cJSON_AddItemToArray(c->ungrounded, item)) {
            cJSON_Delete(item);
            c->failed = true;
        }
    }
    mem_free(s);
}

enum csmap_rc ground_numbers(const char *answer, size_t len,
                             const cJSON *context, const char *prompt,
                             size_t prompt_len, cJSON *ungrounded, int *checked)
{
    struct known k = {0};
    struct checker c = {&k, ungrounded, 0, false};
    const char *as_of = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(context, "as_of"));
    enum csmap_rc rc = CS_NOMEM;

    k.plan_from = 1;
    k.plan_to = 0;
    if (as_of && date_parse(as_of, strlen(as_of), &k.plan_from))
        k.plan_to = k.plan_from + PLAN_DAYS;
    if (context)
        known_add_json(&k, context);
    if (prompt)
        scan_text(prompt, prompt_len, known_tok, &k);
    if (k.failed)
        goto out;
    if (k.n_values > 1)
        qsort(k.values, k.n_values, sizeof(*k.values), cmp_double);
    if (k.n_days > 1)
        qsort(k.days, k.n_days, sizeof(*k.days), cmp_day);
    scan_text(answer, len, check_tok, &c);
    if (c.failed)
        goto out;
    *checked = c.checked;
    rc = CS_OK;

out:
    mem_free(k.values);
    mem_free(k.days);
    return rc;
}

/* ---- sections ---- */

/* The heading text of the line t[i, e), or NULL; sets *hn. */
static const char *heading_of(const char *t, size_t i, size_t e, size_t *hn)
{
    size_t k = 0;

    while (i < e && k < 3 && t[i] == ' ') {
        i++;
        k++;
    }
    if (i < e && t[i] == '#') {
        size_t h = i;
        while (i < e && t[i] == '#')
            i++;
        if (i - h > 6 || (i < e && t[i] != ' ' && t[i] != '\t'))
            return NULL;
    } else if (!(e - i >= 4 && strncmp(t + i, "**", 2) == 0 &&
                 (strncmp(t + e - 2, "**", 2) == 0 ||
                  (e - i >= 5 && strncmp(t + e - 3, "**:", 3) == 0)))) {
        return NULL;
    }
    *hn = e - i;
    return t + i;
}

/* Lower-case h without markup, numbering and a trailing colon. */
static void heading_norm(const char *h, size_t n, char *out, size_t cap)
{
    size_t i = 0, k = 0;

    while (i < n && strchr("#*_ \t", h[i]))
        i++;
    while (i < n && is_digit(h[i]))
        i++;
    if (i < n && (h[i] == '.' || h[i] == ')'))
        i++;
    while (i < n && strchr("*_ \t", h[i]))
        i++;
    while (n > i && strchr("#*_: \t\r", h[n - 1]))
        n--;
    for (; i < n && k + 1 < cap; i++)
        out[k++] = (char)tolower((unsigned char)h[i]);
    out[k] = '\0';
}

static bool heading_names(const char *norm, const char *section)
{
    char want[256];
    size_t n;

    heading_norm(section, strlen(section), want, sizeof(want));
    n = strlen(want);
    return n > 0 && strncmp(norm, want, n) == 0 && !is_alpha(norm[n]);
}

enum csmap_rc ground_sections(const char *answer, size_t len,
                              const char *const *sections, size_t n,
                              cJSON *missing)
{
    bool *found = mem_calloc(n ? n : 1, sizeof(*found));
    enum csmap_rc rc = CS_OK;

    if (!found)
        return CS_NOMEM;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(answer + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - answer) : len, hn;
        const char *h = heading_of(answer, i, e, &hn);
        char norm[256];

        if (h) {
            heading_norm(h, hn, norm, sizeof(norm));
            for (size_t s = 0; s < n; s++)
                found[s] = found[s] || heading_names(norm, sections[s]);
        }
        i = e + 1;
    }
    for (size_t s = 0; s < n && rc == CS_OK; s++) {
        cJSON *item;
        if (found[s])
            continue;
        item = cJSON_CreateString(sections[s]);
        if (!item || !cJSON_AddItemToArray(missing, item)) {
            cJSON_Delete(item);
            rc = CS_NOMEM;
        }
    }
    mem_free(found);
    return rc;
}

/* ---- JSON answers ---- */

/* The answer without a surrounding ``` fence: t[*a, *b). */
static void strip_fence(const char *t, size_t len, size_t *a, size_t *b)
{
    size_t i = 0, e = len;

    while (i < e && isspace((unsigned char)t[i]))
        i++;
    while (e > i && isspace((unsigned char)t[e - 1]))
        e--;
    if (e - i >= 6 && strncmp(t + i, "```", 3) == 0 &&
        strncmp(t + e - 3, "```", 3) == 0) {
        const char *nl = memchr(t + i, '\n', e - i);
        if (nl && (size_t)(nl - t) < e - 3) {
            i = (size_t)(nl - t) + 1;
            e -= 3;
        }
    }
    *a = i;
    *b = e;
}

/* Does item have the key path p (length n)? */
static bool has_path(const cJSON *item, const char *p, size_t n)
{
    const char *dot = memchr(p, '.', n);
    size_t seg = dot ? (size_t)(dot - p) : n;
    bool each = seg > 2 && strncmp(p + seg - 2, "[]", 2) == 0;
    char key[128];
    const cJSON *v, *el;

    if (seg - (each ? 2 : 0) >= sizeof(key) || !cJSON_IsObject(item))
        return false;
    memcpy(key, p, seg - (each ? 2 : 0));
    key[seg - (each ? 2 : 0)] = '\0';
    if (!(v = cJSON_GetObjectItemCaseSensitive(item, key)))
        return false;
    if (each && !cJSON_IsArray(v))
        return false;
    if (!dot)
        return true;
    if (!each)
        return has_path(v, dot + 1, n - seg - 1);
    cJSON_ArrayForEach(el,
                       v) if (!has_path(el, dot + 1, n - seg - 1)) return false;
    return true;
}

enum csmap_rc ground_json(const char *answer, size_t len,
                          const char *const *keys, size_t n, cJSON *missing,
                          bool *valid, cJSON **parsed)
{
    size_t a, b;
    cJSON *root;

    if (parsed)
        *parsed = NULL;
    strip_fence(answer, len, &a, &b);
    root = cJSON_ParseWithLength(answer + a, b - a);
    *valid = cJSON_IsObject(root);
    for (size_t i = 0; i < n; i++) {
        cJSON *item;
        if (*valid && has_path(root, keys[i], strlen(keys[i])))
            continue;
        item = cJSON_CreateString(keys[i]);
        if (!item || !cJSON_AddItemToArray(missing, item)) {
            cJSON_Delete(item);
            cJSON_Delete(root);
            return CS_NOMEM;
        }
    }
    if (parsed && *valid)
        *parsed = root;
    else
        cJSON_Delete(root);
    return CS_OK;
}

/* ---- everything ---- */

static cJSON *add_array(cJSON *obj, const char *name)
{
    return cJSON_AddArrayToObject(obj, name);
}

enum csmap_rc ground_check(const char *answer, size_t len, const cJSON *context,
                           const char *prompt, size_t prompt_len,
                           const struct ground_spec *spec, cJSON **out)
{
    cJSON *res = cJSON_CreateObject();
    cJSON *sections, *keys, *ungrounded;
    enum csmap_rc rc = CS_NOMEM;
    bool valid = false;
    int checked = 0;

    *out = NULL;
    if (!res || !(sections = add_array(res, "sections_missing")))
        goto out;
    if ((rc = ground_sections(answer, len, spec->sections, spec->n_sections,
                              sections)) != CS_OK)
        goto out;
    rc = CS_NOMEM;
    if (spec->json) {
        if (!(keys = add_array(res, "keys_missing")) ||
            ground_json(answer, len, spec->json_keys, spec->n_json_keys, keys,
                        &valid, NULL) != CS_OK ||
            !cJSON_AddBoolToObject(res, "json_valid", valid))
            goto out;
    } else if (!cJSON_AddNullToObject(res, "json_valid") ||
               !add_array(res, "keys_missing")) {
        goto out;
    }
    if (!(ungrounded = add_array(res, "ungrounded")))
        goto out;
    if ((rc = ground_numbers(answer, len, context, prompt, prompt_len,
                             ungrounded, &checked)) != CS_OK)
        goto out;
    rc = CS_NOMEM;
    if (!cJSON_AddNumberToObject(res, "numbers_checked", checked))
        goto out;
    *out = res;
    res = NULL;
    rc = CS_OK;

out:
    cJSON_Delete(res);
    return rc;
}
