/* Shared by the libFuzzer harnesses: quiet set-up and a scratch store. */
#ifndef CSMAP_FUZZ_COMMON_H
#define CSMAP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "csmap/ingest.h"

/* Route allocations through mem_*, and keep warnings and notes quiet
 * (errors still print unless libFuzzer closes stderr). */
void fuzz_init(void);

/*
 * Ingest n bytes of data as one file with opt, into a store that holds
 * only a few known accounts (the same ones before every call, so a run
 * does not depend on the inputs before it).  The store lives in a
 * temporary folder made on the first call and removed at exit.
 */
void fuzz_ingest(const struct ingest_options *opt, const uint8_t *data,
                 size_t n);

/* A NUL-terminated copy of n bytes of data (mem_alloc; the caller frees);
 * aborts when memory runs out, which is not what is being tested. */
char *fuzz_strndup(const uint8_t *data, size_t n);

/*
 * Split data at the first occurrence of the separator line "\n---\n":
 * *a gets what comes before it, *b what comes after (both pointing into
 * data).  With no separator, all of data goes to *a and *b is empty.
 */
void fuzz_split(const uint8_t *data, size_t n, const uint8_t **a, size_t *a_len,
                const uint8_t **b, size_t *b_len);

#endif
