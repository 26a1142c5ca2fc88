/* Text: PCRE2 word tokens, a sentiment lexicon with negation, themes. */
#include "internal.h"

#include <ctype.h>
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

static bool ascii_letter(char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool ascii_alnum(char c)
{
    return ascii_letter(c) || (c >= '0' && c <= '9');
}

static bool is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/*
 * WORD_PATTERN on a text of ASCII bytes only, where \p{L} is [A-Za-z] and
 * \p{N} is [0-9]: the first run of letters and digits at or after start,
 * with an apostrophe and the letters after it when there are some.  The
 * same words as the regex, without its cost per word.
 */
static bool ascii_find(const char *s, size_t n, size_t start, size_t *ms,
                       size_t *me)
{
    size_t i = start;

    while (i < n && !ascii_alnum(s[i]))
        i++;
    if (i == n)
        return false;
    *ms = i;
    while (i < n && ascii_alnum(s[i]))
        i++;
    if (i + 1 < n && s[i] == '\'' && ascii_letter(s[i + 1])) {
        i++;
        while (i < n && ascii_letter(s[i]))
            i++;
    }
    *me = i;
    return true;
}

/*
 * Copy the next word at or after *pos into w (lower-cased ASCII, the
 * typographic apostrophe made plain, cut at WORD_MAX - 1 bytes); tok is
 * NULL when the text is all ASCII.
 */
static bool next_word(const struct regex *tok, const char *s, size_t n,
                      size_t *pos, char w[WORD_MAX])
{
    size_t ms, me, k = 0;

    if (*pos >= n)
        return false;
    if (tok ? regex_find(tok, s, n, *pos, &ms, &me) != 1
            : !ascii_find(s, n, *pos, &ms, &me))
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

static bool meaningful(const char *w, size_t len)
{
    bool digits = true;

    for (const char *p = w; *p; p++)
        if (!isdigit((unsigned char)*p))
            digits = false;
    return len >= 3 && !digits && !in_list(w, stop_words, N_OF(stop_words)) &&
           !in_list(w, negators, N_OF(negators));
}

/* Append a phrase of len bytes and its hash to ph. */
static enum csmap_rc phrase_add(struct sig_phrases *ph, const char *p,
                                size_t len)
{
    struct sig_phrase *e;

    if (sig_grow((void **)&ph->buf, &ph->cap, ph->len + len + 1, 1) ||
        sig_grow((void **)&ph->v, &ph->cap_v, ph->n + 1, sizeof(*ph->v)))
        return CS_NOMEM;
    e = &ph->v[ph->n++];
    e->off = ph->len;
    e->len = len;
    e->hash = hash64(p, len, 0);
    memcpy(ph->buf + ph->len, p, len + 1);
    ph->len += len + 1;
    return CS_OK;
}

struct tally {
    int pos_hits, neg_hits, scope;
};

/* A word's part in the sentiment: a negator opens a scope that flips the
 * polarity of the next NEGATION_SCOPE words. */
static void tally_word(struct tally *t, const char *w)
{
    int p;

    if (in_list(w, negators, N_OF(negators))) {
        t->scope = NEGATION_SCOPE;
        return;
    }
    p = polarity(w);
    if (t->scope > 0) {
        p = -p;
        t->scope--;
    }
    if (p > 0)
        t->pos_hits++;
    else if (p < 0)
        t->neg_hits++;
}

/*
 * Sentiment of a text on -1..1: (positive - negative) / (positive +
 * negative) over lexicon words, a word's polarity flipped when one of the
 * NEGATION_SCOPE words before it is a negator; 0 with no lexicon word.
 *
 * Themes of a text: every meaningful word (three bytes or more, not a
 * stop word, not a number) and every two adjacent meaningful words; one
 * pass gives both, the phrases appended to ph when it is not NULL.
 */
static enum csmap_rc walk(const struct regex *tok, const char *s, size_t n,
                          struct sig_phrases *ph, double *sentiment)
{
    char w[WORD_MAX], prev[WORD_MAX], pair[2 * WORD_MAX];
    size_t pos = 0, len, prev_len = 0;
    bool have_prev = false;
    struct tally t = {0, 0, 0};

    if (is_ascii(s, n))
        tok = NULL;
    while (next_word(tok, s, n, &pos, w)) {
        tally_word(&t, w);
        if (!ph)
            continue;
        len = strlen(w);
        if (!meaningful(w, len)) {
            have_prev = false;
            continue;
        }
        if (phrase_add(ph, w, len))
            return CS_NOMEM;
        if (have_prev) {
            memcpy(pair, prev, prev_len);
            pair[prev_len] = ' ';
            memcpy(pair + prev_len + 1, w, len + 1);
            if (phrase_add(ph, pair, prev_len + 1 + len))
                return CS_NOMEM;
        }
        memcpy(prev, w, len + 1);
        prev_len = len;
        have_prev = true;
    }
    *sentiment =
        t.pos_hits + t.neg_hits == 0
            ? 0
            : (double)(t.pos_hits - t.neg_hits) / (t.pos_hits + t.neg_hits);
    return CS_OK;
}

double sig_text_sentiment(const struct regex *tok, const char *s, size_t n)
{
    double v = 0;

    walk(tok, s, n, NULL, &v);
    return v;
}

enum csmap_rc sig_text_analyse(const struct regex *tok, const char *s, size_t n,
                               struct sig_phrases *ph, double *sentiment)
{
    return walk(tok, s, n, ph, sentiment);
}

void sig_phrases_release(struct sig_phrases *ph)
{
    mem_free(ph->buf);
    mem_free(ph->v);
    memset(ph, 0, sizeof(*ph));
}

/* ---- theme terms: an open-addressing table of phrase -> text count ---- */

struct term {
    uint64_t hash;
    size_t phrase; /* offset into the table's pool */
    int count;
    size_t stamp; /* the last text that counted it */
    uint32_t gen; /* the slot is in use when this is the table's gen */
};

/* Emptied in O(1): a new generation frees every slot. */
struct sig_terms {
    struct term *slots;
    size_t cap;
    uint32_t gen;
    size_t *order; /* the slots in use, first added first */
    size_t used;
    char *pool; /* the phrases, each NUL-terminated */
    size_t pool_len, pool_cap;
    size_t text; /* texts added so far, for the stamps */
};

struct sig_terms *sig_terms_new(void)
{
    struct sig_terms *t = mem_calloc(1, sizeof(struct sig_terms));

    if (t)
        t->gen = 1;
    return t;
}

void sig_terms_reset(struct sig_terms *t)
{
    if (!t)
        return;
    if (t->gen == UINT32_MAX) {
        for (size_t i = 0; i < t->cap; i++)
            t->slots[i].gen = 0;
        t->gen = 0;
    }
    t->gen++;
    t->used = 0;
    t->pool_len = 0;
    t->text = 0;
}

void sig_terms_free(struct sig_terms *t)
{
    if (!t)
        return;
    mem_free(t->slots);
    mem_free(t->order);
    mem_free(t->pool);
    mem_free(t);
}

/* The slot of phrase p (hash h): its own, or the free one to take. */
static size_t slot_for(const struct sig_terms *t, const char *p, uint64_t h)
{
    size_t mask = t->cap - 1, i = (size_t)h & mask;

    while (t->slots[i].gen == t->gen &&
           (t->slots[i].hash != h || strcmp(t->pool + t->slots[i].phrase, p)))
        i = (i + 1) & mask;
    return i;
}

/* Double the slots when half are in use, keeping the order of the
 * phrases. */
static enum csmap_rc grow_terms(struct sig_terms *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    struct term *old = t->slots;
    size_t *order;

    if (t->used * 2 < t->cap)
        return CS_OK;
    if (!(t->slots = mem_calloc(cap, sizeof(*t->slots)))) {
        t->slots = old;
        return CS_NOMEM;
    }
    if (!(order = mem_realloc(t->order, cap * sizeof(*order)))) {
        mem_free(t->slots);
        t->slots = old;
        return CS_NOMEM;
    }
    t->order = order;
    t->cap = cap;
    for (size_t k = 0; k < t->used; k++) {
        const struct term *e = &old[t->order[k]];
        size_t i = (size_t)e->hash & (cap - 1);

        while (t->slots[i].gen == t->gen)
            i = (i + 1) & (cap - 1);
        t->slots[i] = *e;
        t->order[k] = i;
    }
    mem_free(old);
    return CS_OK;
}

/* Add count to phrase p (len bytes, hash h); once per text when stamp is
 * not 0. */
static enum csmap_rc term_add(struct sig_terms *t, const char *p, size_t len,
                              uint64_t h, int count, size_t stamp)
{
    struct term *e;
    size_t i;

    if (grow_terms(t))
        return CS_NOMEM;
    i = slot_for(t, p, h);
    e = &t->slots[i];
    if (e->gen != t->gen) {
        if (sig_grow((void **)&t->pool, &t->pool_cap, t->pool_len + len + 1, 1))
            return CS_NOMEM;
        memcpy(t->pool + t->pool_len, p, len + 1);
        e->hash = h;
        e->phrase = t->pool_len;
        e->count = 0;
        e->gen = t->gen;
        t->pool_len += len + 1;
        t->order[t->used++] = i;
    } else if (stamp && e->stamp == stamp) {
        return CS_OK;
    }
    e->count += count;
    e->stamp = stamp;
    return CS_OK;
}

/* The themes of one text, each term once: the phrases ph->v[first ..
 * first + n). */
enum csmap_rc sig_terms_add_phrases(struct sig_terms *t,
                                    const struct sig_phrases *ph, size_t first,
                                    size_t n)
{
    size_t stamp = ++t->text;

    for (size_t i = first; i < first + n; i++) {
        const struct sig_phrase *e = &ph->v[i];

        if (term_add(t, ph->buf + e->off, e->len, e->hash, 1, stamp))
            return CS_NOMEM;
    }
    return CS_OK;
}

enum csmap_rc sig_terms_merge(struct sig_terms *dst,
                              const struct sig_terms *src)
{
    for (size_t k = 0; k < src->used; k++) {
        const struct term *e = &src->slots[src->order[k]];
        const char *p = src->pool + e->phrase;

        if (term_add(dst, p, strlen(p), e->hash, e->count, 0))
            return CS_NOMEM;
    }
    dst->text += src->text;
    return CS_OK;
}

/* A term as ranked: most texts first, then two-word phrases first, then
 * by phrase. */
struct ranked {
    const char *phrase;
    int count;
    bool pair;
};

static int cmp_ranked(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    if (x->count != y->count)
        return y->count - x->count;
    if (x->pair != y->pair)
        return x->pair ? -1 : 1;
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
    struct ranked *all = NULL;
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
    for (size_t k = 0; k < t->used; k++) {
        const struct term *e = &t->slots[t->order[k]];

        if (e->count < min_count)
            continue;
        all[n].phrase = t->pool + e->phrase;
        all[n].count = e->count;
        all[n++].pair = strchr(t->pool + e->phrase, ' ') != NULL;
    }
    qsort(all, n, sizeof(*all), cmp_ranked);
    for (size_t i = 0; i < n && *n_out < THEMES_MAX; i++) {
        struct sig_theme *th = &(*out)[*n_out];

        if (!all[i].pair && covered(all[i].phrase, *out, *n_out))
            continue;
        if (!(th->phrase = sig_arena_strdup(ar, all[i].phrase))) {
            rc = CS_NOMEM;
            goto out;
        }
        th->count = all[i].count;
        (*n_out)++;
    }

out:
    mem_free(all);
    return rc;
}
