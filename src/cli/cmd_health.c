/* csmap health: the health ledger, and how it moved since a date. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csmap/cli.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/signals.h"
#include "sig_cli.h"

/* Points the component costs the score: its share of weight times what
 * it lost. */
static double points_lost(const struct sig_health *h, int c)
{
    return h->has_component[c]
               ? sig_round(h->effective_weight[c] * (100 - h->component[c]), 1)
               : 0;
}

static void print_driver(const struct sig_driver *d)
{
    if (d->value_is_bool)
        printf("    %-36s %8s %6.1f\n", d->signal,
               d->value != 0 ? "true" : "false", 0.0 - d->points);
    else
        printf("    %-36s %8.2f %6.1f\n", d->signal, d->value, 0.0 - d->points);
}

static void print_ledger(const struct sig_account *a)
{
    const struct sig_health *h = &a->health;
    char score[16];

    if (h->has_score)
        snprintf(score, sizeof(score), "%.1f", h->score);
    else
        snprintf(score, sizeof(score), "-");
    printf("%s  %s  score %s  band %s  coverage %.0f%%\n", a->account_id,
           a->name, score, h->band ? h->band : "-", h->coverage * 100);
    printf("  %-10s %6s %6s %7s\n", "component", "weight", "score", "points");
    for (int c = 0; c < SIG_N_COMPONENTS; c++) {
        if (!h->has_component[c]) {
            printf("  %-10s %6.2f %6s %7s  (no data)\n",
                   sig_component_name((enum sig_component)c), h->weight[c], "-",
                   "-");
            continue;
        }
        printf("  %-10s %6.2f %6.1f %7.1f\n",
               sig_component_name((enum sig_component)c), h->weight[c],
               h->component[c], 0.0 - points_lost(h, c));
    }
    if (h->n_drivers)
        printf("  drivers:\n");
    for (size_t i = 0; i < h->n_drivers; i++)
        print_driver(&h->drivers[i]);
}

static cJSON *ledger_json(const struct sig_set *set)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; arr && i < set->n_accounts; i++) {
        cJSON *full = sig_account_json(&set->accounts[i]);
        cJSON *o = cJSON_CreateObject();

        if (!full || !o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(full);
            cJSON_Delete(o);
            cJSON_Delete(arr);
            return NULL;
        }
        cJSON_AddItemToObject(o, "account_id",
                              cJSON_DetachItemFromObject(full, "account_id"));
        cJSON_AddItemToObject(o, "name",
                              cJSON_DetachItemFromObject(full, "name"));
        cJSON_AddItemToObject(o, "segment",
                              cJSON_DetachItemFromObject(full, "segment"));
        cJSON_AddItemToObject(o, "health",
                              cJSON_DetachItemFromObject(full, "health"));
        cJSON_Delete(full);
    }
    return arr;
}

static enum csmap_rc print_health(const struct sig_set *set,
                                  enum sig_cli_format format)
{
    cJSON *json;
    enum csmap_rc rc;

    if (format == SIG_FMT_TABLE) {
        for (size_t i = 0; i < set->n_accounts; i++) {
            if (i)
                putchar('\n');
            print_ledger(&set->accounts[i]);
        }
        return sig_cli_flush();
    }
    json = ledger_json(set);
    if (format == SIG_FMT_JSON)
        return sig_cli_print_json(json);
    rc = sig_cli_print_csv(json);
    cJSON_Delete(json);
    return rc;
}

/* ---- --compare ---- */

static double driver_points(const struct sig_health *h, const char *signal)
{
    for (size_t i = 0; i < h->n_drivers; i++)
        if (strcmp(h->drivers[i].signal, signal) == 0)
            return h->drivers[i].points;
    return 0;
}

/* Signals whose cost changed, biggest change first (at most 32). */
struct moved {
    const char *signal;
    double before, after;
};

static size_t moved_signals(const struct sig_health *h0,
                            const struct sig_health *h1, struct moved *m,
                            size_t max)
{
    size_t n = 0;
    const struct sig_health *hs[2] = {h1, h0};

    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < hs[k]->n_drivers && n < max; i++) {
            const char *s = hs[k]->drivers[i].signal;
            bool seen = false;

            for (size_t j = 0; j < n; j++)
                seen = seen || strcmp(m[j].signal, s) == 0;
            if (seen)
                continue;
            m[n].signal = s;
            m[n].before = driver_points(h0, s);
            m[n].after = driver_points(h1, s);
            if (fabs(m[n].after - m[n].before) >= 0.05)
                n++;
        }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && fabs(m[j].after - m[j].before) >
                                        fabs(m[j - 1].after - m[j - 1].before);
             j--) {
            struct moved t = m[j];

            m[j] = m[j - 1];
            m[j - 1] = t;
        }
    return n;
}

static void value_or_dash(char *out, size_t n, bool has, double v)
{
    if (has)
        snprintf(out, n, "%.1f", v);
    else
        snprintf(out, n, "-");
}

static void print_compare_table(const struct sig_account *a0,
                                const struct sig_account *a1, int32_t d0,
                                int32_t d1, const struct moved *m, size_t n)
{
    const struct sig_health *h0 = &a0->health, *h1 = &a1->health;
    char s0[16], s1[16], t0[11], t1[11];

    date_format(d0, t0);
    date_format(d1, t1);
    value_or_dash(s0, sizeof(s0), h0->has_score, h0->score);
    value_or_dash(s1, sizeof(s1), h1->has_score, h1->score);
    printf("%s  health %s (%s) on %s -> %s (%s) on %s", a1->account_id, s0,
           h0->band ? h0->band : "-", t0, s1, h1->band ? h1->band : "-", t1);
    if (h0->has_score && h1->has_score)
        printf("  change %+.1f", h1->score - h0->score);
    printf("\n  %-10s %10s %10s %7s\n", "component", t0, t1, "change");
    for (int c = 0; c < SIG_N_COMPONENTS; c++) {
        value_or_dash(s0, sizeof(s0), h0->has_component[c], h0->component[c]);
        value_or_dash(s1, sizeof(s1), h1->has_component[c], h1->component[c]);
        printf("  %-10s %10s %10s", sig_component_name((enum sig_component)c),
               s0, s1);
        if (h0->has_component[c] && h1->has_component[c])
            printf(" %+7.1f", h1->component[c] - h0->component[c]);
        putchar('\n');
    }
    if (n)
        printf("  moved by (points the signal costs the score):\n");
    for (size_t i = 0; i < n; i++)
        printf("    %-36s %6.1f -> %6.1f\n", m[i].signal, m[i].before,
               m[i].after);
}

static cJSON *compare_json(const struct sig_account *a0,
                           const struct sig_account *a1, int32_t d0, int32_t d1,
                           const struct moved *m, size_t n)
{
    cJSON *o = cJSON_CreateObject(), *h0, *h1, *arr;
    char t[11];

    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "account_id", a1->account_id);
    date_format(d0, t);
    cJSON_AddStringToObject(o, "from", t);
    date_format(d1, t);
    cJSON_AddStringToObject(o, "to", t);
    h0 = sig_account_json(a0);
    h1 = sig_account_json(a1);
    if (h0)
        cJSON_AddItemToObject(o, "health_from",
                              cJSON_DetachItemFromObject(h0, "health"));
    if (h1)
        cJSON_AddItemToObject(o, "health_to",
                              cJSON_DetachItemFromObject(h1, "health"));
    cJSON_Delete(h0);
    cJSON_Delete(h1);
    arr = cJSON_AddArrayToObject(o, "moved");
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *e = cJSON_CreateObject();

        cJSON_AddItemToArray(arr, e);
        cJSON_AddStringToObject(e, "signal", m[i].signal);
        cJSON_AddNumberToObject(e, "points_from", m[i].before);
        cJSON_AddNumberToObject(e, "points_to", m[i].after);
    }
    if (!h0 || !h1 || !arr || !cJSON_GetObjectItem(o, "health_to")) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static enum csmap_rc compare(struct sig_cli_env *env,
                             const struct sig_cli_opts *o,
                             const struct sig_set *now)
{
    struct sig_set *then = NULL;
    struct moved m[32];
    size_t n;
    enum csmap_rc rc;

    if ((rc = sig_cli_compute(env, o, o->compare, &then)))
        return rc;
    n = moved_signals(&then->accounts[0].health, &now->accounts[0].health, m,
                      32);
    if (o->format == SIG_FMT_TABLE) {
        print_compare_table(&then->accounts[0], &now->accounts[0], o->compare,
                            o->as_of, m, n);
        rc = sig_cli_flush();
    } else {
        rc = sig_cli_print_json(compare_json(
            &then->accounts[0], &now->accounts[0], o->compare, o->as_of, m, n));
    }
    sig_set_free(then);
    return rc;
}

int cmd_health(struct cli *cli, int argc, char **argv)
{
    struct sig_cli_opts o;
    struct sig_cli_env env = {0};
    struct sig_set *set = NULL;
    enum csmap_rc rc;

    if ((rc = sig_cli_parse("health", argc, argv,
                            SIG_OPT_ACCOUNT | SIG_OPT_SEGMENT | SIG_OPT_COMPARE,
                            &o)))
        goto out;
    if (o.compare != DATE_NONE && !o.account) {
        rc = cli_usage_error("health", "--compare needs --account");
        goto out;
    }
    if (o.compare != DATE_NONE && o.format == SIG_FMT_CSV) {
        rc = cli_usage_error("health", "--compare prints a table or json");
        goto out;
    }
    if ((rc = sig_cli_open(cli, &env)) ||
        (rc = sig_cli_compute(&env, &o, o.as_of, &set)))
        goto out;
    if ((rc = sig_cli_redirect(&o)))
        goto out;
    if (o.compare != DATE_NONE)
        rc = compare(&env, &o, set);
    else
        rc = print_health(set, o.format);

out:
    sig_set_free(set);
    sig_cli_close(&env);
    return rc_exit_code(rc);
}
