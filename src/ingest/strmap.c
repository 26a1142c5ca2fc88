/* An open-addressing hash map from byte strings to integers. */
#include "internal.h"

#include <string.h>

#include "csmap/hash.h"
#include "csmap/mem.h"

struct strmap_slot {
    uint64_t hash;
    size_t off; /* key offset in keys + 1; 0 marks a free slot */
    size_t len;
    int64_t val;
};

void strmap_init(struct strmap *m)
{
    memset(m, 0, sizeof(*m));
}

void strmap_release(struct strmap *m)
{
    mem_free(m->slots);
    mem_free(m->keys);
    strmap_init(m);
}

static struct strmap_slot *find(const struct strmap *m, uint64_t h,
                                const void *key, size_t n)
{
    size_t mask = m->cap - 1;

    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct strmap_slot *s = &m->slots[i];
        if (!s->off)
            return s;
        if (s->hash == h && s->len == n &&
            (n == 0 || memcmp(m->keys + s->off - 1, key, n) == 0))
            return s;
    }
}

bool strmap_get(const struct strmap *m, const void *key, size_t n, int64_t *val)
{
    struct strmap_slot *s;

    if (!m->cap)
        return false;
    s = find(m, hash64(key, n, 0), key, n);
    if (!s->off)
        return false;
    *val = s->val;
    return true;
}

static enum csmap_rc grow(struct strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    struct strmap_slot *old = m->slots;
    size_t old_cap = m->cap;

    m->slots = mem_calloc(cap, sizeof(*m->slots));
    if (!m->slots) {
        m->slots = old;
        return CS_NOMEM;
    }
    m->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].off) {
            struct strmap_slot *s = find(m, old[i].hash, "", (size_t)-1);
            *s = old[i];
        }
    }
    mem_free(old);
    return CS_OK;
}

static enum csmap_rc keep_key(struct strmap *m, const void *key, size_t n)
{
    if (m->keys_len + n > m->keys_cap) {
        size_t cap = m->keys_cap ? m->keys_cap : 1024;
        char *p;
        while (cap < m->keys_len + n)
            cap *= 2;
        p = mem_realloc(m->keys, cap);
        if (!p)
            return CS_NOMEM;
        m->keys = p;
        m->keys_cap = cap;
    }
    if (n)
        memcpy(m->keys + m->keys_len, key, n);
    m->keys_len += n;
    return CS_OK;
}

enum csmap_rc strmap_put(struct strmap *m, const void *key, size_t n,
                         int64_t val)
{
    uint64_t h = hash64(key, n, 0);
    struct strmap_slot *s;

    if ((m->used + 1) * 2 > m->cap && grow(m))
        return CS_NOMEM;
    s = find(m, h, key, n);
    if (!s->off) {
        size_t off = m->keys_len;
        if (keep_key(m, key, n))
            return CS_NOMEM;
        s->hash = h;
        s->off = off + 1;
        s->len = n;
        m->used++;
    }
    s->val = val;
    return CS_OK;
}
