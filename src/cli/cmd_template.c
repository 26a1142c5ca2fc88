/* csmap template render: render a Mustache file with JSON data. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "csmap/buf.h"
#include "csmap/cli.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/mustache.h"

#define MAX_INPUT ((size_t)64 << 20)

struct render_args {
    const char *partials; /* --partials DIR, or NULL */
    char dir[4096];       /* where partials are: DIR or the template's */
    const char *tpl_path;
    const char *data_path; /* NULL: {} */
    enum tpl_escape escape;
};

/* Read a whole file ('-' is standard input) into b. */
static enum csmap_rc read_all(const char *path, struct buf *b)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char chunk[65536];
    size_t n;
    enum csmap_rc rc = CS_OK;

    if (!f)
        return errno == ENOENT ? CS_NOTFOUND : CS_IO;
    while (rc == CS_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = buf_add(b, chunk, n);
    if (rc == CS_OK && ferror(f))
        rc = CS_IO;
    if (f != stdin)
        fclose(f);
    return rc;
}

static enum csmap_rc read_input(const char *what, const char *path,
                                struct buf *b)
{
    enum csmap_rc rc;

    buf_init(b, MAX_INPUT);
    errno = 0;
    rc = read_all(path, b);
    if (rc == CS_TOOBIG)
        log_error("cannot read %s '%s': larger than %zu bytes", what, path,
                  MAX_INPUT);
    else if (rc == CS_NOMEM)
        log_error("cannot read %s '%s': out of memory", what, path);
    else if (rc)
        log_error("cannot read %s '%s': %s", what, path,
                  errno ? strerror(errno) : "read error");
    return rc == CS_NOTFOUND ? CS_IO : rc;
}

/* A partial name that stays inside the partials folder. */
static bool safe_name(const char *name)
{
    const char *p = name;

    if (name[0] == '/' || name[0] == '\0')
        return false;
    while (p) {
        if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
            return false;
        p = strchr(p, '/');
        if (p)
            p++;
    }
    return true;
}

static enum csmap_rc load_partial(void *ctx, const char *name, char **text,
                                  size_t *len)
{
    const char *dir = ctx;
    struct buf path = BUF_INIT, body = BUF_INIT;
    enum csmap_rc rc;

    if (!safe_name(name))
        return CS_NOTFOUND;
    rc = buf_printf(&path, "%s/%s.mustache", dir, name);
    if (rc)
        goto out;
    errno = 0;
    rc = read_all(buf_str(&path), &body);
    if (rc && rc != CS_NOTFOUND)
        log_error("cannot read partial '%s': %s", buf_str(&path),
                  errno ? strerror(errno) : rc_str(rc));
    if (rc)
        goto out;
    *len = body.len;
    *text = buf_detach(&body);
    rc = *text ? CS_OK : CS_NOMEM;

out:
    buf_release(&path);
    buf_release(&body);
    return rc;
}

/* Line and column of offset in text, both from 1. */
static void position(const char *text, size_t offset, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static enum csmap_rc parse_data(const char *path, cJSON **data)
{
    struct buf text;
    const char *end = NULL;
    enum csmap_rc rc;
    int line, col;

    if (!path) {
        *data = cJSON_CreateObject();
        return *data ? CS_OK : CS_NOMEM;
    }
    rc = read_input("data file", path, &text);
    if (rc)
        return rc;
    *data = cJSON_ParseWithLengthOpts(buf_str(&text), text.len + 1, &end, true);
    if (!*data) {
        size_t at = end ? (size_t)(end - buf_str(&text)) : 0;

        if (at > text.len)
            at = text.len;
        position(buf_str(&text), at, &line, &col);
        log_error("invalid JSON in '%s': line %d, column %d (byte %zu)", path,
                  line, col, at);
        rc = CS_DATA;
    }
    buf_release(&text);
    return rc;
}

static void report(const struct render_args *a, const struct tpl_error *err)
{
    char where[4300];

    if (strcmp(err->template_name, a->tpl_path) == 0)
        snprintf(where, sizeof(where), "%s", a->tpl_path);
    else if (strcmp(a->dir, ".") == 0)
        snprintf(where, sizeof(where), "%s.mustache", err->template_name);
    else
        snprintf(where, sizeof(where), "%s/%s.mustache", a->dir,
                 err->template_name);
    if (err->line > 0)
        log_error("%s:%d:%d: %s", where, err->line, err->column, err->message);
    else
        log_error("%s: %s", where, err->message);
}

static enum csmap_rc write_out(const struct buf *out)
{
    if (fwrite(buf_str(out), 1, out->len, stdout) != out->len ||
        fflush(stdout) != 0) {
        log_error("cannot write standard output: %s", strerror(errno));
        return CS_IO;
    }
    return CS_OK;
}

/* The partials folder: --partials, else the template's own folder. */
static void partials_dir(struct render_args *a)
{
    const char *slash;

    if (a->partials) {
        snprintf(a->dir, sizeof(a->dir), "%s", a->partials);
        return;
    }
    slash = strrchr(a->tpl_path, '/');
    if (!slash)
        snprintf(a->dir, sizeof(a->dir), ".");
    else if (slash == a->tpl_path)
        snprintf(a->dir, sizeof(a->dir), "/");
    else
        snprintf(a->dir, sizeof(a->dir), "%.*s", (int)(slash - a->tpl_path),
                 a->tpl_path);
}

static enum csmap_rc render(struct render_args *a)
{
    struct buf tpl = BUF_INIT, out = BUF_INIT;
    cJSON *data = NULL;
    struct tpl_options opt = {0};
    struct tpl_error err;
    enum csmap_rc rc;

    rc = read_input("template", a->tpl_path, &tpl);
    if (rc)
        goto out;
    rc = parse_data(a->data_path, &data);
    if (rc)
        goto out;
    opt.escape = a->escape;
    opt.load = load_partial;
    partials_dir(a);
    opt.load_ctx = a->dir;
    rc =
        tpl_render(a->tpl_path, buf_str(&tpl), tpl.len, data, &opt, &out, &err);
    if (rc) {
        report(a, &err);
        if (rc == CS_DATA)
            rc = CS_ERR;
        goto out;
    }
    rc = write_out(&out);

out:
    cJSON_Delete(data);
    buf_release(&tpl);
    buf_release(&out);
    return rc;
}

static enum csmap_rc parse_escape(const char *s, enum tpl_escape *e)
{
    if (strcmp(s, "html") == 0)
        *e = TPL_ESCAPE_HTML;
    else if (strcmp(s, "prompt") == 0)
        *e = TPL_ESCAPE_PROMPT;
    else if (strcmp(s, "none") == 0)
        *e = TPL_ESCAPE_NONE;
    else
        return cli_usage_error("template",
                               "unknown escape mode '%s' "
                               "(use html, prompt or none)",
                               s);
    return CS_OK;
}

static enum csmap_rc parse_args(int argc, char **argv, struct render_args *a)
{
    enum csmap_rc rc = CS_OK;
    int npos = 0;
    bool options = true;

    a->escape = TPL_ESCAPE_HTML;
    for (int i = 2; i < argc && rc == CS_OK; i++) {
        const char *v;

        if (options && strcmp(argv[i], "--") == 0) {
            options = false;
        } else if (options && (v = cli_option_value("template", argc, argv, &i,
                                                    "--partials", &rc))) {
            a->partials = v;
        } else if (options && (v = cli_option_value("template", argc, argv, &i,
                                                    "--escape", &rc))) {
            rc = parse_escape(v, &a->escape);
        } else if (rc) {
            break;
        } else if (options && argv[i][0] == '-' && argv[i][1]) {
            rc = cli_usage_error("template", "unknown option '%s'", argv[i]);
        } else if (npos == 0) {
            a->tpl_path = argv[i];
            npos++;
        } else if (npos == 1) {
            a->data_path = argv[i];
            npos++;
        } else {
            rc = cli_usage_error("template", "too many arguments");
        }
    }
    if (rc == CS_OK && !a->tpl_path)
        rc = cli_usage_error("template", "render needs a template file");
    if (rc == CS_OK && a->data_path && strcmp(a->tpl_path, "-") == 0 &&
        strcmp(a->data_path, "-") == 0)
        rc = cli_usage_error("template", "the template and the data cannot "
                                         "both be standard input");
    return rc;
}

int cmd_template(struct cli *cli, int argc, char **argv)
{
    struct render_args a = {0};
    enum csmap_rc rc;

    (void)cli;
    if (argc < 2)
        return rc_exit_code(cli_usage_error("template", "missing action "
                                                        "(render)"));
    if (strcmp(argv[1], "render") != 0)
        return rc_exit_code(cli_usage_error("template",
                                            "unknown action "
                                            "'%s'",
                                            argv[1]));
    rc = parse_args(argc, argv, &a);
    if (rc == CS_OK)
        rc = render(&a);
    return rc_exit_code(rc);
}
