/* Mustache value escapes: HTML, prompt-safe text, and number formatting. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csmap/mem.h"
#include "mustache_int.h"

#define PROMPT_MARK "\xE2\x80\xBA " /* U+203A and a space */
#define REPLACEMENT "\xEF\xBF\xBD"  /* U+FFFD */

enum csmap_rc tpl_format_number(struct buf *out, double v)
{
    char text[40];

    /* Whole numbers under 10^15 print as %.15g would print them. */
    if (v == floor(v) && fabs(v) < 1e15 && !(v == 0 && signbit(v))) {
        snprintf(text, sizeof(text), "%lld", (long long)v);
        return buf_adds(out, text);
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(text, sizeof(text), "%.*g", prec, v);
        if (strtod(text, NULL) == v)
            break;
    }
    return buf_adds(out, text);
}

enum csmap_rc tpl_escape_html(struct buf *out, const char *s, size_t n)
{
    enum csmap_rc rc = CS_OK;
    size_t from = 0;

    for (size_t i = 0; i < n && rc == CS_OK; i++) {
        const char *rep;

        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        default:
            continue;
        }
        rc = buf_add(out, s + from, i - from);
        if (rc == CS_OK)
            rc = buf_adds(out, rep);
        from = i + 1;
    }
    if (rc == CS_OK)
        rc = buf_add(out, s + from, n - from);
    return rc;
}

/*
 * Decode one UTF-8 sequence at s (n > 0 bytes left).  Returns its length
 * and stores the code point, or returns 0 for a bad byte.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len;
    uint32_t c, min;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2, c = s[0] & 0x1F, min = 0x80;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3, c = s[0] & 0x0F, min = 0x800;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static bool is_dropped(uint32_t cp)
{
    if (cp == '\n' || cp == '\t')
        return false;
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static bool needs_cleaning(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x7F || (c < 0x20 && c != '\n' && c != '\t'))
            return true;
    }
    return false;
}

/*
 * Step 1 and 2 of the prompt escape: valid UTF-8 without control
 * characters, and U+2028 and U+2029 as plain newlines.
 */
static enum csmap_rc clean_text(struct buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    enum csmap_rc rc = CS_OK;

    for (size_t i = 0; i < n && rc == CS_OK;) {
        uint32_t cp = 0;
        size_t len = utf8_decode(u + i, n - i, &cp);

        if (len == 0) {
            rc = buf_adds(b, REPLACEMENT);
            i++;
            continue;
        }
        if (cp == 0x2028 || cp == 0x2029)
            rc = buf_addc(b, '\n');
        else if (!is_dropped(cp))
            rc = buf_add(b, s + i, len);
        i += len;
    }
    return rc;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* The length of the role word at s, or 0. */
static size_t role_word(const char *s, size_t n, bool heading)
{
    static const char *const words[] = {
        "system",       "developer",   "assistant", "user",   "human",
        "ai",           "model",       "bot",       "tool",   "function",
        "instructions", "instruction", "context",   "prompt", "inst",
        "sys",          "response",    "input",
    };
    size_t count = sizeof(words) / sizeof(words[0]);

    for (size_t w = 0; w < count; w++) {
        size_t len = strlen(words[w]);

        if (!heading && w >= count - 2)
            break;
        if (len <= n && strncasecmp(s, words[w], len) == 0 &&
            (len == n || !is_alnum(s[len])))
            return len;
    }
    return 0;
}

static size_t skip(const char *s, size_t n, size_t i, const char *set)
{
    while (i < n && strchr(set, s[i]) && s[i])
        i++;
    return i;
}

/* Whether the text at s (a line start, after blanks) is a role marker. */
static bool is_marker(const char *s, size_t n)
{
    size_t i, len;

    if (n >= 2 && s[0] == '<' && (s[1] == '|' || s[1] == '<'))
        return true;
    if (n && s[0] == '#') {
        i = skip(s, n, skip(s, n, 0, "#"), " \t");
        return role_word(s + i, n - i, true) > 0;
    }
    if (n && s[0] == '[') {
        i = skip(s, n, 1, "/");
        len = role_word(s + i, n - i, false);
        return len && i + len < n && s[i + len] == ']';
    }
    i = skip(s, n, 0, "*_");
    len = role_word(s + i, n - i, false);
    if (!len)
        return false;
    i = skip(s, n, skip(s, n, i + len, "*_"), " \t");
    return i < n && s[i] == ':';
}

/* Where out stands: at a line start (after blanks), and its fence run. */
static void out_state(const struct buf *out, bool *bol, char *run_c, int *run_n)
{
    size_t i = out->len;

    *run_c = 0;
    *run_n = 0;
    while (i > 0 && (out->data[i - 1] == '`' || out->data[i - 1] == '~') &&
           (!*run_c || out->data[i - 1] == *run_c)) {
        *run_c = out->data[i - 1];
        (*run_n)++;
        i--;
    }
    i = out->len;
    while (i > 0 && (out->data[i - 1] == ' ' || out->data[i - 1] == '\t'))
        i--;
    *bol = i == 0 || out->data[i - 1] == '\n';
}

/* Steps 3 to 5 on clean text. */
static enum csmap_rc defuse(struct buf *out, const char *s, size_t n)
{
    bool bol;
    char run_c;
    int run_n;
    enum csmap_rc rc = CS_OK;

    out_state(out, &bol, &run_c, &run_n);
    for (size_t i = 0; i < n && rc == CS_OK; i++) {
        char c = s[i];

        if (bol && c != ' ' && c != '\t') {
            bol = false;
            if (is_marker(s + i, n - i))
                rc = buf_adds(out, PROMPT_MARK);
            if (rc)
                break;
        }
        if (c == '`' || c == '~') {
            run_n = c == run_c ? run_n + 1 : 1;
            run_c = c;
            if (run_n == 3) {
                rc = buf_addc(out, ' ');
                run_n = 1;
            }
            if (rc == CS_OK)
                rc = buf_addc(out, c);
            continue;
        }
        run_n = 0;
        if (c == '<')
            rc = buf_adds(out, "\xE2\x80\xB9");
        else if (c == '>')
            rc = buf_adds(out, "\xE2\x80\xBA");
        else
            rc = buf_addc(out, c);
        bol = bol || c == '\n';
    }
    return rc;
}

enum csmap_rc tpl_escape_prompt(struct buf *out, const char *s, size_t n)
{
    struct buf clean;
    enum csmap_rc rc;

    if (!needs_cleaning(s, n))
        return defuse(out, s, n);
    buf_init(&clean, out->max);
    rc = clean_text(&clean, s, n);
    if (rc == CS_OK)
        rc = defuse(out, buf_str(&clean), clean.len);
    else
        buf_release(out);
    buf_release(&clean);
    return rc;
}
