/* csmap init: write a commented starting configuration. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmap/cli.h"
#include "csmap/embedded.h"
#include "csmap/log.h"

static enum csmap_rc write_new(const char *path, const char *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    ssize_t w;

    if (fd < 0) {
        if (errno == EEXIST)
            log_error("'%s' already exists; not overwriting it", path);
        else
            log_error("cannot create '%s': %s", path, strerror(errno));
        return CS_IO;
    }
    while (n > 0) {
        w = write(fd, data, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            log_error("cannot write '%s': %s", path, strerror(errno));
            close(fd);
            unlink(path);
            return CS_IO;
        }
        data += w;
        n -= (size_t)w;
    }
    if (close(fd) != 0) {
        log_error("cannot write '%s': %s", path, strerror(errno));
        unlink(path);
        return CS_IO;
    }
    return CS_OK;
}

/* mkdir -p: the folder and those above it that are missing. */
static enum csmap_rc make_dirs(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);

    if (n == 0 || n >= sizeof(path)) {
        log_error("cannot create '%s': the name is empty or too long", dir);
        return CS_USAGE;
    }
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        path[i] = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            log_error("cannot create '%s': %s", path, strerror(errno));
            return CS_IO;
        }
        path[i] = dir[i];
    }
    return CS_OK;
}

int cmd_init(struct cli *cli, int argc, char **argv)
{
    const struct embedded_file *tpl = embedded_find("templates/init.json");
    const char *dir = ".";
    char path[4096];
    enum csmap_rc rc;

    (void)cli;
    if (argc > 2)
        return rc_exit_code(cli_usage_error("init", "too many arguments"));
    if (argc == 2) {
        dir = argv[1];
        if (argv[1][0] == '-')
            return rc_exit_code(
                cli_usage_error("init", "unknown option '%s'", argv[1]));
    }
    if ((rc = make_dirs(dir)))
        return rc_exit_code(rc);
    snprintf(path, sizeof(path), "%s%scsmap.json", dir,
             dir[strlen(dir) - 1] == '/' ? "" : "/");
    rc = write_new(path, tpl->data, tpl->len);
    if (rc)
        return rc_exit_code(rc);
    log_note("wrote %s; edit the onboarding steps and core events, then "
             "load data with 'csmap ingest FILE...'",
             path);
    return EXIT_OK;
}
