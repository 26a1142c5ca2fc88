/* Compute, build, render and write the map, all files or none. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/report.h"
#include "csmap/signals.h"

/* One output file: rendered to a temporary file, renamed at the end. */
struct out_file {
    char path[4096];
    char tmp[4112];
    bool written;
};

static const char *format_ext(enum report_format fmt)
{
    return fmt == REPORT_HTML ? ".html" : fmt == REPORT_MD ? ".md" : ".json";
}

enum csmap_rc report_check_output(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    struct stat sb;

    if (!slash)
        return CS_OK;
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    if (dir[0] == '\0')
        snprintf(dir, sizeof(dir), "/");
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        log_error("cannot write '%s': the folder '%s' does not exist", path,
                  dir);
        return CS_IO;
    }
    return CS_OK;
}

static enum csmap_rc write_all(int fd, const char *data, size_t n,
                               const char *path)
{
    while (n > 0) {
        ssize_t w = write(fd, data, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            log_error("cannot write '%s': %s", path, strerror(errno));
            return CS_IO;
        }
        data += w;
        n -= (size_t)w;
    }
    return CS_OK;
}

/* Write b into a new temporary file next to f->path, mode 0644. */
static enum csmap_rc stage_file(struct out_file *f, const struct buf *b)
{
    const char *slash = strrchr(f->path, '/');
    int fd;
    enum csmap_rc rc;

    snprintf(f->tmp, sizeof(f->tmp), "%.*s.%s.XXXXXX",
             slash ? (int)(slash - f->path + 1) : 0, f->path,
             slash ? slash + 1 : f->path);
    fd = mkstemp(f->tmp);
    if (fd < 0) {
        log_error("cannot write '%s': %s", f->path, strerror(errno));
        return CS_IO;
    }
    f->written = true;
    rc = fchmod(fd, 0644) == 0 ? CS_OK : CS_IO;
    if (rc)
        log_error("cannot write '%s': %s", f->path, strerror(errno));
    if (!rc)
        rc = write_all(fd, b->data ? b->data : "", b->len, f->path);
    if (close(fd) != 0 && !rc) {
        log_error("cannot write '%s': %s", f->path, strerror(errno));
        rc = CS_IO;
    }
    return rc;
}

static void drop_files(struct out_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (files[i].written)
            unlink(files[i].tmp);
}

static enum csmap_rc commit_files(struct out_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (rename(files[i].tmp, files[i].path) != 0) {
            log_error("cannot write '%s': %s", files[i].path, strerror(errno));
            drop_files(files + i, n - i);
            return CS_IO;
        }
        files[i].written = false;
    }
    return CS_OK;
}

static enum csmap_rc render_file(cJSON *model, enum report_format fmt, int page,
                                 bool index, struct out_file *f)
{
    struct buf b = BUF_INIT;
    enum csmap_rc rc = report_render(model, fmt, page, index, &b);

    if (!rc)
        rc = stage_file(f, &b);
    buf_release(&b);
    return rc;
}

/* "dir/map.html" -> stem "dir/map"; the page files are stem-SLUG.html. */
static void split_path(const char *path, const char *ext, char *stem, size_t n)
{
    size_t len = strlen(path), el = strlen(ext);

    if (len > el && strcmp(path + len - el, ext) == 0)
        len -= el;
    snprintf(stem, n, "%.*s", (int)len, path);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

/* The index in path and one file per page, or one file for one page. */
static enum csmap_rc write_files(cJSON *model, enum report_format fmt,
                                 const char *path)
{
    const char *ext = format_ext(fmt);
    int n =
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(model, "pages"));
    bool split = fmt != REPORT_JSON && n > 1;
    size_t nf = split ? (size_t)n + 1 : 1;
    struct out_file *files = mem_calloc(nf, sizeof(*files));
    cJSON *segs = cJSON_GetObjectItemCaseSensitive(model, "segments");
    char stem[4096];
    enum csmap_rc rc = CS_OK;

    if (!files)
        return CS_NOMEM;
    snprintf(files[0].path, sizeof(files[0].path), "%s", path);
    split_path(path, ext, stem, sizeof(stem));
    if (split)
        rc = report_set_links(model, base_name(stem), ext, base_name(path));
    if (!rc)
        rc = render_file(model, fmt, -1, split, &files[0]);
    for (int i = 0; split && !rc && i < n; i++) {
        const char *href =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                cJSON_GetArrayItem(segs, i), "href"));

        snprintf(files[i + 1].path, sizeof(files[i + 1].path), "%.*s%s",
                 (int)(strlen(path) - strlen(base_name(path))), path,
                 href ? href : "page");
        rc = render_file(model, fmt, i, false, &files[i + 1]);
    }
    if (!rc)
        rc = commit_files(files, nf);
    else
        drop_files(files, nf);
    mem_free(files);
    return rc;
}

static enum csmap_rc write_stdout(cJSON *model, enum report_format fmt)
{
    struct buf b = BUF_INIT;
    enum csmap_rc rc;

    if ((rc = report_set_links(model, NULL, NULL, NULL)) ||
        (rc = report_render(model, fmt, -1, false, &b)))
        goto out;
    if (fwrite(buf_str(&b), 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
        log_error("cannot write the map to standard output: %s",
                  strerror(errno));
        rc = CS_IO;
    }
out:
    buf_release(&b);
    return rc;
}

enum csmap_rc report_write(const struct report_input *in,
                           enum report_format fmt, const char *path)
{
    cJSON *model = NULL;
    enum csmap_rc rc;

    if (!(rc = report_model(in, &model))) {
        if (path)
            rc = write_files(model, fmt, path);
        else
            rc = write_stdout(model, fmt);
    }
    if (rc == CS_NOMEM)
        log_error("out of memory making the map");
    cJSON_Delete(model);
    return rc;
}

enum csmap_rc report_write_each(const struct report_input *in,
                                const struct report_output *outs, size_t n)
{
    cJSON *model = NULL;
    enum csmap_rc rc;

    /* JSON first: the pages of HTML and Markdown set links in the model
     * that the JSON document does not carry. */
    if (!(rc = report_model(in, &model))) {
        for (size_t i = 0; i < n && !rc; i++)
            if (outs[i].fmt == REPORT_JSON)
                rc = write_files(model, outs[i].fmt, outs[i].path);
        for (size_t i = 0; i < n && !rc; i++)
            if (outs[i].fmt != REPORT_JSON)
                rc = write_files(model, outs[i].fmt, outs[i].path);
    }
    if (rc == CS_NOMEM)
        log_error("out of memory making the map");
    cJSON_Delete(model);
    return rc;
}
