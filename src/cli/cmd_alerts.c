/* csmap alerts: what needs someone this week, new or continuing. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "csmap/cli.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/signals.h"
#include "sig_cli.h"

/* status 10, account 12, alert 16, owner 15, artifact 14, then the value
 * cut so that a line fits 100 characters. */
static void table_row(const struct sig_alert *al)
{
    sig_cli_cell(stdout, al->continuing ? "continuing" : "new", 10, true);
    putchar(' ');
    sig_cli_cell(stdout, al->account->account_id, 12, true);
    putchar(' ');
    sig_cli_cell(stdout, al->kind_name, 16, true);
    putchar(' ');
    sig_cli_cell(stdout, al->owner, 15, true);
    putchar(' ');
    sig_cli_cell(stdout, al->artifact, 14, true);
    putchar(' ');
    if ((int)strlen(al->value) > 28)
        sig_cli_cell(stdout, al->value, 28, true);
    else
        fputs(al->value, stdout);
    putchar('\n');
}

static enum csmap_rc print_table(const struct sig_set *set)
{
    char d[11];

    if (set->n_alerts == 0) {
        date_format(set->as_of, d);
        log_note("no alerts as of %s", d);
        return sig_cli_flush();
    }
    printf("%-10s %-12s %-16s %-15s %-14s %s\n", "STATUS", "ACCOUNT", "ALERT",
           "OWNER", "ARTIFACT", "VALUE");
    for (size_t i = 0; i < set->n_alerts; i++)
        table_row(&set->alerts[i]);
    return sig_cli_flush();
}

static cJSON *alerts_json(const struct sig_set *set)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; arr && i < set->n_alerts; i++) {
        cJSON *o = sig_alert_json(&set->alerts[i]);

        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static enum csmap_rc print_alerts(const struct sig_set *set,
                                  enum sig_cli_format format)
{
    cJSON *json;
    enum csmap_rc rc;

    if (format == SIG_FMT_TABLE)
        return print_table(set);
    json = alerts_json(set);
    if (format == SIG_FMT_JSON)
        return sig_cli_print_json(json);
    rc = sig_cli_print_csv(json);
    cJSON_Delete(json);
    return rc;
}

int cmd_alerts(struct cli *cli, int argc, char **argv)
{
    struct sig_cli_opts o;
    struct sig_cli_env env = {0};
    struct sig_set *set = NULL;
    enum csmap_rc rc;

    if ((rc = sig_cli_parse("alerts", argc, argv,
                            SIG_OPT_ACCOUNT | SIG_OPT_SEGMENT, &o)))
        goto out;
    if ((rc = sig_cli_open(cli, &env)) ||
        (rc = sig_cli_compute(&env, &o, o.as_of, &set)) ||
        (rc = sig_alerts(env.st, set)))
        goto out;
    rc = print_alerts(set, o.format);

out:
    sig_set_free(set);
    sig_cli_close(&env);
    return rc_exit_code(rc);
}
