/* A growable byte buffer with a size cap. */
#ifndef CSMAP_BUF_H
#define CSMAP_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "csmap/rc.h"

/*
 * data is NUL-terminated whenever it is not NULL, so text can be read with
 * buf_str().  The buffer owns data.  When an append would pass max or an
 * allocation fails, the buffer frees its contents, becomes empty, and the
 * call returns CS_TOOBIG or CS_NOMEM: a caller never works on half a text.
 */
struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

#define BUF_MAX_DEFAULT ((size_t)64 << 20)
#define BUF_INIT                                                               \
    {                                                                          \
        NULL, 0, 0, BUF_MAX_DEFAULT                                            \
    }

void buf_init(struct buf *b, size_t max);
enum csmap_rc buf_add(struct buf *b, const void *p, size_t n);
enum csmap_rc buf_adds(struct buf *b, const char *s);
enum csmap_rc buf_addc(struct buf *b, char c);
enum csmap_rc buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum csmap_rc buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/* Make room for n more bytes without changing len. */
enum csmap_rc buf_reserve(struct buf *b, size_t n);

/* The text so far; "" for an empty buffer. */
const char *buf_str(const struct buf *b);

/* Forget the contents but keep the memory. */
void buf_reset(struct buf *b);

/* Hand the contents to the caller, who frees them; the buffer is empty. */
char *buf_detach(struct buf *b);

/* Free the contents. */
void buf_release(struct buf *b);

#endif
