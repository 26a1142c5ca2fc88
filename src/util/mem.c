/* Allocation wrappers; a test build can make the Nth allocation fail. */
#include "csmap/mem.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#ifdef CSMAP_ALLOC_FAULTS
#include <sqlite3.h>
#include <stdio.h>
#endif

#ifdef CSMAP_ALLOC_FAULTS
static long fail_at = -1;
static long calls;

/* With CSMAP_ALLOC_REPORT set, say at exit how many allocations ran, so a
 * test knows how far to walk CSMAP_FAIL_ALLOC. */
static void report_calls(void)
{
    fprintf(stderr, "csmap-alloc: %ld allocations\n", calls);
}

#ifdef __SANITIZE_ADDRESS__
void __sanitizer_print_stack_trace(void);

/* With CSMAP_ALLOC_TRACE set, print where the failing allocation is. */
static void show_where(void)
{
    if (getenv("CSMAP_ALLOC_TRACE"))
        __sanitizer_print_stack_trace();
}
#else
static void show_where(void)
{
}
#endif

static int should_fail(void)
{
    if (fail_at < 0) {
        const char *s = getenv("CSMAP_FAIL_ALLOC");
        fail_at = s ? atol(s) : 0;
        if (getenv("CSMAP_ALLOC_REPORT"))
            atexit(report_calls);
    }
    ++calls;
    if (fail_at > 0 && calls == fail_at) {
        show_where();
        return 1;
    }
    return 0;
}
#else
static int should_fail(void)
{
    return 0;
}
#endif

static int failed;

/* Note a failure, so main can say "out of memory" when nothing else did. */
static void *noted(void *p)
{
    if (!p)
        failed = 1;
    return p;
}

int mem_failed(void)
{
    return failed;
}

void *mem_alloc(size_t size)
{
    if (should_fail())
        return noted(NULL);
    return noted(malloc(size ? size : 1));
}

void *mem_calloc(size_t n, size_t size)
{
    if (should_fail())
        return noted(NULL);
    return noted(calloc(n ? n : 1, size ? size : 1));
}

void *mem_realloc(void *p, size_t size)
{
    if (should_fail())
        return noted(NULL);
    return noted(realloc(p, size ? size : 1));
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

#ifdef CSMAP_ALLOC_FAULTS
/* SQLite's allocator on top of the counted wrappers, so the Nth failure
 * can also land inside SQLite.  Each block keeps its size in a 16-byte
 * header (SQLite asks for 8-byte alignment). */
#define SQL_HDR 16

static void *sql_malloc(int n)
{
    unsigned char *p = n > 0 ? mem_alloc((size_t)n + SQL_HDR) : NULL;

    if (!p)
        return NULL;
    memcpy(p, &n, sizeof(n));
    return p + SQL_HDR;
}

static void sql_free(void *p)
{
    if (p)
        free((unsigned char *)p - SQL_HDR);
}

static int sql_size(void *p)
{
    int n = 0;

    if (p)
        memcpy(&n, (unsigned char *)p - SQL_HDR, sizeof(n));
    return n;
}

static void *sql_realloc(void *p, int n)
{
    unsigned char *q;

    if (!p)
        return sql_malloc(n);
    if (n <= 0)
        return NULL;
    q = mem_realloc((unsigned char *)p - SQL_HDR, (size_t)n + SQL_HDR);
    if (!q)
        return NULL;
    memcpy(q, &n, sizeof(n));
    return q + SQL_HDR;
}

static int sql_roundup(int n)
{
    return (n + 7) & ~7;
}

static int sql_init(void *unused)
{
    (void)unused;
    return SQLITE_OK;
}

static void sql_shutdown(void *unused)
{
    (void)unused;
}

static void route_sqlite(void)
{
    static const sqlite3_mem_methods methods = {
        sql_malloc,  sql_free, sql_realloc,  sql_size,
        sql_roundup, sql_init, sql_shutdown, NULL};

    sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
}
#else
static void route_sqlite(void)
{
}
#endif

void mem_init(void)
{
    cJSON_Hooks hooks = {mem_alloc, mem_free};

    cJSON_InitHooks(&hooks);
    route_sqlite();
}
