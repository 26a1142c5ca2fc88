/* Hashing: a fast 64-bit hash for keys and SHA-256 for cache keys. */
#ifndef CSMAP_HASH_H
#define CSMAP_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "csmap/rc.h"

/* A well-mixed 64-bit hash of n bytes, continuing from seed. */
uint64_t hash64(const void *p, size_t n, uint64_t seed);

/* SHA-256 of n bytes as 64 lower-case hex digits and a NUL. */
enum csmap_rc hash_sha256_hex(const void *p, size_t n, char out[65]);

#endif
