/* Options, loading and JSON/CSV output shared by the signal commands. */
#include "sig_cli.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>

#include "csmap/buf.h"
#include "csmap/cli.h"
#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/signals.h"
#include "csmap/store.h"

static enum csmap_rc parse_format(const char *command, const char *v,
                                  enum sig_cli_format *f)
{
    if (strcmp(v, "table") == 0)
        *f = SIG_FMT_TABLE;
    else if (strcmp(v, "json") == 0)
        *f = SIG_FMT_JSON;
    else if (strcmp(v, "csv") == 0)
        *f = SIG_FMT_CSV;
    else
        return cli_usage_error(command,
                               "--format: '%s' is not table, json or csv", v);
    return CS_OK;
}

static enum csmap_rc parse_compare(const char *v, int32_t *day)
{
    if (!date_parse(v, strlen(v), day)) {
        log_error("--compare: '%s' is not a date (expected YYYY-MM-DD)", v);
        return CS_USAGE;
    }
    return CS_OK;
}

/* One option at argv[*i]; CS_NOTFOUND when it is none of ours. */
static enum csmap_rc parse_one(const char *command, int argc, char **argv,
                               int *i, unsigned allowed, struct sig_cli_opts *o)
{
    enum csmap_rc bad = CS_OK;
    const char *v;

    if ((v = cli_option_value(command, argc, argv, i, "--as-of", &bad)))
        return cli_parse_as_of(v, &o->as_of);
    if (!bad &&
        (v = cli_option_value(command, argc, argv, i, "--format", &bad)))
        return parse_format(command, v, &o->format);
    if (!bad && ((v = cli_option_value(command, argc, argv, i, "-o", &bad)) ||
                 (!bad && (v = cli_option_value(command, argc, argv, i,
                                                "--output", &bad))))) {
        o->output = v;
        return CS_OK;
    }
    if (!bad && (allowed & SIG_OPT_ACCOUNT) &&
        (v = cli_option_value(command, argc, argv, i, "--account", &bad))) {
        o->account = v;
        return CS_OK;
    }
    if (!bad && (allowed & SIG_OPT_SEGMENT) &&
        (v = cli_option_value(command, argc, argv, i, "--segment", &bad))) {
        o->segment = v;
        return CS_OK;
    }
    if (!bad && (allowed & SIG_OPT_COMPARE) &&
        (v = cli_option_value(command, argc, argv, i, "--compare", &bad)))
        return parse_compare(v, &o->compare);
    return bad ? CS_USAGE : CS_NOTFOUND;
}

enum csmap_rc sig_cli_parse(const char *command, int argc, char **argv,
                            unsigned allowed, struct sig_cli_opts *o)
{
    enum csmap_rc rc;

    memset(o, 0, sizeof(*o));
    o->as_of = date_today();
    o->compare = DATE_NONE;
    o->format = SIG_FMT_TABLE;
    for (int i = 1; i < argc; i++) {
        rc = parse_one(command, argc, argv, &i, allowed, o);
        if (rc == CS_NOTFOUND && argv[i][0] == '-')
            return cli_usage_error(command, "unknown option '%s'", argv[i]);
        if (rc == CS_NOTFOUND)
            return cli_usage_error(command, "unexpected argument '%s'",
                                   argv[i]);
        if (rc)
            return rc;
    }
    return CS_OK;
}

enum csmap_rc sig_cli_open(const struct cli *cli, struct sig_cli_env *env)
{
    enum csmap_rc rc;

    memset(env, 0, sizeof(*env));
    if ((rc = cli_load_config(cli, &env->cfg)))
        return rc;
    if (!config_ready_for_signals(env->cfg))
        return CS_CONFIG;
    return cli_open_store(cli, false, &env->st);
}

void sig_cli_close(struct sig_cli_env *env)
{
    store_close(env->st);
    config_free(env->cfg);
    env->st = NULL;
    env->cfg = NULL;
}

enum csmap_rc sig_cli_compute(struct sig_cli_env *env,
                              const struct sig_cli_opts *o, int32_t day,
                              struct sig_set **out)
{
    return sig_cli_compute_dates(env, o, &day, 1, out);
}

enum csmap_rc sig_cli_compute_dates(struct sig_cli_env *env,
                                    const struct sig_cli_opts *o,
                                    const int32_t *days, size_t n,
                                    struct sig_set **out)
{
    enum csmap_rc rc = sig_compute_dates(env->st, env->cfg, days, n, o->account,
                                         o->segment, out);
    char d[11];

    if (rc || n == 0 || out[0]->n_accounts > 0)
        return rc;
    date_format(days[0], d);
    if (o->account)
        log_error("account '%s' had not signed up by %s", o->account, d);
    else if (o->segment)
        log_error("no account of segment '%s' had signed up by %s", o->segment,
                  d);
    else
        cli_no_accounts(env->st, days[0]);
    for (size_t k = 0; k < n; k++) {
        sig_set_free(out[k]);
        out[k] = NULL;
    }
    return CS_NOTFOUND;
}

enum csmap_rc sig_cli_redirect(const struct sig_cli_opts *o)
{
    if (!o->output || strcmp(o->output, "-") == 0)
        return CS_OK;
    if (!freopen(o->output, "w", stdout)) {
        log_error("cannot write '%s': %s", o->output, strerror(errno));
        return CS_IO;
    }
    return CS_OK;
}

enum csmap_rc sig_cli_flush(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        log_error("cannot write to standard output: %s", strerror(errno));
        return CS_IO;
    }
    return CS_OK;
}

enum csmap_rc sig_cli_print_json(cJSON *json)
{
    char *text;

    if (!json) {
        log_error("out of memory building the JSON output");
        return CS_NOMEM;
    }
    text = cJSON_Print(json);
    cJSON_Delete(json);
    if (!text) {
        log_error("out of memory printing the JSON output");
        return CS_NOMEM;
    }
    fputs(text, stdout);
    fputc('\n', stdout);
    cJSON_free(text);
    return sig_cli_flush();
}

void sig_cli_cell(FILE *out, const char *s, int width, bool left)
{
    int n = (int)strlen(s);

    if (n > width && width > 1)
        fprintf(out, "%.*s~", width - 1, s);
    else if (left)
        fprintf(out, "%-*.*s", width, width, s);
    else
        fprintf(out, "%*.*s", width, width, s);
}

/* ---- CSV ---- */

/* Append the plain text of a scalar: strings raw, null empty. */
static enum csmap_rc scalar_text(struct buf *b, const cJSON *v)
{
    char *p;
    enum csmap_rc rc;

    if (cJSON_IsNull(v))
        return CS_OK;
    if (cJSON_IsString(v))
        return buf_adds(b, v->valuestring);
    if (cJSON_IsBool(v))
        return buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
    if (!(p = cJSON_PrintUnformatted(v)))
        return CS_NOMEM;
    rc = buf_adds(b, p);
    cJSON_free(p);
    return rc;
}

/* Lists and objects in one cell: items joined by ';', an object's values
 * by ':' (keyed objects of counts as key:count). */
static enum csmap_rc cell_text(struct buf *b, const cJSON *v, bool keyed)
{
    const cJSON *it;
    enum csmap_rc rc = CS_OK;
    bool first = true;

    if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
        return scalar_text(b, v);
    cJSON_ArrayForEach(it, v)
    {
        if (!first)
            rc = buf_adds(b, keyed ? ":" : ";");
        if (!rc && cJSON_IsObject(v) && !keyed)
            rc = buf_printf(b, "%s:", it->string);
        if (!rc)
            rc = cJSON_IsObject(it) ? cell_text(b, it, true)
                                    : scalar_text(b, it);
        if (rc)
            return rc;
        first = false;
    }
    return CS_OK;
}

static void csv_field(const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    fputc('"', stdout);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', stdout);
        fputc(*s, stdout);
    }
    fputc('"', stdout);
}

/* Visit the columns of one row: top-level scalars, and one level of
 * nested objects as parent.key. */
static enum csmap_rc csv_row(const cJSON *row, bool header)
{
    const cJSON *top, *in;
    struct buf b = BUF_INIT;
    bool first = true;
    enum csmap_rc rc = CS_OK;

    cJSON_ArrayForEach(top, row)
    {
        bool nested = cJSON_IsObject(top);

        for (in = nested ? top->child : top; in && !rc;
             in = nested ? in->next : NULL) {
            buf_reset(&b);
            if (header)
                rc = nested ? buf_printf(&b, "%s.%s", top->string, in->string)
                            : buf_adds(&b, top->string);
            else
                rc = cell_text(&b, in, false);
            if (!first)
                fputc(',', stdout);
            csv_field(buf_str(&b));
            first = false;
        }
    }
    fputc('\n', stdout);
    buf_release(&b);
    return rc;
}

enum csmap_rc sig_cli_print_csv(const cJSON *arr)
{
    const cJSON *row;
    enum csmap_rc rc = CS_OK;

    if (!arr) {
        log_error("out of memory building the CSV output");
        return CS_NOMEM;
    }
    if (arr->child)
        rc = csv_row(arr->child, true);
    cJSON_ArrayForEach(row, arr)
    {
        if (rc)
            break;
        rc = csv_row(row, false);
    }
    if (rc) {
        log_error("out of memory printing the CSV output");
        return rc;
    }
    return sig_cli_flush();
}
