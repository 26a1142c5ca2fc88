/* The command layer: global options, the command table, shared helpers. */
#ifndef CSMAP_CLI_H
#define CSMAP_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "csmap/rc.h"

struct config;
struct store;

/* Global options, parsed before the command name. */
struct cli {
    const char *db_path;     /* --db FILE, default csmap.db */
    const char *config_path; /* --config FILE, default csmap.json */
    bool config_given;       /* --config was on the command line */
    int verbosity;           /* -q is -1, each -v adds one */
};

/*
 * A command.  run() gets argv with argv[0] the command name and returns an
 * exit code (rc_exit_code() of its result).  help is printed for
 * "csmap COMMAND --help".
 */
struct cli_command {
    const char *name;
    const char *summary;
    const char *help;
    int (*run)(struct cli *cli, int argc, char **argv);
};

/*
 * Open the store named by --db.  With create false a missing store is an
 * error that says to run 'csmap ingest' first.  The caller closes it.
 */
/* Say that no account is listed as of as_of: the store has none, or all
 * sign up later.  Returns CS_NOTFOUND. */
enum csmap_rc cli_no_accounts(struct store *st, int32_t as_of);

enum csmap_rc cli_open_store(const struct cli *cli, bool create,
                             struct store **out);

/*
 * Load the configuration named by --config.  A missing file is an error
 * that says to run 'csmap init'.  The caller frees it with config_free().
 */
enum csmap_rc cli_load_config(const struct cli *cli, struct config **out);

/* Parse an --as-of value; reports the error itself. */
enum csmap_rc cli_parse_as_of(const char *arg, int32_t *day);

/*
 * The value of option name given as "NAME VALUE" or "NAME=VALUE" at
 * argv[*i], moving *i past it.  NULL when argv[*i] is another option; when
 * the value is missing, reports "COMMAND: NAME needs a value", sets *rc to
 * CS_USAGE and returns NULL.
 */
const char *cli_option_value(const char *command, int argc, char **argv, int *i,
                             const char *name, enum csmap_rc *rc);

/* Report a bad usage with a hint to --help; returns CS_USAGE. */
enum csmap_rc cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* For commands that a later part of csmap implements: says so, exits 1. */
int cli_not_yet(const char *command);

/* The commands, one file each under src/cli/. */
int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_ingest(struct cli *cli, int argc, char **argv);
int cmd_signals(struct cli *cli, int argc, char **argv);
int cmd_health(struct cli *cli, int argc, char **argv);
int cmd_alerts(struct cli *cli, int argc, char **argv);
int cmd_map(struct cli *cli, int argc, char **argv);
int cmd_generate(struct cli *cli, int argc, char **argv);
int cmd_weekly(struct cli *cli, int argc, char **argv);
int cmd_cache(struct cli *cli, int argc, char **argv);
int cmd_prompts(struct cli *cli, int argc, char **argv);
int cmd_template(struct cli *cli, int argc, char **argv);
int cmd_doctor(struct cli *cli, int argc, char **argv);

#endif
