/* Drives N artifact requests through the LLM layer and the cache, for
 * bench/llm.sh: llm_driver PORT JOBS N DB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "csmap/cache.h"
#include "csmap/config.h"
#include "csmap/llm.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/store.h"

struct tally {
    struct store *st;
    const struct config *cfg;
    long done, failed;
};

static void on_done(void *ctx, const struct llm_done_info *info,
                    struct llm_response *resp)
{
    struct tally *t = ctx;

    if (resp->rc || cache_put_answer(t->st, t->cfg, info, resp, NULL))
        t->failed++;
    t->done++;
}

/* CPU seconds this process has used, user and system. */
static double cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static const char fmt[] =
        "{\"llm\": {\"provider\": \"openai\", \"base_url\": "
        "\"http://127.0.0.1:%s/v1\", \"model\": \"bench\", \"jobs\": %s, "
        "\"max_retries\": 2}}";
    char json[512], subject[32], user[128];
    struct llm_message msgs[2] = {{"system", "You are terse."}, {"user", user}};
    struct config *cfg = NULL;
    struct llm_client *c = NULL;
    struct tally t = {0};
    struct cache_run run;
    long n, i;
    double t0, c0, secs, cpu;

    if (argc != 5) {
        fprintf(stderr, "usage: llm_driver PORT JOBS N DB\n");
        return 2;
    }
    mem_init();
    n = atol(argv[3]);
    snprintf(json, sizeof(json), fmt, argv[1], argv[2]);
    if (config_parse("bench.json", json, strlen(json), &cfg) ||
        store_open(argv[4], true, &t.st) || llm_client_new(cfg, NULL, &c) ||
        cache_run_begin(t.st, &run))
        return 1;
    t.cfg = cfg;
    t0 = now_s();
    c0 = cpu_s();
    for (i = 0; i < n; i++) {
        struct llm_request req;
        struct cache_entry *hit = NULL;
        char key[65];

        snprintf(subject, sizeof(subject), "A%ld", i);
        snprintf(user, sizeof(user), "Write the health brief of %s.", subject);
        llm_request_init(&req, c);
        req.messages = msgs;
        req.n_messages = 2;
        req.artifact = "health-brief";
        req.scope = "account";
        req.subject = subject;
        if (llm_request_key(&req, key))
            return 1;
        if (cache_get(t.st, key, &hit) == CS_OK) {
            cache_run_note(&run, true);
            cache_entry_free(hit);
            continue;
        }
        cache_run_note(&run, false);
        if (llm_submit(c, &req, on_done, &t))
            return 1;
    }
    llm_run(c);
    secs = now_s() - t0;
    cpu = cpu_s() - c0;
    printf("jobs %s: %ld requests, %ld hits, %ld sent, %ld failed, "
           "%.3f s, client CPU %.3f s (%.3f ms a request)\n",
           argv[2], n, run.hits, t.done, t.failed, secs, cpu,
           n ? 1000.0 * cpu / (double)n : 0.0);
    cache_run_end(t.st, &run);
    llm_client_free(c);
    store_close(t.st);
    config_free(cfg);
    return t.failed ? 1 : 0;
}
