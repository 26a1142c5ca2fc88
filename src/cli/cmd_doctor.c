/* csmap doctor: check the configuration, the store, permissions, the
 * provider and redaction, and say what to fix. */
#include <curl/curl.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmap/cli.h"
#include "csmap/config.h"
#include "csmap/log.h"
#include "csmap/prompt.h"
#include "csmap/redact.h"
#include "csmap/schedule.h"
#include "csmap/store.h"

struct report {
    int problems;
    int warnings;
};

static void line(struct report *r, const char *status, const char *what,
                 const char *detail)
{
    if (strcmp(status, "fail") == 0)
        r->problems++;
    else if (strcmp(status, "warn") == 0)
        r->warnings++;
    printf("%-5s %-14s %s\n", status, what, detail);
}

static void check_mode(struct report *r, const char *what, const char *path)
{
    struct stat sb;
    char detail[512];

    if (stat(path, &sb) != 0)
        return;
    if (sb.st_mode & 077) {
        snprintf(detail, sizeof(detail),
                 "'%s' is readable by others (mode %03o); run chmod 600 '%s'",
                 path, (unsigned)(sb.st_mode & 0777), path);
        line(r, "fail", what, detail);
    } else {
        snprintf(detail, sizeof(detail), "'%s' is private (mode %03o)", path,
                 (unsigned)(sb.st_mode & 0777));
        line(r, "ok", what, detail);
    }
}

static void check_store(struct report *r, const struct cli *cli)
{
    struct store *st = NULL;
    sqlite3_stmt *stmt = NULL;
    char detail[512], wal[4096];
    long accounts = -1;

    if (access(cli->db_path, F_OK) != 0) {
        snprintf(detail, sizeof(detail),
                 "no store at '%s' yet; 'csmap ingest' creates it",
                 cli->db_path);
        line(r, "warn", "store", detail);
        return;
    }
    if (store_open(cli->db_path, false, &st) != CS_OK) {
        line(r, "fail", "store", "cannot open the store (see above)");
        return;
    }
    if (sqlite3_prepare_v2(store_db(st),
                           "SELECT (SELECT count(*) FROM account), "
                           "(SELECT quick_check FROM "
                           "pragma_quick_check)",
                           -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        const unsigned char *ok = sqlite3_column_text(stmt, 1);
        accounts = sqlite3_column_int64(stmt, 0);
        snprintf(detail, sizeof(detail),
                 "'%s': schema %d, %ld accounts, integrity %s", cli->db_path,
                 store_schema_version(), accounts, ok ? (const char *)ok : "?");
        line(r, ok && strcmp((const char *)ok, "ok") == 0 ? "ok" : "fail",
             "store", detail);
    } else {
        line(r, "fail", "store", sqlite3_errmsg(store_db(st)));
    }
    sqlite3_finalize(stmt);
    store_close(st);
    check_mode(r, "store mode", cli->db_path);
    snprintf(wal, sizeof(wal), "%s-wal", cli->db_path);
    check_mode(r, "wal mode", wal);
}

/* Whether the provider's host answers at all: a connection, no request
 * that needs the key. */
static void check_reachable(struct report *r, const struct config *cfg)
{
    CURL *curl;
    CURLcode res;
    char detail[512];

    if (strcmp(cfg->llm.provider, "fixture") == 0) {
        struct stat sb;
        int ok = stat(cfg->llm.fixtures_dir, &sb) == 0 && S_ISDIR(sb.st_mode);
        snprintf(detail, sizeof(detail), "fixture answers in '%s'%s",
                 cfg->llm.fixtures_dir, ok ? "" : ": no such folder");
        line(r, ok ? "ok" : "fail", "provider", detail);
        return;
    }
    curl = curl_easy_init();
    if (!curl) {
        line(r, "fail", "provider", "cannot start libcurl");
        return;
    }
    curl_easy_setopt(curl, CURLOPT_URL, cfg->llm.base_url);
    curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    res = curl_easy_perform(curl);
    snprintf(detail, sizeof(detail), "%s at %s (model %s): %s",
             cfg->llm.provider, cfg->llm.base_url, cfg->llm.model,
             res == CURLE_OK ? "reachable" : curl_easy_strerror(res));
    line(r, res == CURLE_OK ? "ok" : "fail", "provider", detail);
    curl_easy_cleanup(curl);
}

static void check_key(struct report *r, const struct config *cfg)
{
    char detail[512];
    const char *key;

    if (strcmp(cfg->llm.provider, "fixture") == 0)
        return;
    if (cfg->llm.api_key_file) {
        check_mode(r, "key file", cfg->llm.api_key_file);
        return;
    }
    key = getenv(cfg->llm.api_key_env);
    snprintf(detail, sizeof(detail), "$%s is %s", cfg->llm.api_key_env,
             key && *key ? "set" : "not set");
    line(r, key && *key ? "ok" : "warn", "api key", detail);
}

static void check_redaction(struct report *r, const struct config *cfg)
{
    char detail[256];
    bool on = redact_wanted(cfg);
    bool local = redact_url_is_local(cfg->llm.base_url);

    if (strcmp(cfg->llm.provider, "fixture") == 0)
        snprintf(detail, sizeof(detail),
                 "%s (fixture provider: nothing leaves this machine)",
                 cfg->llm.redact ? "on" : "off");
    else
        snprintf(detail, sizeof(detail), "%s%s", on ? "on" : "off",
                 local ? " (provider is on this machine)"
                 : on  ? ""
                       : ": personal data goes to a hosted provider");
    line(r,
         !on && !local && strcmp(cfg->llm.provider, "fixture") != 0 ? "warn"
                                                                    : "ok",
         "redaction", detail);
}

/* The prompts load and the weekly schedule names only what they have. */
static void check_prompts(struct report *r, const struct config *cfg)
{
    struct prompt_lib *lib = NULL;
    char **names = NULL;
    size_t n = 0;
    char detail[256];

    if (prompt_lib_open("prompts", &lib) ||
        prompt_lib_names(lib, false, &names, &n)) {
        line(r, "fail", "prompts", "the prompt templates cannot be read");
    } else if (schedule_check_names(cfg, (const char *const *)names)) {
        line(r, "fail", "schedule",
             "'artifacts' names an artifact no prompt makes (see above)");
    } else {
        snprintf(detail, sizeof(detail), "%zu artifacts, %s", n,
                 access("prompts", F_OK) == 0
                     ? "with the workspace's prompts/ folder"
                     : "all built in");
        line(r, "ok", "prompts", detail);
    }
    prompt_lib_names_free(names, n);
    prompt_lib_free(lib);
}

int cmd_doctor(struct cli *cli, int argc, char **argv)
{
    struct report r = {0, 0};
    struct config *cfg = NULL;
    char detail[512];

    (void)argv;
    if (argc > 1)
        return rc_exit_code(cli_usage_error("doctor", "too many arguments"));
    if (config_load(cli->config_path, &cfg) == CS_OK) {
        snprintf(detail, sizeof(detail), "'%s' is valid%s", cli->config_path,
                 config_ready_for_signals(cfg)
                     ? ""
                     : ", but lacks what signals need (see above)");
        line(&r, config_ready_for_signals(cfg) ? "ok" : "fail", "configuration",
             detail);
    } else {
        snprintf(detail, sizeof(detail), "'%s' is missing or invalid",
                 cli->config_path);
        line(&r, "fail", "configuration", detail);
    }
    check_store(&r, cli);
    if (cfg) {
        check_prompts(&r, cfg);
        check_key(&r, cfg);
        check_redaction(&r, cfg);
        check_reachable(&r, cfg);
    }
    printf("%d problem%s, %d warning%s\n", r.problems,
           r.problems == 1 ? "" : "s", r.warnings, r.warnings == 1 ? "" : "s");
    config_free(cfg);
    return r.problems ? EXIT_FAILURE_ : EXIT_OK;
}
