/* csmap's entry point: global options, then one command from the table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "csmap/cli.h"
#include "csmap/log.h"
#include "csmap/mem.h"

static const char usage_text[] =
    "usage: csmap [-C DIR] [--db FILE] [--config FILE] [-q|-v] COMMAND "
    "[ARGS]\n";

static const struct cli_command commands[] = {
    {"alerts", "stuck, dormant, anomalies, renewals, sponsor changes",
     "usage: csmap alerts [--as-of YYYY-MM-DD] [--account ID] [--segment S]\n"
     "                    [--format table|json|csv] [-o FILE]\n"
     "\n"
     "Raise this week's alerts: stuck onboarding, newly dormant accounts,\n"
     "usage anomalies, repeat support topics, sponsors who left, risky\n"
     "renewals inside the window and seat overage.  Each names the\n"
     "account, the stage owner, the signal, and the artifact that helps,\n"
     "and is 'continuing' when it also held seven days before, else 'new'.\n"
     "\n"
     "Exit status: 0 success, also with no alert; 1 unknown account or\n"
     "segment, no account signed up by the as-of date (an empty store),\n"
     "or a bad configuration; 2 bad usage or a bad date.\n",
     cmd_alerts},
    {"cache", "the artifact cache",
     "usage: csmap cache ls [--artifact A] [--account ID | --segment S]\n"
     "                      [--format table|json|csv] [-o FILE]\n"
     "       csmap cache show KEY [--format table|json]\n"
     "       csmap cache rm KEY...\n"
     "       csmap cache prune --older-than DAYS\n"
     "       csmap cache stats [--format table|json|csv] [-o FILE]\n"
     "\n"
     "List, show, remove and prune generated artifacts kept in the store.\n"
     "KEY may be any unique prefix of at least 4 hex digits, as with git.\n"
     "stats counts the entries, the hit rate of the last run, and tokens\n"
     "and cost by artifact and by month.\n",
     cmd_cache},
    {"doctor", "check configuration, store and provider",
     "usage: csmap doctor\n"
     "\n"
     "Check the configuration, the store, file permissions, redaction and\n"
     "whether the LLM provider can be reached.\n",
     cmd_doctor},
    {"generate", "draft artifacts",
     "usage: csmap generate ARTIFACT [--account ID | --segment S | --all]\n"
     "                      [--as-of YYYY-MM-DD] [--provider P] [--model M]\n"
     "                      [--jobs N] [--dry-run] [--refresh]\n"
     "                      [--record DIR] [-o DIR]\n"
     "\n"
     "Render the ARTIFACT prompt ('csmap prompts ls') for each chosen\n"
     "account or segment, send it to the LLM provider, check the answer\n"
     "(sections, JSON keys, numbers grounded in the data) and keep it in\n"
     "the cache.  Each answer is written to DIR/ARTIFACT/SUBJECT.md (or\n"
     ".json; DIR defaults to out) and, for a single one, to standard\n"
     "output.  A cached answer is used without a request; --refresh asks\n"
     "again.  --dry-run prints the exact messages, their estimated tokens\n"
     "and cost, and sends nothing.\n"
     "\n"
     "An answer that lacks a section or a JSON key, or is not valid\n"
     "JSON, is kept and written but said on standard error; numbers not\n"
     "found in the data are flagged in the cache and the map.\n"
     "\n"
     "Exit status: 0 when every artifact was made; 69 provider\n"
     "unavailable (bad key, unknown model, no recorded answer); 75 a\n"
     "temporary failure outlasted the retries; 65 an answer that could\n"
     "not be read or failed its checks; 1 other failures; 2 bad usage.\n",
     cmd_generate},
    {"health", "scores, bands, drivers",
     "usage: csmap health [--account ID] [--segment S] [--as-of D]\n"
     "                    [--compare D2] [--format table|json|csv]\n"
     "                    [-o FILE]\n"
     "\n"
     "Print each account's health ledger: every component, its weight,\n"
     "its score and the points it costs, and the drivers that pull the\n"
     "score down.  With --account and --compare, show how the score and\n"
     "each component moved between D2 and the as-of date, and which\n"
     "signals moved them (table or json).  docs/signals.md has the\n"
     "formulas.\n"
     "\n"
     "Exit status: 0 success; 1 unknown account or segment, no account\n"
     "signed up by the date (an empty store), or a bad configuration;\n"
     "2 bad usage or a bad date.\n",
     cmd_health},
    {"ingest", "load data",
     "usage: csmap ingest [--kind K] [--preset P] [--strict] FILE...\n"
     "\n"
     "Load accounts, contacts, events, tickets, feedback and contracts\n"
     "from CSV, JSON Lines or JSON files into the store, creating it when\n"
     "it is missing.  Re-ingesting a file changes nothing.\n"
     "\n"
     "  --kind K      accounts, contacts, events, tickets, feedback or\n"
     "                contracts (default: detected from the header)\n"
     "  --preset P    zendesk, segment, or a name under \"sources\" in\n"
     "                csmap.json (default: detected)\n"
     "  --strict      load nothing from a file that has a bad row\n"
     "\n"
     "Exit status 65 when any row was rejected.\n",
     cmd_ingest},
    {"init", "write a starting workspace",
     "usage: csmap init [DIR]\n"
     "\n"
     "Write a commented csmap.json into DIR (default: the current\n"
     "folder).  An existing csmap.json is never overwritten.\n",
     cmd_init},
    {"map", "the operating view",
     "usage: csmap map [--segment S] [--as-of D] [--format md|html|json]\n"
     "                 [-o FILE]\n"
     "\n"
     "Write the customer success intelligence map: the seven stages with\n"
     "owners, signals, trends against four weeks before, friction and\n"
     "artifacts, the accounts-by-stages heat map, and the AI opportunity\n"
     "backlog.  One page per segment (see \"segments\" in csmap.json).\n"
     "\n"
     "  --segment S   only segment S's page\n"
     "  --as-of D     the date of the map (default: today, UTC)\n"
     "  --format F    md (default), html (one self-contained file per page:\n"
     "                inline CSS and SVG, no script, nothing fetched) or\n"
     "                json (the view model both are rendered from); without\n"
     "                --format, the extension of -o FILE decides\n"
     "  -o FILE       write FILE instead of standard output; with several\n"
     "                segments, md and html write FILE as an index and each\n"
     "                segment next to it as FILE-SLUG.EXT (map-smb.html);\n"
     "                json is always one file.  Files are created 0644 and\n"
     "                appear only when the whole map was written\n"
     "\n"
     "Standard output gets one document with every segment.  The rules\n"
     "(status, friction, ARR at stake) are in docs/map.md.\n",
     cmd_map},
    {"prompts", "the prompt templates",
     "usage: csmap prompts ls [--format table|json|csv]\n"
     "       csmap prompts show NAME\n"
     "       csmap prompts export [--force] DIR\n"
     "\n"
     "List, print or export the prompt templates (built in, or from the\n"
     "workspace's prompts/ folder, which overrides them).  export writes\n"
     "every built-in prompt and partial into the existing folder DIR and\n"
     "overwrites files there only with --force.\n",
     cmd_prompts},
    {"signals", "per-account signals",
     "usage: csmap signals [--account ID] [--segment S] [--as-of D]\n"
     "                     [--format table|json|csv] [-o FILE]\n"
     "\n"
     "Compute every signal of every stage as of a date (default: today,\n"
     "UTC) for all accounts or the chosen ones.  --account takes an\n"
     "account_id or an external id (zendesk:3601); --segment a value of\n"
     "the configured segment field.  json prints one object per account\n"
     "(DESIGN section 6) sorted by account_id; csv flattens them into\n"
     "stage.field columns; the table shows key figures.\n"
     "\n"
     "Exit status: 0 success; 1 unknown account or segment, no account\n"
     "signed up by the as-of date (an empty store), or a bad configuration;\n"
     "2 bad usage or a bad --as-of date.\n",
     cmd_signals},
    {"template", "render a Mustache file with JSON data",
     "usage: csmap template render [--partials DIR]\n"
     "                             [--escape html|prompt|none] TPL [DATA]\n"
     "\n"
     "Render the Mustache template TPL with the JSON in DATA (default:\n"
     "an empty object; '-' reads standard input) and print exactly the\n"
     "rendered bytes.  Partial NAME is the file DIR/NAME.mustache (DIR\n"
     "defaults to the template's folder).  --escape html (the default)\n"
     "is the Mustache specification's; prompt makes inserted text safe\n"
     "to put in a language-model prompt; none inserts it as it is.\n",
     cmd_template},
    {"weekly", "every scheduled artifact, then the map",
     "usage: csmap weekly [--as-of D] [-o DIR] [--jobs N] [--provider P]\n"
     "                    [--model M] [--refresh] [--record DIR]\n"
     "\n"
     "The Monday job: compute signals, raise alerts, generate every\n"
     "scheduled artifact that is not cached yet (the \"artifacts\" block of\n"
     "csmap.json says which, for whom), and write the map (map.html,\n"
     "map.md, map.json), the artifacts and an index of them into DIR\n"
     "(default: out).  Rerunning the same week sends nothing; an\n"
     "interrupted run finishes where it stopped.\n"
     "\n"
     "Answers that fail their checks are kept, said on standard error\n"
     "and flagged in the index and the map, for a person to review.\n"
     "\n"
     "Exit status: 0 when every artifact was made, 69 or 75 when some\n"
     "failed (the map and the rest are still written), 1 for a bad\n"
     "configuration or a store with no account as of the date.\n",
     cmd_weekly},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_usage(FILE *out)
{
    fputs(usage_text, out);
    fputs("\nCommands:\n", out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nGlobal options:\n"
          "  -C DIR         run as if started in DIR\n"
          "  --db FILE      the store (default: csmap.db)\n"
          "  --config FILE  the configuration (default: csmap.json)\n"
          "  -q, --quiet    errors only\n"
          "  -v, --verbose  more detail; -vv for debugging\n"
          "  --version      print the version\n"
          "  -h, --help     this help; 'csmap COMMAND --help' for one\n"
          "\n"
          "Exit status: 0 success, 1 failure, 2 bad usage, 65 bad input\n"
          "data, 69 provider unavailable, 75 temporary failure.\n",
          out);
}

static const struct cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* True when the command's own arguments ask for help. */
static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    }
    return 0;
}

/* Take the value of an option given as "--opt VALUE" or "--opt=VALUE". */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (strcmp(argv[*i], name) == 0 && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

static int is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);

    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/*
 * Parse the global options; returns the index of the command name, or -1
 * after printing what went wrong (exit status in *status).
 */
static int parse_globals(int argc, char **argv, struct cli *cli, int *status)
{
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        const char *v;

        if (strcmp(a, "--version") == 0) {
            printf("csmap %s\n", CSMAP_VERSION);
            *status = 0;
            return -1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_usage(stdout);
            *status = 0;
            return -1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            cli->verbosity = -1;
        } else if (strcmp(a, "--verbose") == 0) {
            cli->verbosity++;
        } else if (a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1)) {
            cli->verbosity += (int)strlen(a + 1);
        } else if (strncmp(a, "-C", 2) == 0) {
            const char *dir = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
            if (!dir) {
                log_error("option '-C' needs a folder");
                *status = EXIT_USAGE;
                return -1;
            }
            if (chdir(dir) != 0) {
                log_error("cannot change to '%s': %s", dir, strerror(errno));
                *status = EXIT_USAGE;
                return -1;
            }
        } else if (is_option(a, "--db")) {
            if (!(v = option_value(argc, argv, &i, "--db")))
                goto missing;
            cli->db_path = v;
        } else if (is_option(a, "--config")) {
            if (!(v = option_value(argc, argv, &i, "--config")))
                goto missing;
            cli->config_path = v;
            cli->config_given = true;
        } else {
            log_error("unknown option '%s'", a);
            fputs(usage_text, stderr);
            *status = EXIT_USAGE;
            return -1;
        }
    }
    return i;

missing:
    log_error("option '%s' needs a value", argv[i]);
    *status = EXIT_USAGE;
    return -1;
}

static int finish_stdout(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE)
            log_error("cannot write to standard output: %s", strerror(errno));
        return status ? status : EXIT_FAILURE_;
    }
    return status;
}

/* The API key sits in the environment from the first instruction, so no
 * core file may be written and, outside sanitizer builds (LeakSanitizer
 * must attach to the process), no other process of the user may attach
 * or read its memory. */
static void no_core_dumps(void)
{
    struct rlimit none = {0, 0};

    setrlimit(RLIMIT_CORE, &none);
#ifndef __SANITIZE_ADDRESS__
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

int main(int argc, char **argv)
{
    struct cli cli = {"csmap.db", "csmap.json", false, 0};
    const struct cli_command *cmd;
    int status = 0;
    int first;

    no_core_dumps();
    mem_init();
    first = parse_globals(argc, argv, &cli, &status);
    if (first < 0)
        return finish_stdout(status);
    log_set_level(cli.verbosity < 0   ? LOG_QUIET
                  : cli.verbosity > 1 ? LOG_DEBUG
                                      : (enum log_level)cli.verbosity);
    if (first >= argc) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    cmd = find_command(argv[first]);
    if (!cmd) {
        log_error("'%s' is not a csmap command; see 'csmap --help'",
                  argv[first]);
        return EXIT_USAGE;
    }
    if (wants_help(argc - first, argv + first)) {
        fputs(cmd->help, stdout);
        return finish_stdout(0);
    }
    status = cmd->run(&cli, argc - first, argv + first);
    if (status != 0 && log_error_count() == 0 && mem_failed())
        log_error("out of memory");
    return finish_stdout(status);
}
