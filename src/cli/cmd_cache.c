/* csmap cache: list, show, remove, prune and summarise cached artifacts. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csmap/cache.h"
#include "csmap/cli.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/store.h"
#include "sig_cli.h"

static void format_time(int64_t t, char out[20])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || !strftime(out, 20, "%Y-%m-%d %H:%M", &tm))
        snprintf(out, 20, "%lld", (long long)t);
}

static void format_day(int32_t day, char out[11])
{
    if (day)
        date_format(day, out);
    else
        snprintf(out, 11, "-");
}

enum out_format { OUT_TABLE, OUT_JSON, OUT_CSV };

struct ls_ctx {
    enum out_format fmt;
    cJSON *arr;
    long n;
    int w_artifact, w_subject; /* table column widths */
    bool measuring;            /* the first pass over the rows */
};

static cJSON *entry_json(const struct cache_entry *e, bool with_output)
{
    cJSON *o = cJSON_CreateObject();
    char day[11], created[20];

    if (!o)
        return NULL;
    format_day(e->as_of, day);
    format_time(e->created_at, created);
    cJSON_AddStringToObject(o, "key", e->key);
    cJSON_AddStringToObject(o, "artifact", e->artifact);
    cJSON_AddStringToObject(o, "subject", e->subject);
    cJSON_AddStringToObject(o, "as_of", day);
    cJSON_AddStringToObject(o, "prompt", e->prompt_name ? e->prompt_name : "");
    cJSON_AddStringToObject(o, "prompt_version",
                            e->prompt_version ? e->prompt_version : "");
    cJSON_AddStringToObject(o, "provider", e->provider ? e->provider : "");
    cJSON_AddStringToObject(o, "model", e->model ? e->model : "");
    cJSON_AddNumberToObject(o, "input_tokens", (double)e->input_tokens);
    cJSON_AddNumberToObject(o, "output_tokens", (double)e->output_tokens);
    cJSON_AddNumberToObject(o, "cost", e->cost);
    cJSON_AddNumberToObject(o, "latency_ms", (double)e->latency_ms);
    cJSON_AddStringToObject(o, "created_at", created);
    if (with_output) {
        cJSON *checks = e->checks ? cJSON_Parse(e->checks) : NULL;

        cJSON_AddStringToObject(o, "output", e->output);
        if (checks)
            cJSON_AddItemToObject(o, "checks", checks);
    }
    return o;
}

static int max_int(int a, size_t b)
{
    return (size_t)a > b ? a : (int)b;
}

static enum csmap_rc ls_row(void *ctx, const struct cache_entry *e)
{
    struct ls_ctx *c = ctx;
    char day[11], created[20];

    if (c->measuring) {
        c->w_artifact = max_int(c->w_artifact, strlen(e->artifact));
        c->w_subject = max_int(c->w_subject, strlen(e->subject));
        return CS_OK;
    }
    c->n++;
    if (c->fmt != OUT_TABLE) {
        cJSON *o = entry_json(e, false);

        if (!o || !cJSON_AddItemToArray(c->arr, o)) {
            cJSON_Delete(o);
            return CS_NOMEM;
        }
        return CS_OK;
    }
    if (c->n == 1)
        printf("%-12s  %-*s  %-*s  %-10s  %8s  %9s  %s\n", "KEY", c->w_artifact,
               "ARTIFACT", c->w_subject, "SUBJECT", "AS-OF", "TOKENS", "COST",
               "CREATED");
    format_day(e->as_of, day);
    format_time(e->created_at, created);
    printf("%-12.12s  %-*s  %-*s  %-10s  %8ld  %9.4f  %s\n", e->key,
           c->w_artifact, e->artifact, c->w_subject, e->subject, day,
           e->input_tokens + e->output_tokens, e->cost, created);
    return CS_OK;
}

static enum csmap_rc print_json(cJSON *root)
{
    char *text = root ? cJSON_Print(root) : NULL;

    if (!text) {
        log_error("out of memory");
        return CS_NOMEM;
    }
    printf("%s\n", text);
    cJSON_free(text);
    return CS_OK;
}

static enum csmap_rc parse_format(const char *v, enum out_format *fmt)
{
    if (!strcmp(v, "json"))
        *fmt = OUT_JSON;
    else if (!strcmp(v, "table"))
        *fmt = OUT_TABLE;
    else if (!strcmp(v, "csv"))
        *fmt = OUT_CSV;
    else
        return cli_usage_error("cache",
                               "unknown format '%s' (expected "
                               "table, json or csv)",
                               v);
    return CS_OK;
}

/* --format and -o, the options of a command that prints a table. */
static enum csmap_rc output_option(int argc, char **argv, int *i,
                                   enum out_format *fmt, const char **out)
{
    if (*i + 1 >= argc)
        return CS_NOTFOUND;
    if (!strcmp(argv[*i], "--format"))
        return parse_format(argv[++*i], fmt);
    if (!strcmp(argv[*i], "-o")) {
        *out = argv[++*i];
        return CS_OK;
    }
    return CS_NOTFOUND;
}

static enum csmap_rc redirect(const char *out)
{
    struct sig_cli_opts o;

    memset(&o, 0, sizeof(o));
    o.output = out;
    return sig_cli_redirect(&o);
}

static enum csmap_rc cache_ls(struct store *st, int argc, char **argv)
{
    struct cache_filter f = {NULL, NULL};
    struct ls_ctx c = {OUT_TABLE, NULL, 0, 8, 7, true};
    const char *out = NULL;
    enum csmap_rc rc;
    int i;

    for (i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--artifact"))
            f.artifact = argv[++i];
        else if (i + 1 < argc && (!strcmp(argv[i], "--account") ||
                                  !strcmp(argv[i], "--segment")))
            f.subject = argv[++i];
        else if ((rc = output_option(argc, argv, &i, &c.fmt, &out)) !=
                 CS_NOTFOUND) {
            if (rc)
                return rc;
        } else
            return cli_usage_error("cache", "unexpected '%s'", argv[i]);
    }
    if (c.fmt != OUT_TABLE && !(c.arr = cJSON_CreateArray()))
        return CS_NOMEM;
    if (c.fmt != OUT_TABLE || !(rc = cache_list(st, &f, ls_row, &c))) {
        c.measuring = false;
        rc = redirect(out);
    }
    if (!rc)
        rc = cache_list(st, &f, ls_row, &c);
    if (!rc && c.fmt == OUT_JSON)
        rc = print_json(c.arr);
    else if (!rc && c.fmt == OUT_CSV)
        rc = sig_cli_print_csv(c.arr);
    else if (!rc && c.n == 0)
        log_note("the cache is empty%s",
                 f.artifact || f.subject ? " for this filter" : "");
    cJSON_Delete(c.arr);
    return rc;
}

static void show_text(const struct cache_entry *e)
{
    char day[11], created[20];

    format_day(e->as_of, day);
    format_time(e->created_at, created);
    printf("key:       %s\n", e->key);
    printf("artifact:  %s\n", e->artifact);
    printf("subject:   %s\n", e->subject);
    printf("as-of:     %s\n", day);
    printf("prompt:    %s %s\n", e->prompt_name ? e->prompt_name : "-",
           e->prompt_version ? e->prompt_version : "");
    printf("model:     %s %s\n", e->provider ? e->provider : "-",
           e->model ? e->model : "");
    printf("tokens:    %ld in, %ld out\n", e->input_tokens, e->output_tokens);
    printf("cost:      %.4f\n", e->cost);
    printf("latency:   %ld ms\n", e->latency_ms);
    printf("created:   %s UTC\n", created);
    if (e->checks)
        printf("checks:    %s\n", e->checks);
    printf("\n%s", e->output);
    if (!*e->output || e->output[strlen(e->output) - 1] != '\n')
        printf("\n");
}

static enum csmap_rc cache_show(struct store *st, int argc, char **argv)
{
    struct cache_entry *e = NULL;
    enum out_format fmt = OUT_TABLE;
    char key[65];
    enum csmap_rc rc;

    if (argc == 4 && !strcmp(argv[2], "--format")) {
        if ((rc = parse_format(argv[3], &fmt)))
            return rc;
        if (fmt == OUT_CSV)
            return cli_usage_error("cache", "show prints text or json");
    } else if (argc != 2) {
        return cli_usage_error("cache", "show takes one KEY");
    }
    if ((rc = cache_resolve(st, argv[1], key)) || (rc = cache_get(st, key, &e)))
        return rc;
    if (fmt == OUT_JSON) {
        cJSON *o = entry_json(e, true);

        rc = print_json(o);
        cJSON_Delete(o);
    } else {
        show_text(e);
    }
    cache_entry_free(e);
    return rc;
}

static enum csmap_rc cache_rm(struct store *st, int argc, char **argv)
{
    char key[65];
    enum csmap_rc rc = CS_OK, one;
    int i;

    if (argc < 2)
        return cli_usage_error("cache", "rm takes at least one KEY");
    for (i = 1; i < argc; i++) {
        if ((one = cache_resolve(st, argv[i], key)) ||
            (one = cache_remove(st, key))) {
            if (!rc)
                rc = one;
            continue;
        }
        log_note("removed %.12s", key);
    }
    return rc;
}

static enum csmap_rc cache_prune_cmd(struct store *st, int argc, char **argv)
{
    long days, removed = 0;
    char *end;
    enum csmap_rc rc;

    if (argc != 3 || strcmp(argv[1], "--older-than"))
        return cli_usage_error("cache", "prune needs --older-than DAYS");
    errno = 0;
    days = strtol(argv[2], &end, 10);
    if (errno || end == argv[2] || *end || days < 0 || days > 100000)
        return cli_usage_error("cache",
                               "--older-than: '%s' is not a "
                               "number of days",
                               argv[2]);
    if ((rc = cache_prune(st, (int)days, (int64_t)time(NULL), &removed)))
        return rc;
    log_note("removed %ld %s older than %ld days", removed,
             removed == 1 ? "entry" : "entries", days);
    return CS_OK;
}

static void print_groups(const char *title, const struct cache_group *g,
                         size_t n)
{
    size_t i;

    printf("\n%-22s  %7s  %10s  %10s  %10s\n", title, "ENTRIES", "INPUT",
           "OUTPUT", "COST");
    for (i = 0; i < n; i++)
        printf("%-22s  %7ld  %10ld  %10ld  %10.4f\n",
               g[i].name ? g[i].name : "-", g[i].entries, g[i].input_tokens,
               g[i].output_tokens, g[i].cost);
}

static cJSON *groups_json(const struct cache_group *g, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; arr && i < n; i++) {
        cJSON *o = cJSON_CreateObject();

        if (!o || !cJSON_AddItemToArray(arr, o))
            break;
        cJSON_AddStringToObject(o, "name", g[i].name ? g[i].name : "");
        cJSON_AddNumberToObject(o, "entries", (double)g[i].entries);
        cJSON_AddNumberToObject(o, "input_tokens", (double)g[i].input_tokens);
        cJSON_AddNumberToObject(o, "output_tokens", (double)g[i].output_tokens);
        cJSON_AddNumberToObject(o, "cost", g[i].cost);
    }
    return arr;
}

static enum csmap_rc stats_json(const struct cache_stats *s)
{
    cJSON *o = cJSON_CreateObject();
    long looked = s->last_hits + s->last_misses;
    enum csmap_rc rc;

    if (o) {
        cJSON_AddNumberToObject(o, "entries", (double)s->entries);
        cJSON_AddNumberToObject(o, "last_run_hits", (double)s->last_hits);
        cJSON_AddNumberToObject(o, "last_run_misses", (double)s->last_misses);
        if (looked)
            cJSON_AddNumberToObject(o, "last_run_hit_rate",
                                    (double)s->last_hits / (double)looked);
        else
            cJSON_AddNullToObject(o, "last_run_hit_rate");
        cJSON_AddItemToObject(o, "by_artifact",
                              groups_json(s->by_artifact, s->n_by_artifact));
        cJSON_AddItemToObject(o, "by_month",
                              groups_json(s->by_month, s->n_by_month));
    }
    rc = print_json(o);
    cJSON_Delete(o);
    return rc;
}

/* The groups as one CSV table: group, name and the sums. */
static enum csmap_rc stats_csv(const struct cache_stats *s)
{
    cJSON *rows = cJSON_CreateArray();
    cJSON *parts[2] = {groups_json(s->by_artifact, s->n_by_artifact),
                       groups_json(s->by_month, s->n_by_month)};
    static const char *const names[2] = {"artifact", "month"};
    enum csmap_rc rc = CS_NOMEM;

    for (int k = 0; k < 2 && rows && parts[k]; k++) {
        cJSON *g;

        while ((g = cJSON_DetachItemFromArray(parts[k], 0))) {
            cJSON *row = cJSON_CreateObject();
            cJSON *m;

            if (!row || !cJSON_AddItemToArray(rows, row) ||
                !cJSON_AddStringToObject(row, "group", names[k])) {
                cJSON_Delete(g);
                goto out;
            }
            while ((m = g->child)) {
                cJSON_DetachItemViaPointer(g, m);
                cJSON_AddItemToObject(row, m->string, m);
            }
            cJSON_Delete(g);
        }
    }
    if (rows && parts[0] && parts[1])
        rc = sig_cli_print_csv(rows);
out:
    if (rc == CS_NOMEM)
        log_error("out of memory");
    cJSON_Delete(parts[0]);
    cJSON_Delete(parts[1]);
    cJSON_Delete(rows);
    return rc;
}

static enum csmap_rc cache_stats_cmd(struct store *st, int argc, char **argv)
{
    struct cache_stats s;
    enum out_format fmt = OUT_TABLE;
    const char *out = NULL;
    long looked;
    enum csmap_rc rc;

    for (int i = 1; i < argc; i++) {
        if ((rc = output_option(argc, argv, &i, &fmt, &out)) == CS_NOTFOUND)
            return cli_usage_error("cache", "unexpected '%s'", argv[i]);
        if (rc)
            return rc;
    }
    if ((rc = cache_stats(st, &s)))
        return rc;
    if ((rc = redirect(out))) {
        cache_stats_release(&s);
        return rc;
    }
    looked = s.last_hits + s.last_misses;
    if (fmt == OUT_JSON) {
        rc = stats_json(&s);
    } else if (fmt == OUT_CSV) {
        rc = stats_csv(&s);
    } else {
        printf("entries: %ld\n", s.entries);
        if (looked)
            printf("last run: %ld hits, %ld misses, hit rate %.0f%%\n",
                   s.last_hits, s.last_misses,
                   100.0 * (double)s.last_hits / (double)looked);
        else
            printf("last run: none\n");
        print_groups("ARTIFACT", s.by_artifact, s.n_by_artifact);
        print_groups("MONTH", s.by_month, s.n_by_month);
    }
    cache_stats_release(&s);
    return rc;
}

int cmd_cache(struct cli *cli, int argc, char **argv)
{
    static const struct {
        const char *name;
        enum csmap_rc (*run)(struct store *, int, char **);
    } subs[] = {
        {"ls", cache_ls},           {"show", cache_show},
        {"rm", cache_rm},           {"prune", cache_prune_cmd},
        {"stats", cache_stats_cmd},
    };
    struct store *st = NULL;
    enum csmap_rc rc = CS_OK;
    size_t i;

    if (argc < 2)
        return rc_exit_code(cli_usage_error(
            "cache", "name a subcommand: ls, show, rm, prune or stats"));
    for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (!strcmp(argv[1], subs[i].name))
            break;
    if (i == sizeof(subs) / sizeof(subs[0]))
        return rc_exit_code(
            cli_usage_error("cache", "unknown subcommand '%s'", argv[1]));
    if (!(rc = cli_open_store(cli, false, &st)))
        rc = subs[i].run(st, argc - 1, argv + 1);
    store_close(st);
    if (!rc && fflush(stdout) != 0) {
        log_error("cannot write the output: %s", strerror(errno));
        rc = CS_IO;
    }
    return rc_exit_code(rc);
}
