/* csmap generate: draft one artifact for chosen accounts or segments. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csmap/cli.h"
#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/pipeline.h"
#include "csmap/prompt.h"
#include "csmap/signals.h"
#include "csmap/store.h"

struct generate_args {
    const char *artifact;
    const char *account;
    const char *segment;
    bool all;
    int32_t as_of;
    struct gen_options gen;
};

static enum csmap_rc parse_args(int argc, char **argv, struct generate_args *a)
{
    static const struct option opts[] = {
        {"account", required_argument, NULL, 'a'},
        {"segment", required_argument, NULL, 's'},
        {"all", no_argument, NULL, 'A'},
        {"as-of", required_argument, NULL, 'd'},
        {"dry-run", no_argument, NULL, 'n'},
        GEN_LONG_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    enum csmap_rc rc = CS_OK;
    int c;

    optind = 1;
    opterr = 0;
    a->as_of = date_today();
    a->gen.llm = (struct llm_options)LLM_OPTIONS_INIT;
    a->gen.out_dir = "out";
    a->gen.strict_checks = true;
    while ((c = getopt_long(argc, argv, "o:j:", opts, NULL)) != -1 && !rc) {
        switch (c) {
        case 'a':
            a->account = optarg;
            break;
        case 's':
            a->segment = optarg;
            break;
        case 'A':
            a->all = true;
            break;
        case 'd':
            rc = cli_parse_as_of(optarg, &a->as_of);
            break;
        case 'n':
            a->gen.dry_run = true;
            break;
        case 'o':
            a->gen.out_dir = optarg;
            break;
        default:
            rc = gen_option("generate", c, optarg, &a->gen);
            if (rc == CS_NOTFOUND)
                return cli_usage_error("generate",
                                       "unknown or incomplete option '%s'",
                                       argv[optind - 1]);
            break;
        }
    }
    if (rc)
        return rc;
    if (optind + 1 != argc)
        return cli_usage_error("generate", "name one artifact (see 'csmap "
                                           "prompts ls')");
    a->artifact = argv[optind];
    if (!a->account && !a->segment && !a->all)
        return cli_usage_error("generate", "choose --account ID, --segment S "
                                           "or --all");
    if (a->account && (a->all || a->segment))
        return cli_usage_error("generate",
                               "--account and %s do not go "
                               "together",
                               a->all ? "--all" : "--segment");
    return CS_OK;
}

/* Queue the artifact for every subject the arguments choose. */
static enum csmap_rc queue(struct gen *g, const struct prompt *p,
                           const struct sig_set *set)
{
    enum csmap_rc rc, first = CS_OK;

    if (p->hdr.scope == PROMPT_SCOPE_SEGMENT) {
        for (size_t i = 0; i < set->n_segments; i++) {
            rc = gen_add(g, p->hdr.name, NULL, &set->segments[i]);
            if (rc && !first)
                first = rc;
        }
        return first;
    }
    for (size_t i = 0; i < set->n_accounts; i++) {
        rc = gen_add(g, p->hdr.name, &set->accounts[i], NULL);
        if (rc && !first)
            first = rc;
    }
    return first;
}

/* The signals as of the chosen date, with their alerts: this date and a
 * week before read in one pass. */
static enum csmap_rc compute(struct store *st, const struct config *cfg,
                             const struct generate_args *a,
                             struct sig_set **set)
{
    const int32_t dates[2] = {a->as_of, a->as_of - 7};
    struct sig_set *sets[2] = {NULL, NULL};
    enum csmap_rc rc;

    rc = sig_compute_dates(st, cfg, dates, 2, a->account, a->segment, sets);
    if (!rc)
        rc = sig_alerts_with(sets[0], sets[1]);
    sig_set_free(sets[1]);
    if (rc) {
        sig_set_free(sets[0]);
        sets[0] = NULL;
    }
    *set = sets[0];
    return rc;
}

static enum csmap_rc run(struct cli *cli, struct generate_args *a)
{
    struct config *cfg = NULL;
    struct store *st = NULL;
    struct sig_set *set = NULL;
    struct prompt_lib *lib = NULL;
    const struct prompt *p = NULL;
    struct gen *g = NULL;
    enum csmap_rc rc;
    size_t subjects;

    if ((rc = prompt_lib_open("prompts", &lib)))
        goto out;
    /* An artifact no prompt makes is a mistake in the command line. */
    if ((rc = prompt_lib_get(lib, a->artifact, &p))) {
        if (rc == CS_NOTFOUND)
            rc = CS_USAGE;
        goto out;
    }
    if (p->hdr.scope == PROMPT_SCOPE_SEGMENT && a->account) {
        rc = cli_usage_error("generate",
                             "%s is written for a segment; use "
                             "--segment or --all",
                             a->artifact);
        goto out;
    }
    if ((rc = cli_load_config(cli, &cfg)))
        goto out;
    if (!config_ready_for_signals(cfg)) {
        rc = CS_CONFIG;
        goto out;
    }
    if ((rc = cli_open_store(cli, false, &st)) ||
        (rc = compute(st, cfg, a, &set)))
        goto out;
    subjects = p->hdr.scope == PROMPT_SCOPE_SEGMENT ? set->n_segments
                                                    : set->n_accounts;
    if (set->n_accounts == 0 && !a->account && !a->segment) {
        rc = cli_no_accounts(st, a->as_of);
        goto out;
    }
    if (subjects == 0) {
        log_error("nothing to generate '%s' for as of the chosen date",
                  p->hdr.name);
        rc = CS_NOTFOUND;
        goto out;
    }
    a->gen.print = subjects == 1 && !a->gen.dry_run;
    a->gen.stream = a->gen.print && isatty(STDOUT_FILENO) &&
                    p->hdr.output == PROMPT_OUTPUT_MARKDOWN;
    a->gen.progress =
        subjects > 1 && isatty(STDERR_FILENO) && log_get_level() >= LOG_WARN;
    if ((rc = gen_open(st, cfg, set, lib, &a->gen, &g)))
        goto out;
    rc = queue(g, p, set);
    {
        enum csmap_rc run_rc = gen_run(g);
        if (!rc)
            rc = run_rc;
    }
out:
    gen_free(g);
    sig_set_free(set);
    store_close(st);
    config_free(cfg);
    prompt_lib_free(lib);
    return rc;
}

int cmd_generate(struct cli *cli, int argc, char **argv)
{
    struct generate_args a;
    enum csmap_rc rc;

    memset(&a, 0, sizeof(a));
    if ((rc = parse_args(argc, argv, &a)))
        return rc_exit_code(rc);
    return rc_exit_code(run(cli, &a));
}
