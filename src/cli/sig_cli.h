/* Shared by 'signals', 'health' and 'alerts': options, loading, output. */
#ifndef CSMAP_CLI_SIG_CLI_H
#define CSMAP_CLI_SIG_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "csmap/rc.h"

struct cJSON;
struct cli;
struct config;
struct sig_set;
struct store;

enum sig_cli_format { SIG_FMT_TABLE, SIG_FMT_JSON, SIG_FMT_CSV };

/* Which options a command takes. */
#define SIG_OPT_ACCOUNT 1u
#define SIG_OPT_SEGMENT 2u
#define SIG_OPT_COMPARE 4u

struct sig_cli_opts {
    const char *account;
    const char *segment;
    int32_t as_of;
    int32_t compare; /* DATE_NONE without --compare */
    enum sig_cli_format format;
    const char *output; /* -o FILE, or NULL for standard output */
};

/* Parse argv[1..] (argv[0] is the command); reports bad usage itself. */
enum csmap_rc sig_cli_parse(const char *command, int argc, char **argv,
                            unsigned allowed, struct sig_cli_opts *o);

/* What a command needs to compute signals, released by sig_cli_close(). */
struct sig_cli_env {
    struct config *cfg;
    struct store *st;
};

/* Load and check the configuration, then open the store. */
enum csmap_rc sig_cli_open(const struct cli *cli, struct sig_cli_env *env);
void sig_cli_close(struct sig_cli_env *env);

/*
 * Compute the signals as of day for the options' account or segment.  An
 * empty result without a filter is an error that says the store holds no
 * account as of day (exit 1).
 */
enum csmap_rc sig_cli_compute(struct sig_cli_env *env,
                              const struct sig_cli_opts *o, int32_t day,
                              struct sig_set **out);

/* The same at days[0..n) in one pass (sig_compute_dates); the empty
 * result that is an error is that of days[0].  The caller frees each
 * out[k]; all are NULL on error. */
enum csmap_rc sig_cli_compute_dates(struct sig_cli_env *env,
                                    const struct sig_cli_opts *o,
                                    const int32_t *days, size_t n,
                                    struct sig_set **out);

/* Send standard output to -o FILE when given; reports a failure. */
enum csmap_rc sig_cli_redirect(const struct sig_cli_opts *o);

/* Print JSON (indented) and a newline on stdout; takes ownership. */
enum csmap_rc sig_cli_print_json(struct cJSON *json);

/* Print an array of flat-ish objects as CSV: nested objects become
 * "parent.key" columns; lists become one cell joined with ';'. */
enum csmap_rc sig_cli_print_csv(const struct cJSON *arr);

/* Fail with a message when stdout could not be written. */
enum csmap_rc sig_cli_flush(void);

/* Write s padded or cut to width columns (bytes), ending in "~" when
 * cut. */
void sig_cli_cell(FILE *out, const char *s, int width, bool left);

#endif
