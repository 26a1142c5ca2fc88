/* Buffered input for the readers: one record at a time, never a file. */
#include "csmap/ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "csmap/log.h"
#include "csmap/mem.h"
#include "internal.h"

#define INPUT_CHUNK ((size_t)1 << 20)

enum csmap_rc ingest_input_open(struct ingest_input *in, const char *path)
{
    memset(in, 0, sizeof(*in));
    in->name = path;
    in->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0) {
        ingest_error("cannot read '%s': %s", path, strerror(errno));
        return CS_IO;
    }
    return CS_OK;
}

void ingest_input_mem(struct ingest_input *in, const char *data, size_t n)
{
    memset(in, 0, sizeof(*in));
    in->name = "(memory)";
    in->fd = -1;
    in->mem = data;
    in->mem_len = n;
}

void ingest_input_close(struct ingest_input *in)
{
    if (in->fd >= 0)
        close(in->fd);
    in->fd = -1;
    mem_free(in->buf);
    in->buf = NULL;
    in->len = in->pos = in->cap = 0;
}

/* Make room for a chunk after the unread bytes, which move to the front. */
static enum csmap_rc make_room(struct ingest_input *in)
{
    size_t unread = in->len - in->pos;
    size_t want;
    char *p;

    if (unread >= INGEST_MAX_RECORD)
        return CS_TOOBIG;
    if (in->pos > 0) {
        memmove(in->buf, in->buf + in->pos, unread);
        in->offset += in->pos;
        in->len = unread;
        in->pos = 0;
    }
    want = unread + INPUT_CHUNK + 1;
    if (want <= in->cap)
        return CS_OK;
    p = mem_realloc(in->buf, want);
    if (!p) {
        log_error("out of memory");
        return CS_NOMEM;
    }
    in->buf = p;
    in->cap = want;
    return CS_OK;
}

static enum csmap_rc read_more(struct ingest_input *in, size_t room,
                               size_t *got)
{
    ssize_t n;

    if (in->fd < 0) {
        size_t left = in->mem_len - in->mem_pos;
        *got = left < room ? left : room;
        memcpy(in->buf + in->len, in->mem + in->mem_pos, *got);
        in->mem_pos += *got;
        return CS_OK;
    }
    do {
        n = read(in->fd, in->buf + in->len, room);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        ingest_error("cannot read '%s': %s", in->name, strerror(errno));
        return CS_IO;
    }
    *got = (size_t)n;
    return CS_OK;
}

enum csmap_rc ingest_input_fill(struct ingest_input *in, size_t *got)
{
    enum csmap_rc rc;

    *got = 0;
    if (in->eof)
        return CS_OK;
    if ((rc = make_room(in)))
        return rc;
    if ((rc = read_more(in, in->cap - in->len - 1, got)))
        return rc;
    if (*got == 0)
        in->eof = true;
    in->len += *got;
    in->buf[in->len] = '\0';
    return CS_OK;
}
