/* Allocation wrappers; a test build can make the Nth allocation fail. */
#include "csmap/mem.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#ifdef CSMAP_ALLOC_FAULTS
static long fail_at = -1;
static long calls;

static int should_fail(void)
{
    if (fail_at < 0) {
        const char *s = getenv("CSMAP_FAIL_ALLOC");
        fail_at = s ? atol(s) : 0;
    }
    return fail_at > 0 && ++calls == fail_at;
}
#else
static int should_fail(void)
{
    return 0;
}
#endif

void *mem_alloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *mem_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *mem_realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(p, size ? size : 1);
}

char *mem_strndup(const char *s, size_t n)
{
    char *copy = mem_alloc(n + 1);

    if (!copy)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *mem_strdup(const char *s)
{
    return s ? mem_strndup(s, strlen(s)) : NULL;
}

void mem_free(void *p)
{
    free(p);
}

void mem_init(void)
{
    cJSON_Hooks hooks = {mem_alloc, mem_free};

    cJSON_InitHooks(&hooks);
}
