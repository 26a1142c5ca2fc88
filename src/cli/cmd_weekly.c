/* csmap weekly: the Monday job.  Signals, alerts, every scheduled
 * artifact that is not cached yet, then the map and an index. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmap/buf.h"
#include "csmap/cli.h"
#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/pipeline.h"
#include "csmap/prompt.h"
#include "csmap/report.h"
#include "csmap/schedule.h"
#include "csmap/signals.h"
#include "csmap/store.h"

struct weekly_args {
    int32_t as_of;
    const char *out_dir;
    struct gen_options gen;
};

static enum csmap_rc parse_args(int argc, char **argv, struct weekly_args *a)
{
    static const struct option opts[] = {
        {"as-of", required_argument, NULL, 'd'},
        {"output", required_argument, NULL, 'o'},
        GEN_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    enum csmap_rc rc = CS_OK;
    int c;

    optind = 1;
    opterr = 0;
    a->as_of = date_today();
    a->out_dir = "out";
    a->gen.llm = (struct llm_options)LLM_OPTIONS_INIT;
    while ((c = getopt_long(argc, argv, "o:j:", opts, NULL)) != -1 && !rc) {
        switch (c) {
        case 'd':
            rc = cli_parse_as_of(optarg, &a->as_of);
            break;
        case 'o':
            a->out_dir = optarg;
            break;
        default:
            rc = gen_option("weekly", c, optarg, &a->gen);
            if (rc == CS_NOTFOUND)
                return cli_usage_error("weekly",
                                       "unknown or incomplete option '%s'",
                                       argv[optind - 1]);
            break;
        }
    }
    if (!rc && optind != argc)
        rc =
            cli_usage_error("weekly", "unexpected argument '%s'", argv[optind]);
    return rc;
}

static const char *status_word(const struct gen_result *r)
{
    switch (r->status) {
    case GEN_GENERATED:
        return "generated";
    case GEN_CACHED:
        return "from cache";
    case GEN_DRY_RUN:
        return "dry run";
    default:
        return "FAILED";
    }
}

/* The index of this week's artifacts, as Markdown. */
static enum csmap_rc write_index(const struct weekly_args *a,
                                 const struct gen_result *res, size_t n,
                                 struct buf *b)
{
    char as_of[11];
    enum csmap_rc rc;

    date_format(a->as_of, as_of);
    if ((rc = buf_printf(b,
                         "# Artifacts for the week of %s\n\n"
                         "The map: [map.html](map.html) or [map.md](map.md)."
                         "\n\n"
                         "| artifact | for | status | checks | file |\n"
                         "| --- | --- | --- | --- | --- |\n",
                         as_of)))
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        const struct gen_result *r = &res[i];
        char checks[80] = "ok", file[1100] = "-";

        if (r->status == GEN_FAILED)
            snprintf(checks, sizeof(checks), "-");
        else if (r->json_invalid)
            snprintf(checks, sizeof(checks), "invalid JSON");
        else if (r->keys_missing)
            snprintf(checks, sizeof(checks), "%d ungrounded, %d keys missing",
                     r->ungrounded, r->keys_missing);
        else if (r->ungrounded || r->sections_missing)
            snprintf(checks, sizeof(checks),
                     "%d ungrounded, %d sections missing", r->ungrounded,
                     r->sections_missing);
        if (r->path)
            snprintf(file, sizeof(file), "[%s](%s)", r->path, r->path);
        rc = buf_printf(b, "| %s | %s %s | %s | %s | %s |\n", r->artifact,
                        r->segment ? "segment" : "account", r->subject,
                        status_word(r), checks, file);
    }
    return rc;
}

static enum csmap_rc write_file(const char *dir, const char *name,
                                const struct buf *b)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f || fwrite(buf_str(b), 1, b->len, f) != b->len) {
        log_error("cannot write '%s': %s", path, strerror(errno));
        if (f)
            fclose(f);
        return CS_IO;
    }
    if (fclose(f) != 0) {
        log_error("cannot write '%s': %s", path, strerror(errno));
        return CS_IO;
    }
    return CS_OK;
}

/* Link each artifact on the map to the file this run wrote for it. */
static enum csmap_rc link_files(struct report_artifact_list *arts,
                                const struct gen_result *res, size_t n)
{
    enum csmap_rc rc = CS_OK;

    for (size_t i = 0; i < arts->n && !rc; i++) {
        const struct report_artifact *ra = &arts->items[i];
        for (size_t j = 0; j < n; j++) {
            if (res[j].path && strcmp(res[j].artifact, ra->artifact) == 0 &&
                strcmp(res[j].subject, ra->subject) == 0) {
                rc = report_artifact_list_set_path(arts, i, res[j].path);
                break;
            }
        }
    }
    return rc;
}

/* The map in the three formats, next to the artifacts. */
static enum csmap_rc write_maps(struct store *st, const struct weekly_args *a,
                                const struct sig_set *now,
                                const struct sig_set *before,
                                const struct gen_result *res, size_t n_res)
{
    static const struct {
        enum report_format fmt;
        const char *name;
    } outputs[] = {
        {REPORT_HTML, "map.html"},
        {REPORT_MD, "map.md"},
        {REPORT_JSON, "map.json"},
    };
    enum { N_OUT = sizeof(outputs) / sizeof(outputs[0]) };
    struct report_artifact_list arts = {NULL, 0, 0};
    struct report_input in = {0};
    struct report_output outs[N_OUT];
    char paths[N_OUT][4096];
    enum csmap_rc rc;

    if ((rc = report_artifacts_from_store(st, a->as_of, &arts)) ||
        (rc = link_files(&arts, res, n_res))) {
        report_artifact_list_release(&arts);
        return rc;
    }
    in.now = now;
    in.before = before && before->n_accounts > 0 ? before : NULL;
    in.artifacts = arts.items;
    in.n_artifacts = arts.n;
    in.version = CSMAP_VERSION;
    for (size_t i = 0; i < N_OUT; i++) {
        snprintf(paths[i], sizeof(paths[i]), "%s/%s", a->out_dir,
                 outputs[i].name);
        outs[i].fmt = outputs[i].fmt;
        outs[i].path = paths[i];
    }
    rc = report_write_each(&in, outs, N_OUT);
    report_artifact_list_release(&arts);
    return rc;
}

/* Generate the week's artifacts and write the index; the caller frees *gp
 * (set even on failure when the batch was started). */
static enum csmap_rc generate_all(struct store *st, const struct config *cfg,
                                  const struct sig_set *set,
                                  struct prompt_lib *lib,
                                  const char *const *names,
                                  struct weekly_args *a, struct gen **gp)
{
    struct schedule plan = {NULL, 0};
    struct gen *g = NULL;
    struct buf index = BUF_INIT;
    const struct gen_result *res;
    size_t n_res;
    enum csmap_rc rc, gen_rc = CS_OK;

    if ((rc = schedule_build(cfg, set, names, &plan)))
        goto out;
    log_note("%zu artifacts scheduled for %zu accounts and %zu segments",
             plan.n_items, set->n_accounts, set->n_segments);
    a->gen.out_dir = a->out_dir;
    a->gen.progress = isatty(STDERR_FILENO) && log_get_level() >= LOG_WARN;
    if ((rc = gen_open(st, cfg, set, lib, &a->gen, &g)))
        goto out;
    for (size_t i = 0; i < plan.n_items; i++)
        gen_add(g, plan.items[i].artifact, plan.items[i].account,
                plan.items[i].seg);
    gen_rc = gen_run(g);
    res = gen_results(g, &n_res);
    if (!(rc = write_index(a, res, n_res, &index)))
        rc = write_file(a->out_dir, "index.md", &index);
out:
    buf_release(&index);
    *gp = g;
    schedule_release(&plan);
    return rc ? rc : gen_rc;
}

/* The signals and alerts as of D, and the signals of D-28 for the map's
 * trends, in one pass over the store (D-7 only serves the alerts). */
static enum csmap_rc compute(struct store *st, const struct config *cfg,
                             int32_t as_of, struct sig_set **now,
                             struct sig_set **before)
{
    int32_t dates[3] = {as_of, as_of - 7, as_of - 28};
    struct sig_set *sets[3];
    enum csmap_rc rc;

    if ((rc = sig_compute_dates(st, cfg, dates, 3, NULL, NULL, sets)))
        return rc;
    *now = sets[0];
    *before = sets[2];
    rc = sig_alerts_with(*now, sets[1]);
    sig_set_free(sets[1]);
    return rc;
}

/* The output folder: refused early when a file has its name, created
 * (with create) only once there is something to write. */
static enum csmap_rc out_dir(const char *dir, bool create)
{
    struct stat sb;

    if (stat(dir, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return CS_OK;
        errno = ENOTDIR;
    } else if (!create && errno == ENOENT) {
        return CS_OK;
    } else if (create && errno == ENOENT && mkdir(dir, 0755) == 0) {
        return CS_OK;
    }
    log_error("cannot write the week's files into '%s': %s", dir,
              errno == ENOTDIR ? "it is not a folder" : strerror(errno));
    return CS_IO;
}

static enum csmap_rc run(struct cli *cli, struct weekly_args *a)
{
    struct config *cfg = NULL;
    struct store *st = NULL;
    struct sig_set *now = NULL, *before = NULL;
    struct prompt_lib *lib = NULL;
    char **names = NULL; /* the artifacts the prompts make */
    size_t n_names = 0;
    struct gen *g = NULL;
    const struct gen_result *res = NULL;
    size_t n_res = 0;
    enum csmap_rc rc, gen_rc;

    if ((rc = cli_load_config(cli, &cfg)))
        goto out;
    if (!config_ready_for_signals(cfg)) {
        rc = CS_CONFIG;
        goto out;
    }
    /* What the user can fix is said before any work is done. */
    if ((rc = prompt_lib_open("prompts", &lib)) ||
        (rc = prompt_lib_names(lib, false, &names, &n_names)) ||
        (rc = schedule_check_names(cfg, (const char *const *)names)) ||
        (rc = out_dir(a->out_dir, false)))
        goto out;
    if ((rc = cli_open_store(cli, false, &st)) ||
        (rc = compute(st, cfg, a->as_of, &now, &before)))
        goto out;
    if (now->n_accounts == 0) {
        rc = cli_no_accounts(st, a->as_of);
        goto out;
    }
    if ((rc = out_dir(a->out_dir, true)))
        goto out;
    gen_rc = generate_all(st, cfg, now, lib, (const char *const *)names, a, &g);
    if (g)
        res = gen_results(g, &n_res);
    /* The map is written even when some artifacts failed: it shows them
     * as missing, and the rest of the week's work is there. */
    rc = write_maps(st, a, now, before, res, n_res);
    if (!rc) {
        log_note("the map is at %s/map.html (also map.md and map.json); "
                 "artifacts are listed in %s/index.md",
                 a->out_dir, a->out_dir);
        rc = gen_rc;
    }
out:
    gen_free(g);
    prompt_lib_names_free(names, n_names);
    prompt_lib_free(lib);
    sig_set_free(before);
    sig_set_free(now);
    store_close(st);
    config_free(cfg);
    return rc;
}

int cmd_weekly(struct cli *cli, int argc, char **argv)
{
    struct weekly_args a;
    enum csmap_rc rc;

    memset(&a, 0, sizeof(a));
    if ((rc = parse_args(argc, argv, &a)))
        return rc_exit_code(rc);
    return rc_exit_code(run(cli, &a));
}
