/* Shared by the libFuzzer harnesses: quiet set-up and a scratch store. */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/store.h"

#define SEPARATOR "\n---\n"

/* The accounts every ingest starts from: plain ids, a number as an id and
 * Zendesk organizations, matching the seeds made from the fixtures. */
static const char reset_sql[] =
    "BEGIN; DELETE FROM event_day; DELETE FROM event_seen;"
    "DELETE FROM app_user;"
    "DELETE FROM event_name; DELETE FROM ticket; DELETE FROM feedback;"
    "DELETE FROM contract; DELETE FROM contact; DELETE FROM account_ext;"
    "DELETE FROM ingest_log; DELETE FROM account;"
    "INSERT INTO account(id, account_id, name, signup_date) VALUES"
    " (1, 'acme-co', 'Acme Co', 20392),"
    " (2, 'bluefin-logistics', 'Bluefin', 20401),"
    " (3, 'acme', 'Acme', 19727),"
    " (4, '42', 'Answer Co', 19727),"
    " (5, 'a1', 'A1', 19000);"
    "INSERT INTO account_ext(ext, account) VALUES"
    " ('zendesk:3601000', 1), ('zendesk:3601007', 2),"
    " ('zendesk:3601', 3), ('hubspot:88', 3); COMMIT;";

static struct store *store;
static char dir[64];
static char db_path[96];

void fuzz_init(void)
{
    mem_init();
    log_set_level(LOG_QUIET);
}

char *fuzz_strndup(const uint8_t *data, size_t n)
{
    char *s = mem_strndup((const char *)data, n);

    if (!s)
        abort();
    return s;
}

void fuzz_split(const uint8_t *data, size_t n, const uint8_t **a, size_t *a_len,
                const uint8_t **b, size_t *b_len)
{
    size_t sep = sizeof(SEPARATOR) - 1;
    const uint8_t *p = n >= sep ? memmem(data, n, SEPARATOR, sep) : NULL;

    *a = data;
    if (!p) {
        *a_len = n;
        *b = data + n;
        *b_len = 0;
        return;
    }
    *a_len = (size_t)(p - data);
    *b = p + sep;
    *b_len = n - *a_len - sep;
}

static void remove_store(void)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char path[128];

    store_close(store);
    for (size_t i = 0; i < sizeof(suffix) / sizeof(*suffix); i++) {
        snprintf(path, sizeof(path), "%s%s", db_path, suffix[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void open_store(void)
{
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

    snprintf(dir, sizeof(dir), "%s/csmap-fuzz-XXXXXX", tmp);
    if (!mkdtemp(dir))
        abort();
    snprintf(db_path, sizeof(db_path), "%s/csmap.db", dir);
    if (store_open(db_path, true, &store))
        abort();
    atexit(remove_store);
}

void fuzz_ingest(const struct ingest_options *opt, const uint8_t *data,
                 size_t n)
{
    char path[64];
    int fd;

    if (!store)
        open_store();
    if (store_exec(store, reset_sql))
        abort();

    /* The reader takes a path: give it a file that lives in memory. */
    fd = memfd_create("fuzz-input", 0);
    if (fd < 0 || (n && write(fd, data, n) != (ssize_t)n))
        abort();
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    ingest_file(store, opt, path, NULL);
    close(fd);
}
