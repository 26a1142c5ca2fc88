/* csmap ingest: load data files into the store. */
#include "csmap/cli.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/ingest.h"
#include "csmap/log.h"
#include "csmap/store.h"

/* Parse the options; *first is the index of the first file. */
static enum csmap_rc parse_args(int argc, char **argv,
                                struct ingest_options *opt, int *first)
{
    int i;

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *v;
        enum csmap_rc missing = CS_OK;
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "--strict") == 0) {
            opt->strict = true;
        } else if ((v = cli_option_value("ingest", argc, argv, &i, "--kind",
                                         &missing))) {
            if (!ingest_kind_parse(v, &opt->kind))
                return cli_usage_error("ingest",
                                       "unknown kind '%s' (accounts, "
                                       "contacts, events, tickets, feedback, "
                                       "contracts)",
                                       v);
        } else if ((v = cli_option_value("ingest", argc, argv, &i, "--preset",
                                         &missing))) {
            opt->preset = v;
        } else if (missing) {
            return missing;
        } else {
            return cli_usage_error("ingest", "unknown option '%s'", argv[i]);
        }
    }
    if (i >= argc)
        return cli_usage_error("ingest", "no file to load");
    *first = i;
    return CS_OK;
}

/* The configuration is optional for ingest: it only adds sources. */
static enum csmap_rc load_config(const struct cli *cli, struct config **cfg)
{
    enum csmap_rc rc = config_load(cli->config_path, cfg);

    if (rc == CS_NOTFOUND && !cli->config_given) {
        *cfg = NULL;
        return CS_OK;
    }
    if (rc == CS_NOTFOUND)
        log_error("no configuration '%s'", cli->config_path);
    return rc;
}

static enum csmap_rc check_preset(const struct ingest_options *opt)
{
    enum ingest_kind kind = INGEST_UNKNOWN;

    if (!opt->preset)
        return CS_OK;
    if (strcmp(opt->preset, "zendesk") == 0)
        kind = INGEST_TICKETS;
    else if (strcmp(opt->preset, "segment") == 0)
        kind = INGEST_EVENTS;
    else if (!cJSON_GetObjectItemCaseSensitive(opt->sources, opt->preset))
        return cli_usage_error("ingest",
                               "unknown preset '%s' (zendesk, segment or a "
                               "name under \"sources\" in the "
                               "configuration)",
                               opt->preset);
    if (kind && opt->kind && opt->kind != kind)
        return cli_usage_error("ingest", "--preset %s loads %s, not %s",
                               opt->preset, ingest_kind_name(kind),
                               ingest_kind_name(opt->kind));
    return CS_OK;
}

int cmd_ingest(struct cli *cli, int argc, char **argv)
{
    struct ingest_options opt = {0};
    struct config *cfg = NULL;
    struct store *st = NULL;
    enum csmap_rc rc;
    int first = 0;

    if ((rc = parse_args(argc, argv, &opt, &first)) ||
        (rc = load_config(cli, &cfg)))
        goto out;
    opt.sources = cfg ? cfg->sources : NULL;
    if ((rc = check_preset(&opt)) || (rc = cli_open_store(cli, true, &st)))
        goto out;
    rc = ingest_files(st, &opt, argv + first, (size_t)(argc - first));
out:
    store_close(st);
    config_free(cfg);
    return rc_exit_code(rc);
}
