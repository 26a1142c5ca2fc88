/* csmap prompts: list, show and export the prompt templates. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "csmap/buf.h"
#include "csmap/cli.h"
#include "csmap/embedded.h"
#include "csmap/log.h"
#include "csmap/prompt.h"

/* The workspace folder that overrides the built-in prompts. */
#define WORKSPACE_DIR "prompts"

enum ls_format { LS_TABLE, LS_JSON, LS_CSV };

static void print_row(enum ls_format fmt, const struct prompt *p)
{
    const struct prompt_header *h = &p->hdr;

    if (fmt == LS_CSV)
        printf("%s,%d,%s,%s,%s,%s\n", h->name, h->version, h->stage,
               prompt_scope_name(h->scope), prompt_output_name(h->output),
               prompt_source_name(p->source));
    else
        printf("%-24s %7d  %-10s %-8s %-8s %s\n", h->name, h->version, h->stage,
               prompt_scope_name(h->scope), prompt_output_name(h->output),
               prompt_source_name(p->source));
}

static cJSON *row_json(const struct prompt *p)
{
    const struct prompt_header *h = &p->hdr;
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddStringToObject(o, "name", h->name) ||
        !cJSON_AddNumberToObject(o, "version", h->version) ||
        !cJSON_AddStringToObject(o, "stage", h->stage) ||
        !cJSON_AddStringToObject(o, "scope", prompt_scope_name(h->scope)) ||
        !cJSON_AddStringToObject(o, "output", prompt_output_name(h->output)) ||
        !cJSON_AddStringToObject(o, "source", prompt_source_name(p->source))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static enum csmap_rc print_json(cJSON *arr)
{
    char *s = cJSON_Print(arr);

    if (!s)
        return CS_NOMEM;
    printf("%s\n", s);
    cJSON_free(s);
    return CS_OK;
}

/*
 * One line per artifact prompt.  A workspace prompt with a bad header is
 * reported and left out; the command then fails with that error.
 */
static enum csmap_rc prompts_ls(struct prompt_lib *lib, enum ls_format fmt)
{
    char **names = NULL;
    size_t n = 0;
    cJSON *arr = NULL;
    enum csmap_rc rc, worst = CS_OK;

    if ((rc = prompt_lib_names(lib, false, &names, &n)) != CS_OK)
        goto out;
    if (fmt == LS_JSON && !(arr = cJSON_CreateArray())) {
        rc = CS_NOMEM;
        goto out;
    }
    if (fmt == LS_TABLE)
        printf("%-24s %7s  %-10s %-8s %-8s %s\n", "NAME", "VERSION", "STAGE",
               "SCOPE", "OUTPUT", "SOURCE");
    else if (fmt == LS_CSV)
        printf("name,version,stage,scope,output,source\n");
    for (size_t i = 0; i < n; i++) {
        const struct prompt *p;
        if ((rc = prompt_lib_get(lib, names[i], &p)) != CS_OK) {
            if (rc == CS_NOMEM)
                goto out;
            worst = rc;
            continue;
        }
        if (fmt != LS_JSON)
            print_row(fmt, p);
        else if (!cJSON_AddItemToArray(arr, row_json(p))) {
            rc = CS_NOMEM;
            goto out;
        }
    }
    rc = fmt == LS_JSON ? print_json(arr) : CS_OK;
    if (rc == CS_OK)
        rc = worst;

out:
    cJSON_Delete(arr);
    prompt_lib_names_free(names, n);
    return rc;
}

/* The raw file, byte for byte, partials included. */
static enum csmap_rc prompts_show(struct prompt_lib *lib, const char *name)
{
    const char *text;
    size_t len;
    const struct prompt *p;
    enum csmap_rc rc = prompt_lib_file(lib, name, &text, &len, NULL);

    if (rc == CS_NOTFOUND)
        return prompt_lib_get(lib, name, &p); /* reports the close names */
    if (rc != CS_OK)
        return rc;
    if (len && fwrite(text, 1, len, stdout) != len)
        return CS_IO;
    return CS_OK;
}

/* Write len bytes of text to path with mode 0644, replacing it. */
static enum csmap_rc write_file(const char *path, const char *text, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    size_t done = 0;

    if (fd < 0) {
        log_error("cannot write '%s': %s", path, strerror(errno));
        return CS_IO;
    }
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            log_error("cannot write '%s': %s", path, strerror(errno));
            close(fd);
            return CS_IO;
        }
        done += (size_t)w;
    }
    if (fchmod(fd, 0644) != 0 || close(fd) != 0) {
        log_error("cannot write '%s': %s", path, strerror(errno));
        return CS_IO;
    }
    return CS_OK;
}

/* Each built-in prompt file: its name after "prompts/", or NULL. */
static const char *builtin_file(const struct embedded_file *e)
{
    static const char prefix[] = "prompts/";

    if (strncmp(e->path, prefix, sizeof(prefix) - 1) != 0)
        return NULL;
    return e->path + sizeof(prefix) - 1;
}

static enum csmap_rc export_check(const char *dir, bool force)
{
    struct stat st;
    char path[4096];

    if (stat(dir, &st) != 0) {
        log_error("cannot export into '%s': %s", dir, strerror(errno));
        return CS_IO;
    }
    if (!S_ISDIR(st.st_mode)) {
        log_error("cannot export into '%s': not a folder", dir);
        return CS_IO;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        log_error("cannot export into '%s': %s", dir, strerror(errno));
        return CS_IO;
    }
    for (const struct embedded_file *e = embedded_files; e->path; e++) {
        const char *name = builtin_file(e);
        if (!name || strchr(name, '/') || force)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (lstat(path, &st) == 0) {
            log_error("'%s' exists; use --force to overwrite it", path);
            return CS_ERR;
        }
    }
    return CS_OK;
}

/* Every built-in prompt into dir, each as NAME.mustache, mode 0644. */
static enum csmap_rc prompts_export(const char *dir, bool force)
{
    char path[4096];
    enum csmap_rc rc;
    int count = 0;

    if ((rc = export_check(dir, force)) != CS_OK)
        return rc;
    for (const struct embedded_file *e = embedded_files; e->path; e++) {
        const char *name = builtin_file(e);
        if (!name || strchr(name, '/'))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if ((rc = write_file(path, e->data, e->len)) != CS_OK)
            return rc;
        count++;
    }
    log_note("exported %d prompt files into '%s'", count, dir);
    return CS_OK;
}

static enum csmap_rc parse_format(const char *v, enum ls_format *fmt)
{
    if (strcmp(v, "table") == 0)
        *fmt = LS_TABLE;
    else if (strcmp(v, "json") == 0)
        *fmt = LS_JSON;
    else if (strcmp(v, "csv") == 0)
        *fmt = LS_CSV;
    else
        return cli_usage_error("prompts",
                               "unknown format '%s' (expected "
                               "table, json or csv)",
                               v);
    return CS_OK;
}

/* The arguments after the subcommand: --force, --format, one operand. */
struct prompts_args {
    bool force;
    enum ls_format fmt;
    const char *operand;
};

static enum csmap_rc parse_args(int argc, char **argv, struct prompts_args *a)
{
    enum csmap_rc rc;

    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--force") == 0) {
            a->force = true;
        } else if (strncmp(s, "--format=", 9) == 0) {
            if ((rc = parse_format(s + 9, &a->fmt)) != CS_OK)
                return rc;
        } else if (strcmp(s, "--format") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("prompts", "--format needs a value");
            if ((rc = parse_format(argv[++i], &a->fmt)) != CS_OK)
                return rc;
        } else if (s[0] == '-' && s[1]) {
            return cli_usage_error("prompts", "unknown option '%s'", s);
        } else if (a->operand) {
            return cli_usage_error("prompts", "unexpected argument '%s'", s);
        } else {
            a->operand = s;
        }
    }
    return CS_OK;
}

static enum csmap_rc run(int argc, char **argv)
{
    struct prompts_args a = {false, LS_TABLE, NULL};
    struct prompt_lib *lib = NULL;
    const char *sub = argc > 1 ? argv[1] : NULL;
    enum csmap_rc rc;

    if (!sub)
        return cli_usage_error("prompts", "say ls, show NAME or export DIR");
    if ((rc = parse_args(argc, argv, &a)) != CS_OK)
        return rc;
    if (strcmp(sub, "ls") == 0 && a.operand)
        return cli_usage_error("prompts", "ls takes no argument");
    if ((strcmp(sub, "show") == 0 || strcmp(sub, "export") == 0) && !a.operand)
        return cli_usage_error("prompts", "%s needs %s", sub,
                               sub[0] == 's' ? "a prompt name" : "a folder");
    if (strcmp(sub, "export") == 0)
        return prompts_export(a.operand, a.force);
    if (strcmp(sub, "ls") && strcmp(sub, "show"))
        return cli_usage_error("prompts", "unknown subcommand '%s'", sub);
    if ((rc = prompt_lib_open(WORKSPACE_DIR, &lib)) != CS_OK)
        return rc;
    rc = sub[0] == 'l' ? prompts_ls(lib, a.fmt) : prompts_show(lib, a.operand);
    prompt_lib_free(lib);
    return rc;
}

int cmd_prompts(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    return rc_exit_code(run(argc, argv));
}
