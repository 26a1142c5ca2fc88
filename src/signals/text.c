/* Text: PCRE2 word tokens, a sentiment lexicon with negation, themes. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmap/hash.h"
#include "csmap/mem.h"
#include "csmap/regex.h"

/*
 * Words are runs of letters and digits, with an inner apostrophe kept
 * ("don't").  ASCII letters are lower-cased; other letters are kept as
 * they are.
 */
#define WORD_PATTERN "[\\p{L}\\p{N}]+(?:['\\x{2019}][\\p{L}]+)?"
#define WORD_MAX 64

struct regex *sig_text_tokenizer(void)
{
    char err[128];

    return regex_compile(WORD_PATTERN, false, err, sizeof(err));
}

/* Words that carry no theme; sorted for bsearch. */
static const char *const stop_words[] = {
    "about",  "above",   "after",  "again",   "all",     "also",   "and",
    "any",    "are",     "aren't", "because", "been",    "before", "being",
    "but",    "can",     "can't",  "cannot",  "could",   "did",    "didn't",
    "does",   "doesn't", "doing",  "don't",   "each",    "even",   "ever",
    "every",  "for",     "from",   "get",     "gets",    "got",    "had",
    "has",    "have",    "having", "hello",   "her",     "here",   "hers",
    "him",    "his",     "how",    "into",    "isn't",   "it's",   "its",
    "just",   "let",     "like",   "more",    "most",    "much",   "need",
    "needs",  "not",     "now",    "off",     "once",    "one",    "only",
    "other",  "our",     "ours",   "out",     "over",    "please", "same",
    "she",    "should",  "some",   "still",   "such",    "than",   "thank",
    "thanks", "that",    "the",    "their",   "them",    "then",   "there",
    "these",  "they",    "this",   "those",   "through", "too",    "under",
    "until",  "use",     "used",   "using",   "very",    "via",    "was",
    "wasn't", "way",     "we're",  "well",    "were",    "what",   "when",
    "where",  "which",   "while",  "who",     "why",     "will",   "with",
    "won't",  "would",   "yet",    "you",     "your",    "yours",
};

/* Sentiment lexicon: +1 or -1; sorted for bsearch. */
struct lex {
    const char *word;
    int polarity;
};

static const struct lex lexicon[] = {
    {"amazing", 1},     {"angry", -1},        {"annoying", -1},
    {"awesome", 1},     {"awful", -1},        {"bad", -1},
    {"beautiful", 1},   {"best", 1},          {"better", 1},
    {"broken", -1},     {"bug", -1},          {"buggy", -1},
    {"bugs", -1},       {"cancel", -1},       {"churn", -1},
    {"clear", 1},       {"complicated", -1},  {"confusing", -1},
    {"crash", -1},      {"crashes", -1},      {"delay", -1},
    {"delighted", 1},   {"disappointed", -1}, {"disappointing", -1},
    {"easy", 1},        {"efficient", 1},     {"error", -1},
    {"errors", -1},     {"excellent", 1},     {"expensive", -1},
    {"fail", -1},       {"failed", -1},       {"failing", -1},
    {"fails", -1},      {"fantastic", 1},     {"fast", 1},
    {"fixed", 1},       {"frustrated", -1},   {"frustrating", -1},
    {"glad", 1},        {"good", 1},          {"great", 1},
    {"happy", 1},       {"hard", -1},         {"helpful", 1},
    {"horrible", -1},   {"impressed", 1},     {"intuitive", 1},
    {"issue", -1},      {"issues", -1},       {"love", 1},
    {"loved", 1},       {"loves", 1},         {"missing", -1},
    {"nice", 1},        {"outage", -1},       {"perfect", 1},
    {"poor", -1},       {"problem", -1},      {"problems", -1},
    {"recommend", 1},   {"reliable", 1},      {"satisfied", 1},
    {"simple", 1},      {"slow", -1},         {"smooth", 1},
    {"stuck", -1},      {"terrible", -1},     {"unhappy", -1},
    {"unreliable", -1}, {"unusable", -1},     {"useful", 1},
    {"useless", -1},    {"valuable", 1},      {"wonderful", 1},
    {"worse", -1},      {"worst", -1},        {"wrong", -1},
};

/* A negator flips the polarity of sentiment words in the next 3 words. */
static const char *const negators[] = {
    "aren't",  "can't",  "cannot",  "didn't", "doesn't", "don't",
    "hardly",  "isn't",  "lack",    "never",  "no",      "not",
    "nothing", "wasn't", "without", "won't",
};

#define NEGATION_SCOPE 3
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int cmp_word(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static int cmp_lex(const void *key, const void *elem)
{
    return strcmp(key, ((const struct lex *)elem)->word);
}

static bool in_list(const char *w, const char *const *list, size_t n)
{
    return bsearch(w, list, n, sizeof(*list), cmp_word) != NULL;
}

static int polarity(const char *w)
{
    const struct lex *l =
        bsearch(w, lexicon, N_OF(lexicon), sizeof(*lexicon), cmp_lex);

    return l ? l->polarity : 0;
}

/*
 * Copy the next word at or after *pos into w (lower-cased ASCII, the
 * typographic apostrophe made plain, cut at WORD_MAX - 1 bytes).
 */
static bool next_word(const struct regex *tok, const char *s, size_t n,
                      size_t *pos, char w[WORD_MAX])
{
    size_t ms, me, k = 0;

    if (*pos >= n || regex_find(tok, s, n, *pos, &ms, &me) != 1)
        return false;
    *pos = me > ms ? me : ms + 1;
    for (size_t i = ms; i < me && k < WORD_MAX - 1; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == 0xe2 && i + 2 < me && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            w[k++] = '\'';
            i += 2;
            continue;
        }
        w[k++] = (char)(c < 0x80 ? tolower(c) : c);
    }
    w[k] = '\0';
    return true;
}

/*
 * Sentiment of a text on -1..1: (positive - negative) / (positive +
 * negative) over lexicon words, a word's polarity flipped when one of the
 * NEGATION_SCOPE words before it is a negator; 0 with no lexicon word.
 */
double sig_text_sentiment(const struct regex *tok, const char *s, size_t n)
{
    char w[WORD_MAX];
    size_t pos = 0;
    int pos_hits = 0, neg_hits = 0, scope = 0;

    while (next_word(tok, s, n, &pos, w)) {
        int p;

        if (in_list(w, negators, N_OF(negators))) {
            scope = NEGATION_SCOPE;
            continue;
        }
        p = polarity(w);
        if (scope > 0) {
            p = -p;
            scope--;
        }
        if (p > 0)
            pos_hits++;
        else if (p < 0)
            neg_hits++;
    }
    if (pos_hits + neg_hits == 0)
        return 0;
    return (double)(pos_hits - neg_hits) / (pos_hits + neg_hits);
}

/* ---- theme terms: an open-addressing table of phrase -> text count ---- */

struct term {
    char *phrase;
    int count;
    size_t stamp; /* the last text that counted it */
};

struct sig_terms {
    struct term *slots;
    size_t cap, used;
    size_t text; /* texts added so far, for the stamps */
};

struct sig_terms *sig_terms_new(void)
{
    return mem_calloc(1, sizeof(struct sig_terms));
}

void sig_terms_reset(struct sig_terms *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->cap; i++)
        mem_free(t->slots[i].phrase);
    if (t->cap)
        memset(t->slots, 0, t->cap * sizeof(*t->slots));
    t->used = 0;
    t->text = 0;
}

void sig_terms_free(struct sig_terms *t)
{
    if (!t)
        return;
    sig_terms_reset(t);
    mem_free(t->slots);
    mem_free(t);
}

static struct term *slot_for(struct term *slots, size_t cap, const char *p)
{
    size_t i = (size_t)hash64(p, strlen(p), 0) & (cap - 1);

    while (slots[i].phrase && strcmp(slots[i].phrase, p) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static enum csmap_rc grow_terms(struct sig_terms *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    struct term *slots;

    if (t->used * 2 < t->cap)
        return CS_OK;
    if (!(slots = mem_calloc(cap, sizeof(*slots))))
        return CS_NOMEM;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].phrase)
            *slot_for(slots, cap, t->slots[i].phrase) = t->slots[i];
    mem_free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return CS_OK;
}

/* Add count to phrase; once per text when stamp is not 0. */
static enum csmap_rc term_add(struct sig_terms *t, const char *phrase,
                              int count, size_t stamp)
{
    struct term *e;

    if (grow_terms(t))
        return CS_NOMEM;
    e = slot_for(t->slots, t->cap, phrase);
    if (!e->phrase) {
        if (!(e->phrase = mem_strdup(phrase)))
            return CS_NOMEM;
        t->used++;
    } else if (stamp && e->stamp == stamp) {
        return CS_OK;
    }
    e->count += count;
    e->stamp = stamp;
    return CS_OK;
}

static bool meaningful(const char *w)
{
    bool digits = true;

    for (const char *p = w; *p; p++)
        if (!isdigit((unsigned char)*p))
            digits = false;
    return strlen(w) >= 3 && !digits &&
           !in_list(w, stop_words, N_OF(stop_words)) &&
           !in_list(w, negators, N_OF(negators));
}

/*
 * Themes of a text: every meaningful word (three bytes or more, not a
 * stop word, not a number) and every two adjacent meaningful words, each
 * counted once per text.
 */
enum csmap_rc sig_terms_add_text(struct sig_terms *t, const struct regex *tok,
                                 const char *s, size_t n)
{
    char w[WORD_MAX], prev[WORD_MAX], pair[2 * WORD_MAX];
    size_t pos = 0;
    bool have_prev = false;
    size_t stamp = ++t->text;

    while (next_word(tok, s, n, &pos, w)) {
        if (!meaningful(w)) {
            have_prev = false;
            continue;
        }
        if (term_add(t, w, 1, stamp))
            return CS_NOMEM;
        if (have_prev) {
            snprintf(pair, sizeof(pair), "%s %s", prev, w);
            if (term_add(t, pair, 1, stamp))
                return CS_NOMEM;
        }
        memcpy(prev, w, sizeof(prev));
        have_prev = true;
    }
    return CS_OK;
}

enum csmap_rc sig_terms_merge(struct sig_terms *dst,
                              const struct sig_terms *src)
{
    for (size_t i = 0; i < src->cap; i++)
        if (src->slots[i].phrase &&
            term_add(dst, src->slots[i].phrase, src->slots[i].count, 0))
            return CS_NOMEM;
    dst->text += src->text;
    return CS_OK;
}

static bool is_pair(const char *p)
{
    return strchr(p, ' ') != NULL;
}

/* Most texts first, then two-word phrases first, then by phrase. */
static int cmp_term(const void *a, const void *b)
{
    const struct term *x = *(const struct term *const *)a;
    const struct term *y = *(const struct term *const *)b;

    if (x->count != y->count)
        return y->count - x->count;
    if (is_pair(x->phrase) != is_pair(y->phrase))
        return is_pair(x->phrase) ? -1 : 1;
    return strcmp(x->phrase, y->phrase);
}

/* True when word is one of the words of a chosen phrase. */
static bool covered(const char *word, struct sig_theme *chosen, size_t n)
{
    size_t len = strlen(word);

    for (size_t i = 0; i < n; i++) {
        const char *p = chosen[i].phrase, *sp = strchr(p, ' ');

        if (!sp)
            continue;
        if (((size_t)(sp - p) == len && strncmp(p, word, len) == 0) ||
            strcmp(sp + 1, word) == 0)
            return true;
    }
    return false;
}

#define THEMES_MAX 5

/*
 * The top THEMES_MAX themes: terms in at least two texts (one when there
 * are fewer than five texts), a word left out when a chosen two-word
 * phrase holds it.
 */
enum csmap_rc sig_terms_top(const struct sig_terms *t, size_t texts,
                            struct sig_arena *ar, struct sig_theme **out,
                            size_t *n_out)
{
    int min_count = texts < 5 ? 1 : 2;
    struct term **all = NULL;
    size_t n = 0;
    enum csmap_rc rc = CS_OK;

    *out = NULL;
    *n_out = 0;
    if (t->used == 0)
        return CS_OK;
    if (!(all = mem_alloc(t->used * sizeof(*all))) ||
        !(*out = sig_arena_alloc(ar, THEMES_MAX * sizeof(**out)))) {
        rc = CS_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].phrase && t->slots[i].count >= min_count)
            all[n++] = &t->slots[i];
    qsort(all, n, sizeof(*all), cmp_term);
    for (size_t i = 0; i < n && *n_out < THEMES_MAX; i++) {
        struct sig_theme *th = &(*out)[*n_out];

        if (!is_pair(all[i]->phrase) && covered(all[i]->phrase, *out, *n_out))
            continue;
        if (!(th->phrase = sig_arena_strdup(ar, all[i]->phrase))) {
            rc = CS_NOMEM;
            goto out;
        }
        th->count = all[i]->count;
        (*n_out)++;
    }

out:
    mem_free(all);
    return rc;
}
