/* Growable byte buffer with a size cap. */
#include "csmap/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csmap/mem.h"

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : BUF_MAX_DEFAULT;
}

void buf_release(struct buf *b)
{
    mem_free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

enum csmap_rc buf_reserve(struct buf *b, size_t n)
{
    size_t want, cap;
    char *p;

    if (n > b->max || b->len > b->max - n) {
        buf_release(b);
        return CS_TOOBIG;
    }
    want = b->len + n + 1;
    if (want <= b->cap)
        return CS_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    p = mem_realloc(b->data, cap);
    if (!p) {
        buf_release(b);
        return CS_NOMEM;
    }
    b->data = p;
    b->cap = cap;
    return CS_OK;
}

enum csmap_rc buf_add(struct buf *b, const void *p, size_t n)
{
    enum csmap_rc rc = buf_reserve(b, n);

    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return CS_OK;
}

enum csmap_rc buf_adds(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

enum csmap_rc buf_addc(struct buf *b, char c)
{
    return buf_add(b, &c, 1);
}

enum csmap_rc buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    int n;
    enum csmap_rc rc;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return CS_ERR;
    rc = buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return CS_OK;
}

enum csmap_rc buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    enum csmap_rc rc;

    va_start(ap, fmt);
    rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *buf_str(const struct buf *b)
{
    return b->data ? b->data : "";
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *buf_detach(struct buf *b)
{
    char *p = b->data;

    if (!p)
        p = mem_strdup("");
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
