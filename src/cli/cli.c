/* Helpers shared by the commands: store, configuration, dates, usage. */
#include "csmap/cli.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/store.h"

enum csmap_rc cli_open_store(const struct cli *cli, bool create,
                             struct store **out)
{
    return store_open(cli->db_path, create, out);
}

enum csmap_rc cli_load_config(const struct cli *cli, struct config **out)
{
    enum csmap_rc rc = config_load(cli->config_path, out);

    if (rc == CS_NOTFOUND)
        log_error("no configuration '%s'; write one with 'csmap init' "
                  "or name one with --config",
                  cli->config_path);
    return rc;
}

enum csmap_rc cli_parse_as_of(const char *arg, int32_t *day)
{
    if (!date_parse(arg, strlen(arg), day)) {
        log_error("--as-of: '%s' is not a date (expected YYYY-MM-DD)", arg);
        return CS_USAGE;
    }
    return CS_OK;
}

enum csmap_rc cli_usage_error(const char *command, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_error("%s: %s; see 'csmap %s --help'", command, msg, command);
    return CS_USAGE;
}

const char *cli_option_value(const char *command, int argc, char **argv, int *i,
                             const char *name, enum csmap_rc *rc)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];

    if (strncmp(arg, name, n) != 0)
        return NULL;
    if (arg[n] == '=')
        return arg + n + 1;
    if (arg[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *rc = cli_usage_error(command, "%s needs a value", name);
        return NULL;
    }
    return argv[++*i];
}

int cli_not_yet(const char *command)
{
    log_error("'%s' is not available in this build of csmap yet", command);
    return EXIT_FAILURE_;
}

enum csmap_rc cli_no_accounts(struct store *st, int32_t as_of)
{
    sqlite3_stmt *q = NULL;
    long long n = 0;
    char d[11];

    if (sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM account", -1, &q,
                           NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    date_format(as_of, d);
    if (n == 0)
        log_error("no accounts in '%s'; load them with 'csmap ingest "
                  "FILE...'",
                  store_path(st));
    else
        log_error("none of the %lld accounts in '%s' had signed up by %s; "
                  "choose a later --as-of",
                  n, store_path(st), d);
    return CS_NOTFOUND;
}
