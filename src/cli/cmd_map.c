/* csmap map: the customer success intelligence map. */
#include "csmap/cli.h"

#include <string.h>

#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/report.h"
#include "csmap/signals.h"
#include "csmap/store.h"

/* The trend on every node compares with this many days before. */
#define TREND_DAYS 28

struct map_args {
    const char *segment;
    const char *output;
    int32_t as_of;
    enum report_format fmt;
    bool fmt_given;
};

static enum csmap_rc parse_format(const char *v, enum report_format *fmt)
{
    if (strcmp(v, "md") == 0)
        *fmt = REPORT_MD;
    else if (strcmp(v, "html") == 0)
        *fmt = REPORT_HTML;
    else if (strcmp(v, "json") == 0)
        *fmt = REPORT_JSON;
    else
        return cli_usage_error("map",
                               "unknown format '%s' (expected md, "
                               "html or json)",
                               v);
    return CS_OK;
}

/* Without --format, the extension of -o FILE chooses; else Markdown. */
static void format_from_output(struct map_args *a)
{
    const char *dot = a->output ? strrchr(a->output, '.') : NULL;

    if (a->fmt_given || !dot)
        return;
    if (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0)
        a->fmt = REPORT_HTML;
    else if (strcmp(dot, ".json") == 0)
        a->fmt = REPORT_JSON;
}

static enum csmap_rc parse_args(int argc, char **argv, struct map_args *a)
{
    enum csmap_rc rc = CS_OK;
    const char *v;

    for (int i = 1; i < argc && !rc; i++) {
        if ((v = cli_option_value("map", argc, argv, &i, "--segment", &rc)))
            a->segment = v;
        else if ((v = cli_option_value("map", argc, argv, &i, "--as-of", &rc)))
            rc = cli_parse_as_of(v, &a->as_of);
        else if ((v = cli_option_value("map", argc, argv, &i, "--format",
                                       &rc))) {
            rc = parse_format(v, &a->fmt);
            a->fmt_given = true;
        } else if ((v = cli_option_value("map", argc, argv, &i, "-o", &rc)) ||
                   (!rc && (v = cli_option_value("map", argc, argv, &i,
                                                 "--output", &rc))))
            a->output = v;
        else if (!rc && argv[i][0] == '-')
            rc = cli_usage_error("map", "unknown option '%s'", argv[i]);
        else if (!rc)
            rc = cli_usage_error("map", "unexpected argument '%s'", argv[i]);
    }
    if (!rc && a->output && !*a->output)
        rc = cli_usage_error("map", "-o needs a file name");
    format_from_output(a);
    return rc;
}

/* The signals now, a week before (for the alerts) and TREND_DAYS before,
 * in one pass over the store. */
static enum csmap_rc compute(struct store *st, const struct config *cfg,
                             const struct map_args *a, struct sig_set **now,
                             struct sig_set **before)
{
    int32_t dates[3] = {a->as_of, a->as_of - 7, a->as_of - TREND_DAYS};
    struct sig_set *sets[3];
    enum csmap_rc rc;

    if ((rc = sig_compute_dates(st, cfg, dates, 3, NULL, NULL, sets)))
        return rc;
    *now = sets[0];
    *before = sets[2];
    if ((*now)->n_accounts == 0) {
        rc = cli_no_accounts(st, a->as_of);
    } else {
        rc = sig_alerts_with(*now, sets[1]);
    }
    sig_set_free(sets[1]);
    return rc;
}

static enum csmap_rc run(struct cli *cli, const struct map_args *a)
{
    struct config *cfg = NULL;
    struct store *st = NULL;
    struct sig_set *now = NULL, *before = NULL;
    struct report_artifact_list arts = {NULL, 0, 0};
    struct report_input in = {0};
    enum csmap_rc rc;

    if ((rc = cli_load_config(cli, &cfg)))
        goto out;
    if (!config_ready_for_signals(cfg)) {
        rc = CS_CONFIG;
        goto out;
    }
    if ((rc = cli_open_store(cli, false, &st)) ||
        (rc = compute(st, cfg, a, &now, &before)) ||
        (rc = report_artifacts_from_store(st, a->as_of, &arts)))
        goto out;
    in.now = now;
    in.before = before->n_accounts > 0 ? before : NULL;
    in.artifacts = arts.items;
    in.n_artifacts = arts.n;
    in.segment = a->segment;
    in.version = CSMAP_VERSION;
    rc = report_write(&in, a->fmt, a->output);
out:
    report_artifact_list_release(&arts);
    sig_set_free(before);
    sig_set_free(now);
    if (st)
        store_close(st);
    config_free(cfg);
    return rc;
}

int cmd_map(struct cli *cli, int argc, char **argv)
{
    struct map_args a = {NULL, NULL, date_today(), REPORT_MD, false};
    enum csmap_rc rc;

    if ((rc = parse_args(argc, argv, &a)))
        return rc_exit_code(rc);
    if (a.output && (rc = report_check_output(a.output)))
        return rc_exit_code(rc);
    return rc_exit_code(run(cli, &a));
}
