/* csmap alerts: what needs someone this week, new or continuing. */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "csmap/cli.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/signals.h"
#include "sig_cli.h"

/*
 * The table groups alerts by owner, so each person reads their own list:
 * a line with the owner, then per alert its status (10), account (18),
 * alert (16), artifact (14) and value, cut to fit 100 characters.
 */
static void table_row(const struct sig_alert *al)
{
    fputs("  ", stdout);
    sig_cli_cell(stdout, al->continuing ? "continuing" : "new", 10, true);
    putchar(' ');
    sig_cli_cell(stdout, al->account->account_id, 18, true);
    putchar(' ');
    sig_cli_cell(stdout, al->kind_name, 16, true);
    putchar(' ');
    sig_cli_cell(stdout, al->artifact, 14, true);
    putchar(' ');
    if ((int)strlen(al->value) > 36)
        sig_cli_cell(stdout, al->value, 36, true);
    else
        fputs(al->value, stdout);
    putchar('\n');
}

/* True when alert i's owner was printed already: owners come in stage
 * order, so an alert of an earlier kind, or an earlier one of the same
 * kind, with the same owner. */
static bool owner_seen(const struct sig_set *set, size_t i)
{
    const struct sig_alert *al = &set->alerts[i];

    for (size_t k = 0; k < set->n_alerts; k++) {
        const struct sig_alert *o = &set->alerts[k];

        if ((o->kind < al->kind || (o->kind == al->kind && k < i)) &&
            strcmp(o->owner, al->owner) == 0)
            return true;
    }
    return false;
}

static void print_group(const struct sig_set *set, const char *owner)
{
    size_t n = 0;

    for (size_t k = 0; k < set->n_alerts; k++)
        n += strcmp(set->alerts[k].owner, owner) == 0;
    printf("%s (%zu)\n", *owner ? owner : "-", n);
    for (size_t k = 0; k < set->n_alerts; k++)
        if (strcmp(set->alerts[k].owner, owner) == 0)
            table_row(&set->alerts[k]);
}

static enum csmap_rc print_table(const struct sig_set *set)
{
    char d[11];

    if (set->n_alerts == 0) {
        date_format(set->as_of, d);
        log_note("no alerts as of %s", d);
        return sig_cli_flush();
    }
    printf("  %-10s %-18s %-16s %-14s %s\n", "STATUS", "ACCOUNT", "ALERT",
           "ARTIFACT", "VALUE");
    for (int kind = SIG_A_STUCK; kind <= SIG_A_SEAT_OVERAGE; kind++)
        for (size_t i = 0; i < set->n_alerts; i++)
            if ((int)set->alerts[i].kind == kind && !owner_seen(set, i))
                print_group(set, set->alerts[i].owner);
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

/* The signals as of D and D-7 in one pass, and the alerts of D. */
static enum csmap_rc compute(struct sig_cli_env *env,
                             const struct sig_cli_opts *o, struct sig_set **set)
{
    int32_t dates[2] = {o->as_of, o->as_of - 7};
    struct sig_set *sets[2];
    enum csmap_rc rc;

    if ((rc = sig_cli_compute_dates(env, o, dates, 2, sets)))
        return rc;
    *set = sets[0];
    rc = sig_alerts_with(*set, sets[1]);
    sig_set_free(sets[1]);
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
    if ((rc = sig_cli_open(cli, &env)) || (rc = compute(&env, &o, &set)))
        goto out;
    if (!(rc = sig_cli_redirect(&o)))
        rc = print_alerts(set, o.format);

out:
    sig_set_free(set);
    sig_cli_close(&env);
    return rc_exit_code(rc);
}
