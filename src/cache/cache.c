/* The artifact cache: lookups, commits, listing, pruning and statistics. */
#include "csmap/cache.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "csmap/buf.h"
#include "csmap/config.h"
#include "csmap/llm.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/store.h"

#define ENTRY_COLUMNS                                                          \
    "key, artifact, subject, as_of, prompt_name, prompt_version, "             \
    "provider, model, output, checks, input_tokens, output_tokens, cost, "     \
    "latency_ms, created_at"

enum csmap_rc cache_key(const struct llm_request *req, char out[65])
{
    return llm_request_key(req, out);
}

double cache_cost(const struct config *cfg, long input_tokens,
                  long output_tokens)
{
    if (!cfg)
        return 0.0;
    return ((double)input_tokens * cfg->llm.price_input_per_mtok +
            (double)output_tokens * cfg->llm.price_output_per_mtok) /
           1e6;
}

static enum csmap_rc prepare(struct store *st, const char *sql,
                             sqlite3_stmt **stmt)
{
    if (sqlite3_prepare_v2(store_db(st), sql, -1, stmt, NULL) != SQLITE_OK)
        return store_error(st, "cannot read the cache");
    return CS_OK;
}

static enum csmap_rc column_text(sqlite3_stmt *s, int i, char **out)
{
    const unsigned char *t = sqlite3_column_text(s, i);

    *out = NULL;
    if (!t)
        return CS_OK;
    *out = mem_strdup((const char *)t);
    return *out ? CS_OK : CS_NOMEM;
}

void cache_entry_free(struct cache_entry *e)
{
    if (!e)
        return;
    mem_free(e->artifact);
    mem_free(e->subject);
    mem_free(e->prompt_name);
    mem_free(e->prompt_version);
    mem_free(e->provider);
    mem_free(e->model);
    mem_free(e->output);
    mem_free(e->checks);
    mem_free(e);
}

/* The text columns of a row in ENTRY_COLUMNS order into e. */
static enum csmap_rc read_texts(sqlite3_stmt *s, struct cache_entry *e)
{
    char **text[] = {NULL,         &e->artifact,    &e->subject,
                     NULL,         &e->prompt_name, &e->prompt_version,
                     &e->provider, &e->model,       &e->output,
                     &e->checks};
    enum csmap_rc rc;
    int i;

    for (i = 1; i < 10; i++)
        if (text[i] && (rc = column_text(s, i, text[i])))
            return rc;
    return CS_OK;
}

/* A row in ENTRY_COLUMNS order into a new entry. */
static enum csmap_rc read_entry(sqlite3_stmt *s, struct cache_entry **out)
{
    struct cache_entry *e = mem_calloc(1, sizeof(*e));
    const unsigned char *key;
    enum csmap_rc rc;

    *out = NULL;
    if (!e)
        return CS_NOMEM;
    key = sqlite3_column_text(s, 0);
    snprintf(e->key, sizeof(e->key), "%s", key ? (const char *)key : "");
    if ((rc = read_texts(s, e))) {
        cache_entry_free(e);
        return rc;
    }
    e->as_of = sqlite3_column_int(s, 3);
    e->input_tokens = (long)sqlite3_column_int64(s, 10);
    e->output_tokens = (long)sqlite3_column_int64(s, 11);
    e->cost = sqlite3_column_double(s, 12);
    e->latency_ms = (long)sqlite3_column_int64(s, 13);
    e->created_at = sqlite3_column_int64(s, 14);
    *out = e;
    return CS_OK;
}

enum csmap_rc cache_get(struct store *st, const char *key,
                        struct cache_entry **out)
{
    sqlite3_stmt *s = NULL;
    enum csmap_rc rc;
    int step;

    *out = NULL;
    if ((rc = store_stmt(
             st, "SELECT " ENTRY_COLUMNS " FROM cache_entry WHERE key = ?",
             &s)))
        return rc;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        if ((rc = read_entry(s, out)))
            log_error("out of memory");
        else
            log_debug("cache hit %.12s", key);
    } else if (step == SQLITE_DONE) {
        rc = CS_NOTFOUND;
        log_debug("cache miss %.12s", key);
    } else {
        rc = store_error(st, "cannot read the cache");
    }
    sqlite3_reset(s);
    return rc;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

enum csmap_rc cache_put(struct store *st, const struct cache_entry *e)
{
    sqlite3_stmt *s = NULL;
    enum csmap_rc rc;

    if ((rc = store_begin(st)))
        return rc;
    if ((rc = prepare(st,
                      "INSERT OR REPLACE INTO cache_entry (" ENTRY_COLUMNS
                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                      " ?, ?, ?, ?, ?, ?, ?)",
                      &s)))
        goto out;
    bind_text(s, 1, e->key);
    bind_text(s, 2, e->artifact ? e->artifact : "");
    bind_text(s, 3, e->subject ? e->subject : "");
    sqlite3_bind_int(s, 4, e->as_of);
    bind_text(s, 5, e->prompt_name);
    bind_text(s, 6, e->prompt_version);
    bind_text(s, 7, e->provider);
    bind_text(s, 8, e->model);
    bind_text(s, 9, e->output ? e->output : "");
    bind_text(s, 10, e->checks);
    sqlite3_bind_int64(s, 11, e->input_tokens);
    sqlite3_bind_int64(s, 12, e->output_tokens);
    sqlite3_bind_double(s, 13, e->cost);
    sqlite3_bind_int64(s, 14, e->latency_ms);
    sqlite3_bind_int64(s, 15,
                       e->created_at ? e->created_at : (int64_t)time(NULL));
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = store_error(st, "cannot write the cache");
        goto out;
    }
    sqlite3_finalize(s);
    s = NULL;
    rc = store_commit(st);

out:
    sqlite3_finalize(s);
    if (rc)
        store_rollback(st);
    return rc;
}

/* The entry borrows every string: nothing here is freed. */
enum csmap_rc cache_put_answer(struct store *st, const struct config *cfg,
                               const struct llm_done_info *info,
                               const struct llm_response *resp,
                               const char *checks)
{
    struct cache_entry e;

    if (resp->rc != CS_OK || !resp->text)
        return CS_DATA;
    memset(&e, 0, sizeof(e));
    memcpy(e.key, info->key, sizeof(e.key));
    e.artifact = (char *)(uintptr_t)info->artifact;
    e.subject = (char *)(uintptr_t)info->subject;
    e.as_of = info->as_of;
    e.prompt_name = (char *)(uintptr_t)info->prompt_name;
    e.prompt_version = (char *)(uintptr_t)info->prompt_version;
    e.provider = (char *)(uintptr_t)info->provider;
    e.model = (char *)(uintptr_t)info->model;
    e.output = resp->text;
    e.checks = (char *)(uintptr_t)checks;
    e.input_tokens = resp->input_tokens;
    e.output_tokens = resp->output_tokens;
    e.cost = cache_cost(cfg, resp->input_tokens, resp->output_tokens);
    e.latency_ms = resp->latency_ms;
    return cache_put(st, &e);
}

static bool is_hex(const char *s)
{
    for (; *s; s++)
        if (!isxdigit((unsigned char)*s))
            return false;
    return true;
}

enum csmap_rc cache_resolve(struct store *st, const char *prefix, char out[65])
{
    sqlite3_stmt *s = NULL;
    size_t n = strlen(prefix);
    enum csmap_rc rc;
    int found = 0;

    if (n < 4 || n > 64 || !is_hex(prefix)) {
        log_error("'%s' is not a cache key (give at least 4 of its hex "
                  "digits)",
                  prefix);
        return CS_USAGE;
    }
    if ((rc = prepare(st,
                      "SELECT key FROM cache_entry WHERE substr(key, 1,"
                      " ?) = lower(?) LIMIT 2",
                      &s)))
        return rc;
    sqlite3_bind_int(s, 1, (int)n);
    sqlite3_bind_text(s, 2, prefix, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW)
        if (found++ == 0)
            snprintf(out, 65, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    if (found == 0) {
        log_error("no cache entry '%s'", prefix);
        return CS_NOTFOUND;
    }
    if (found > 1) {
        log_error("the cache key prefix '%s' is ambiguous; give more "
                  "digits",
                  prefix);
        return CS_USAGE;
    }
    return CS_OK;
}

enum csmap_rc cache_list(struct store *st, const struct cache_filter *f,
                         enum csmap_rc (*fn)(void *ctx,
                                             const struct cache_entry *e),
                         void *ctx)
{
    sqlite3_stmt *s = NULL;
    enum csmap_rc rc;
    int step;

    if ((rc = prepare(st,
                      "SELECT " ENTRY_COLUMNS " FROM cache_entry"
                      " WHERE (?1 IS NULL OR artifact = ?1)"
                      " AND (?2 IS NULL OR subject = ?2)"
                      " ORDER BY created_at DESC, artifact, subject",
                      &s)))
        return rc;
    bind_text(s, 1, f ? f->artifact : NULL);
    bind_text(s, 2, f ? f->subject : NULL);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct cache_entry *e;

        if ((rc = read_entry(s, &e)))
            break;
        rc = fn(ctx, e);
        cache_entry_free(e);
        if (rc)
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = store_error(st, "cannot read the cache");
    if (rc == CS_NOMEM)
        log_error("out of memory");
    sqlite3_finalize(s);
    return rc;
}

static enum csmap_rc delete_where(struct store *st, const char *sql,
                                  const char *key, int64_t before,
                                  long *changed)
{
    sqlite3_stmt *s = NULL;
    enum csmap_rc rc;

    if ((rc = store_begin(st)))
        return rc;
    if ((rc = prepare(st, sql, &s)))
        goto out;
    if (key)
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(s, 1, before);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = store_error(st, "cannot change the cache");
        goto out;
    }
    *changed = sqlite3_changes(store_db(st));
    sqlite3_finalize(s);
    s = NULL;
    rc = store_commit(st);

out:
    sqlite3_finalize(s);
    if (rc)
        store_rollback(st);
    return rc;
}

enum csmap_rc cache_remove(struct store *st, const char *key)
{
    long n = 0;
    enum csmap_rc rc = delete_where(st,
                                    "DELETE FROM cache_entry WHERE "
                                    "key = ?",
                                    key, 0, &n);

    if (!rc && n == 0)
        rc = CS_NOTFOUND;
    return rc;
}

enum csmap_rc cache_prune(struct store *st, int days, int64_t now,
                          long *removed)
{
    *removed = 0;
    return delete_where(st, "DELETE FROM cache_entry WHERE created_at < ?",
                        NULL, now - (int64_t)days * 86400, removed);
}

enum csmap_rc cache_run_begin(struct store *st, struct cache_run *run)
{
    sqlite3_stmt *s = NULL;
    enum csmap_rc rc;

    memset(run, 0, sizeof(*run));
    if ((rc = prepare(st, "INSERT INTO cache_run (started_at) VALUES (?)", &s)))
        return rc;
    sqlite3_bind_int64(s, 1, (int64_t)time(NULL));
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_error(st, "cannot start a cache run");
    else
        run->id = sqlite3_last_insert_rowid(store_db(st));
    sqlite3_finalize(s);
    return rc;
}

void cache_run_note(struct cache_run *run, bool hit)
{
    if (hit)
        run->hits++;
    else
        run->misses++;
}

enum csmap_rc cache_run_end(struct store *st, struct cache_run *run)
{
    sqlite3_stmt *s = NULL;
    enum csmap_rc rc;

    if ((rc = prepare(st,
                      "UPDATE cache_run SET finished_at = ?, hits = ?,"
                      " misses = ? WHERE id = ?",
                      &s)))
        return rc;
    sqlite3_bind_int64(s, 1, (int64_t)time(NULL));
    sqlite3_bind_int64(s, 2, run->hits);
    sqlite3_bind_int64(s, 3, run->misses);
    sqlite3_bind_int64(s, 4, run->id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_error(st, "cannot finish a cache run");
    sqlite3_finalize(s);
    return rc;
}

static enum csmap_rc groups(struct store *st, const char *by,
                            struct cache_group **out, size_t *n)
{
    struct buf sql = BUF_INIT;
    sqlite3_stmt *s = NULL;
    enum csmap_rc rc;
    size_t cap = 0;

    if ((rc = buf_printf(&sql,
                         "SELECT %s AS g, count(*), sum(input_tokens),"
                         " sum(output_tokens), sum(cost) FROM cache_entry"
                         " GROUP BY g ORDER BY g",
                         by)) ||
        (rc = prepare(st, buf_str(&sql), &s)))
        goto out;
    while (sqlite3_step(s) == SQLITE_ROW) {
        struct cache_group *g;

        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            if (!(g = mem_realloc(*out, cap * sizeof(*g)))) {
                rc = CS_NOMEM;
                goto out;
            }
            *out = g;
        }
        g = &(*out)[*n];
        memset(g, 0, sizeof(*g));
        if ((rc = column_text(s, 0, &g->name)))
            goto out;
        (*n)++;
        g->entries = (long)sqlite3_column_int64(s, 1);
        g->input_tokens = (long)sqlite3_column_int64(s, 2);
        g->output_tokens = (long)sqlite3_column_int64(s, 3);
        g->cost = sqlite3_column_double(s, 4);
    }

out:
    sqlite3_finalize(s);
    buf_release(&sql);
    return rc;
}

static enum csmap_rc last_run(struct store *st, struct cache_stats *out)
{
    sqlite3_stmt *s = NULL;
    enum csmap_rc rc;

    if ((rc = prepare(st,
                      "SELECT id, hits, misses FROM cache_run WHERE"
                      " finished_at IS NOT NULL ORDER BY id DESC"
                      " LIMIT 1",
                      &s)))
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW) {
        out->last_run_id = sqlite3_column_int64(s, 0);
        out->last_hits = (long)sqlite3_column_int64(s, 1);
        out->last_misses = (long)sqlite3_column_int64(s, 2);
    }
    sqlite3_finalize(s);
    if ((rc = prepare(st, "SELECT count(*) FROM cache_entry", &s)))
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        out->entries = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return CS_OK;
}

enum csmap_rc cache_stats(struct store *st, struct cache_stats *out)
{
    enum csmap_rc rc;

    memset(out, 0, sizeof(*out));
    if ((rc = last_run(st, out)) ||
        (rc = groups(st, "artifact", &out->by_artifact, &out->n_by_artifact)) ||
        (rc = groups(st, "strftime('%Y-%m', created_at, 'unixepoch')",
                     &out->by_month, &out->n_by_month)))
        cache_stats_release(out);
    if (rc == CS_NOMEM)
        log_error("out of memory");
    return rc;
}

void cache_stats_release(struct cache_stats *s)
{
    size_t i;

    for (i = 0; i < s->n_by_artifact; i++)
        mem_free(s->by_artifact[i].name);
    for (i = 0; i < s->n_by_month; i++)
        mem_free(s->by_month[i].name);
    mem_free(s->by_artifact);
    mem_free(s->by_month);
    memset(s, 0, sizeof(*s));
}
