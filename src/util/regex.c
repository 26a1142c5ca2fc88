/* PCRE2 wrapper: JIT where available, bounded matching, invalid UTF-8 safe. */
#include "csmap/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

#include "csmap/log.h"
#include "csmap/mem.h"

/* Bounds that keep a hostile pattern or subject from running away. */
#define MATCH_LIMIT 1000000
#define DEPTH_LIMIT 10000

struct regex {
    pcre2_code *code;
    pcre2_match_context *mctx;
    char *source;
    bool jit;
};

struct regex *regex_compile(const char *pattern, bool caseless, char *err,
                            size_t errlen)
{
    struct regex *re = mem_calloc(1, sizeof(*re));
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    int errcode;
    PCRE2_SIZE erroff;

    if (!re) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (caseless)
        opts |= PCRE2_CASELESS;
    re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
                             &errcode, &erroff, NULL);
    if (!re->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        snprintf(err, errlen, "invalid regex at offset %zu: %s", (size_t)erroff,
                 (char *)msg);
        mem_free(re);
        return NULL;
    }
    /* CSMAP_REGEX_NO_JIT=1 interprets patterns instead: valgrind cannot
     * follow JIT code, which reads whole vectors past a subject's end. */
    if (!getenv("CSMAP_REGEX_NO_JIT"))
        re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
    re->mctx = pcre2_match_context_create(NULL);
    re->source = mem_strdup(pattern);
    if (!re->mctx || !re->source) {
        snprintf(err, errlen, "out of memory");
        regex_free(re);
        return NULL;
    }
    pcre2_set_match_limit(re->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(re->mctx, DEPTH_LIMIT);
    return re;
}

int regex_find(const struct regex *re, const char *subject, size_t n,
               size_t start, size_t *mstart, size_t *mend)
{
    pcre2_match_data *md;
    int r;

    md = pcre2_match_data_create_from_pattern(re->code, NULL);
    if (!md)
        return -1;
    r = pcre2_match(re->code, (PCRE2_SPTR)subject, n, start, 0, md, re->mctx);
    if (r >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        if (mstart)
            *mstart = ov[0];
        if (mend)
            *mend = ov[1];
        r = 1;
    } else if (r == PCRE2_ERROR_NOMATCH) {
        r = 0;
    } else {
        static int reported;
        if (!reported++)
            log_warn("pattern '%s' gave up on a subject (match limit)",
                     re->source);
        r = -1;
    }
    pcre2_match_data_free(md);
    return r;
}

int regex_search(const struct regex *re, const char *subject, size_t n)
{
    return regex_find(re, subject, n, 0, NULL, NULL);
}

const char *regex_source(const struct regex *re)
{
    return re->source;
}

void regex_free(struct regex *re)
{
    if (!re)
        return;
    pcre2_code_free(re->code);
    pcre2_match_context_free(re->mctx);
    mem_free(re->source);
    mem_free(re);
}
