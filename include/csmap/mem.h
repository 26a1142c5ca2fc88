/* Allocation wrappers, with a test switch that fails the Nth allocation. */
#ifndef CSMAP_MEM_H
#define CSMAP_MEM_H

#include <stddef.h>

/*
 * All csmap allocations go through these so that a test build can make
 * the Nth one fail (CSMAP_FAIL_ALLOC=N in the environment, honoured only
 * when built with -DCSMAP_ALLOC_FAULTS).  They return NULL on failure and
 * never abort.  mem_free(NULL) is a no-op.
 */
void *mem_alloc(size_t size);
void *mem_calloc(size_t n, size_t size);
void *mem_realloc(void *p, size_t size);
char *mem_strdup(const char *s);
char *mem_strndup(const char *s, size_t n);
void mem_free(void *p);

/* Nonzero once any allocation has failed (main then reports it when the
 * command itself said nothing). */
int mem_failed(void);

/* Route cJSON's allocations through these wrappers; call once at start. */
void mem_init(void);

#endif
