/* csmap signals: every signal of every stage, per account. */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "csmap/cli.h"
#include "csmap/signals.h"
#include "sig_cli.h"

static void num_cell(char *out, size_t n, bool has, double v, int decimals)
{
    if (has)
        snprintf(out, n, "%.*f", decimals, v);
    else
        snprintf(out, n, "-");
}

/* One row of key figures; the columns fit 100 characters. */
static void table_row(const struct sig_account *a)
{
    char steps[16], idle[16], trend[16], nps[16], score[16], renew[16];

    snprintf(steps, sizeof(steps), "%d/%d", a->onboarding.steps_done,
             a->onboarding.steps_total);
    num_cell(idle, sizeof(idle), a->usage.has_days_since_core,
             a->usage.days_since_core, 0);
    snprintf(trend, sizeof(trend), "%+.1f", a->usage.trend_pct);
    num_cell(nps, sizeof(nps), a->feedback.has_nps_180d, a->feedback.nps_180d,
             0);
    num_cell(score, sizeof(score), a->health.has_score, a->health.score, 1);
    num_cell(renew, sizeof(renew), a->renewal.has_days_to_renewal,
             a->renewal.days_to_renewal, 0);
    sig_cli_cell(stdout, a->account_id, 13, true);
    putchar(' ');
    sig_cli_cell(stdout, a->segment ? a->segment : "-", 9, true);
    printf(" %5s %5d %4s %7s %5d %4d %6s %6s %-6s %5s %-6s %s\n", steps,
           a->usage.active_users_30d, idle, trend, a->support.tickets_90d,
           a->support.open_tickets, nps, score,
           a->health.band ? a->health.band : "-", renew, a->renewal.risk,
           a->expansion.potential);
}

static enum csmap_rc print_table(const struct sig_set *set)
{
    printf("%-13s %-9s %5s %5s %4s %7s %5s %4s %6s %6s %-6s %5s %-6s %s\n",
           "ACCOUNT", "SEGMENT", "STEPS", "USERS", "IDLE", "TREND%", "TKT90",
           "OPEN", "NPS", "HEALTH", "BAND", "RENEW", "RISK", "EXPAND");
    for (size_t i = 0; i < set->n_accounts; i++)
        table_row(&set->accounts[i]);
    return sig_cli_flush();
}

static enum csmap_rc print_set(const struct sig_set *set,
                               enum sig_cli_format format)
{
    cJSON *json;
    enum csmap_rc rc;

    if (format == SIG_FMT_TABLE)
        return print_table(set);
    json = sig_set_json(set);
    if (format == SIG_FMT_JSON)
        return sig_cli_print_json(json);
    rc = sig_cli_print_csv(json);
    cJSON_Delete(json);
    return rc;
}

int cmd_signals(struct cli *cli, int argc, char **argv)
{
    struct sig_cli_opts o;
    struct sig_cli_env env = {0};
    struct sig_set *set = NULL;
    enum csmap_rc rc;

    if ((rc = sig_cli_parse("signals", argc, argv,
                            SIG_OPT_ACCOUNT | SIG_OPT_SEGMENT, &o)))
        goto out;
    if ((rc = sig_cli_open(cli, &env)) ||
        (rc = sig_cli_compute(&env, &o, o.as_of, &set)))
        goto out;
    if (!(rc = sig_cli_redirect(&o)))
        rc = print_set(set, o.format);

out:
    sig_set_free(set);
    sig_cli_close(&env);
    return rc_exit_code(rc);
}
