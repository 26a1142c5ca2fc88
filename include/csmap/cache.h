/* The artifact cache: generated answers kept in the store (DESIGN 8). */
#ifndef CSMAP_CACHE_H
#define CSMAP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmap/rc.h"

struct config;
struct llm_done_info;
struct llm_request;
struct llm_response;
struct store;

/*
 * Tables (schema version 2, in the store's SQLite file):
 *
 *   cache_entry(key PRIMARY KEY, artifact, subject, as_of, prompt_name,
 *               prompt_version, provider, model, output, checks,
 *               input_tokens, output_tokens, cost, latency_ms, created_at)
 *       one row per request key; a refresh replaces the row, and a
 *       request with another key (new data, prompt or model) adds a row,
 *       so older answers for a subject stay as history
 *   cache_run(id, started_at, finished_at, hits, misses)
 *       one row per generating run, for the hit rate in 'cache stats'
 */

/* One cached answer.  Strings are owned by the entry. */
struct cache_entry {
    char key[65];
    char *artifact;
    char *subject;
    int32_t as_of; /* day number */
    char *prompt_name;
    char *prompt_version;
    char *provider;
    char *model;
    char *output;
    char *checks; /* JSON text from the prompt layer's checks, or NULL */
    long input_tokens;
    long output_tokens;
    double cost;
    long latency_ms;
    int64_t created_at; /* epoch seconds */
};

/* The cache key of a request: llm_request_key() (see llm.h). */
enum csmap_rc cache_key(const struct llm_request *req, char out[65]);

/* The cost of a request at the configured prices per million tokens. */
double cache_cost(const struct config *cfg, long input_tokens,
                  long output_tokens);

/*
 * Look key up.  CS_OK and *out (free with cache_entry_free()) on a hit,
 * CS_NOTFOUND and *out NULL on a miss, CS_STORE on a store failure
 * (reported).  Logs a debug line for the hit or the miss.
 */
enum csmap_rc cache_get(struct store *st, const char *key,
                        struct cache_entry **out);

/*
 * Insert e, or replace the entry with the same key (a refresh), in its
 * own transaction, committed before returning.  A zero created_at means
 * now.
 */
enum csmap_rc cache_put(struct store *st, const struct cache_entry *e);

/*
 * Commit a finished answer as it arrives from llm_run(): the entry is made
 * from info and resp, its cost from cfg's prices, checks is the prompt
 * layer's JSON (or NULL).  A failed response is never cached: it returns
 * CS_DATA without writing.
 */
enum csmap_rc cache_put_answer(struct store *st, const struct config *cfg,
                               const struct llm_done_info *info,
                               const struct llm_response *resp,
                               const char *checks);

/*
 * The full key of the one entry whose key starts with prefix (at least 4
 * hex digits).  CS_NOTFOUND when none does, CS_USAGE when several do;
 * both reported.
 */
enum csmap_rc cache_resolve(struct store *st, const char *prefix, char out[65]);

/* Filters for cache_list(); NULL matches everything. */
struct cache_filter {
    const char *artifact;
    const char *subject;
};

/*
 * Call fn for every entry matching f, newest first.  The entry is valid
 * during the call only; fn returns CS_OK to go on.
 */
enum csmap_rc cache_list(struct store *st, const struct cache_filter *f,
                         enum csmap_rc (*fn)(void *ctx,
                                             const struct cache_entry *e),
                         void *ctx);

/* Remove the entry with key; CS_NOTFOUND (not reported) when absent. */
enum csmap_rc cache_remove(struct store *st, const char *key);

/* Remove entries created more than days days before now; *removed. */
enum csmap_rc cache_prune(struct store *st, int days, int64_t now,
                          long *removed);

/* A run's hits and misses, kept in cache_run. */
struct cache_run {
    int64_t id;
    long hits;
    long misses;
};

/* Start a run (a row in cache_run); count each lookup with
 * cache_run_note(); cache_run_end() stores the counts. */
enum csmap_rc cache_run_begin(struct store *st, struct cache_run *run);
void cache_run_note(struct cache_run *run, bool hit);
enum csmap_rc cache_run_end(struct store *st, struct cache_run *run);

/* Tokens and cost of a group of entries (an artifact or a month). */
struct cache_group {
    char *name;
    long entries;
    long input_tokens;
    long output_tokens;
    double cost;
};

struct cache_stats {
    long entries;
    int64_t last_run_id; /* 0 when no run finished */
    long last_hits;
    long last_misses;
    struct cache_group *by_artifact;
    size_t n_by_artifact;
    struct cache_group *by_month; /* "YYYY-MM" of created_at */
    size_t n_by_month;
};

/* Fill *out; release it with cache_stats_release(). */
enum csmap_rc cache_stats(struct store *st, struct cache_stats *out);
void cache_stats_release(struct cache_stats *s);

void cache_entry_free(struct cache_entry *e);

#endif
