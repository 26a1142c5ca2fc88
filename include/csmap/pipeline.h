/* The generation pipeline: context, prompt, redaction, provider, checks
 * and cache for a batch of artifacts (used by generate and weekly). */
#ifndef CSMAP_PIPELINE_H
#define CSMAP_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmap/llm.h"
#include "csmap/rc.h"

struct config;
struct prompt_lib;
struct sig_account;
struct sig_segment;
struct sig_set;
struct store;

struct gen_options {
    bool dry_run;        /* print the exact messages; send nothing */
    bool refresh;        /* ignore cached answers */
    const char *out_dir; /* write DIR/ARTIFACT/SUBJECT.md; NULL: no files */
    bool print;          /* print each answer on stdout */
    bool stream;         /* print text as it arrives (one artifact) */
    bool progress;       /* a progress bar on stderr */
    bool strict_checks;  /* an answer failing its checks fails the run */
    struct llm_options llm;
};

/* What became of one artifact. */
enum gen_status { GEN_GENERATED, GEN_CACHED, GEN_FAILED, GEN_DRY_RUN };

struct gen_result {
    char *artifact;
    char *subject;
    bool segment;
    enum gen_status status;
    enum csmap_rc rc;
    char key[65];
    char *path;     /* the written file, relative to out_dir; or NULL */
    int ungrounded; /* numbers the checks could not find in the context */
    int sections_missing;
    int keys_missing;  /* JSON answers: declared keys not in it */
    bool json_invalid; /* a JSON answer that does not parse */
};

struct gen;

/*
 * Start a batch over set.  The prompt library, store, configuration and
 * set are borrowed and must outlive the batch.  The provider client is
 * created only when something is not cached (so a warm run needs no key).
 * Free with gen_free().
 */
enum csmap_rc gen_open(struct store *st, const struct config *cfg,
                       const struct sig_set *set, struct prompt_lib *lib,
                       const struct gen_options *opt, struct gen **out);

/*
 * Queue artifact for an account (a) or a segment (seg; a NULL).  A cached
 * answer is used at once; anything else is sent by gen_run().  Errors in
 * the prompt or context are reported, recorded as a failed result, and
 * returned; the caller may go on with the next subject.
 */
enum csmap_rc gen_add(struct gen *g, const char *artifact,
                      const struct sig_account *a,
                      const struct sig_segment *seg);

/*
 * Send everything queued, committing each answer to the cache as it
 * arrives, then print the summary on stderr.  Returns CS_OK when every
 * artifact of the batch succeeded, else the code of the first failure.
 */
enum csmap_rc gen_run(struct gen *g);

/* The results so far, in the order gen_add() was called. */
const struct gen_result *gen_results(const struct gen *g, size_t *n);

void gen_free(struct gen *g);

/*
 * The provider options generate and weekly share, as getopt_long codes:
 * 'p' --provider, 'm' --model, 'j' --jobs, 'r' --refresh, 'R' --record.
 * Applies option c with arg to opt; CS_NOTFOUND when c is not one of
 * them, CS_USAGE (reported for command) for a bad value.
 */
enum csmap_rc gen_option(const char *command, int c, const char *arg,
                         struct gen_options *opt);

/* The getopt_long entries of those options, for a command's table. */
#define GEN_LONG_OPTIONS                                                       \
    {"provider", required_argument, NULL, 'p'},                                \
        {"model", required_argument, NULL, 'm'},                               \
        {"jobs", required_argument, NULL, 'j'},                                \
        {"refresh", no_argument, NULL, 'r'},                                   \
    {                                                                          \
        "record", required_argument, NULL, 'R'                                 \
    }

#endif
