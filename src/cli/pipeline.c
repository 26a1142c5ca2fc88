/* The generation pipeline: for each artifact and subject, build the
 * context, render the prompt, redact it, look it up in the cache, send
 * what is missing, check and restore the answer, and commit it. */
#include "csmap/pipeline.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csmap/buf.h"
#include "csmap/cache.h"
#include "csmap/cli.h"
#include "csmap/config.h"
#include "csmap/context.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/prompt.h"
#include "csmap/redact.h"
#include "csmap/signals.h"
#include "csmap/store.h"

/* One request in flight: what its answer must be checked against. */
struct pending {
    struct gen *g;
    size_t result; /* index into g->results */
    const struct prompt *prompt;
    cJSON *context;
    struct prompt_messages messages; /* unredacted, for grounding */
    bool streamed;                   /* the text went to stdout as it arrived */
};

struct gen {
    struct store *st;
    const struct config *cfg;
    const struct sig_set *set;
    struct prompt_lib *lib;
    struct gen_options opt;
    struct llm_client *client;
    struct redact *redact; /* NULL when prompts are not redacted */
    struct cache_run run;

    struct gen_result *results;
    size_t n_results, cap_results;
    struct pending **pending;
    size_t n_pending, cap_pending;

    size_t done;
    long generated, cached, failed, malformed;
    long tokens_in, tokens_out;
    double cost;
    enum csmap_rc first_failure;
    struct timespec started;
};

static double elapsed_s(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) +
           (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

enum csmap_rc gen_open(struct store *st, const struct config *cfg,
                       const struct sig_set *set, struct prompt_lib *lib,
                       const struct gen_options *opt, struct gen **out)
{
    struct gen *g = mem_calloc(1, sizeof(*g));
    enum csmap_rc rc;

    *out = NULL;
    if (!g) {
        log_error("out of memory");
        return CS_NOMEM;
    }
    g->st = st;
    g->cfg = cfg;
    g->set = set;
    g->lib = lib;
    g->opt = *opt;
    clock_gettime(CLOCK_MONOTONIC, &g->started);
    if (redact_wanted(cfg) &&
        (rc = redact_new(cfg->llm.redact_patterns, cfg->llm.n_redact_patterns,
                         &g->redact))) {
        log_error("out of memory");
        mem_free(g);
        return rc;
    }
    if (!opt->dry_run && (rc = cache_run_begin(st, &g->run))) {
        gen_free(g);
        return rc;
    }
    *out = g;
    return CS_OK;
}

static void progress(struct gen *g)
{
    size_t total = g->n_results, width = 30, fill;

    if (!g->opt.progress || total == 0)
        return;
    fill = g->done * width / total;
    fprintf(stderr, "\rcsmap: [%.*s%*s] %zu/%zu", (int)fill,
            "##############################", (int)(width - fill), "", g->done,
            total);
    if (g->done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* A new result slot for artifact and subject. */
static struct gen_result *new_result(struct gen *g, const char *artifact,
                                     const char *subject, bool segment)
{
    struct gen_result *r;

    if (g->n_results == g->cap_results) {
        size_t cap = g->cap_results ? g->cap_results * 2 : 16;
        struct gen_result *p = mem_realloc(g->results, cap * sizeof(*p));
        if (!p)
            return NULL;
        g->results = p;
        g->cap_results = cap;
    }
    r = &g->results[g->n_results];
    memset(r, 0, sizeof(*r));
    r->artifact = mem_strdup(artifact);
    r->subject = mem_strdup(subject);
    r->segment = segment;
    if (!r->artifact || !r->subject) {
        mem_free(r->artifact);
        mem_free(r->subject);
        return NULL;
    }
    g->n_results++;
    return r;
}

static void fail_result(struct gen *g, struct gen_result *r, enum csmap_rc rc)
{
    r->status = GEN_FAILED;
    r->rc = rc;
    g->failed++;
    g->done++;
    if (!g->first_failure)
        g->first_failure = rc;
    progress(g);
}

/* Letters, digits, '.', '_' and '-' stay; anything else becomes '_'. */
static void safe_name(char *s)
{
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            *s = '_';
    }
    if (s[-1] == '.')
        s[-1] = '_';
}

/* Whether the file at path holds exactly the len bytes of data. */
static bool same_content(const char *path, const char *data, size_t len)
{
    char chunk[16384];
    struct stat sb;
    size_t off = 0;
    bool same;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return false;
    same = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
           (uintmax_t)sb.st_size == (uintmax_t)len;
    while (same && off < len) {
        ssize_t r = read(fd, chunk, sizeof(chunk));

        if (r < 0 && errno == EINTR)
            continue;
        same = r > 0 && (size_t)r <= len - off &&
               memcmp(chunk, data + off, (size_t)r) == 0;
        off += r > 0 ? (size_t)r : 0;
    }
    close(fd);
    return same;
}

/* Write data to path through a temporary file, so a reader never sees
 * half an artifact.  A file that already holds data is left as it is. */
static enum csmap_rc write_atomic(const char *path, const char *data,
                                  size_t len)
{
    char tmp[4200];
    int fd;
    size_t off = 0;

    if (same_content(path, data, len))
        return CS_OK;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
        (int)sizeof(tmp)) {
        log_error("'%s': the path is too long", path);
        return CS_IO;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        goto fail;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            close(fd);
            goto fail;
        }
        off += (size_t)w;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0)
        goto fail;
    return CS_OK;
fail:
    log_error("cannot write '%s': %s", path, strerror(errno));
    unlink(tmp);
    return CS_IO;
}

/* Write the answer into out_dir/ARTIFACT/SUBJECT.md (or .json). */
static enum csmap_rc write_artifact(struct gen *g, struct gen_result *r,
                                    const char *text, bool json)
{
    char dir[4096], rel[1024], path[4200];
    char *subject;
    size_t len = strlen(text);

    if (!g->opt.out_dir)
        return CS_OK;
    subject = mem_strdup(r->subject);
    if (!subject)
        return CS_NOMEM;
    safe_name(subject);
    snprintf(rel, sizeof(rel), "%s/%s%s", r->artifact, subject,
             json ? ".json" : ".md");
    mem_free(subject);
    snprintf(dir, sizeof(dir), "%s/%s", g->opt.out_dir, r->artifact);
    if (mkdir(g->opt.out_dir, 0755) != 0 && errno != EEXIST) {
        log_error("cannot create '%s': %s", g->opt.out_dir, strerror(errno));
        return CS_IO;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        log_error("cannot create '%s': %s", dir, strerror(errno));
        return CS_IO;
    }
    snprintf(path, sizeof(path), "%s/%s", g->opt.out_dir, rel);
    if (write_atomic(path, text, len))
        return CS_IO;
    mem_free(r->path);
    r->path = mem_strdup(rel);
    return CS_OK;
}

/* Count what the checks found, for the result and the summary. */
static void note_checks(struct gen *g, struct gen_result *r,
                        const char *checks_json)
{
    cJSON *c = checks_json ? cJSON_Parse(checks_json) : NULL;
    char what[160];

    r->ungrounded =
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "ungrounded"));
    r->sections_missing = cJSON_GetArraySize(
        cJSON_GetObjectItemCaseSensitive(c, "sections_missing"));
    r->keys_missing =
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "keys_missing"));
    r->json_invalid =
        cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "json_valid"));
    cJSON_Delete(c);
    if (!r->json_invalid && !r->keys_missing && !r->sections_missing)
        return;
    /* Kept, so that it can be read and judged; said, so it is not
     * mistaken for a good one. */
    g->malformed++;
    if (r->json_invalid)
        snprintf(what, sizeof(what), "the answer is not valid JSON");
    else if (r->keys_missing)
        snprintf(what, sizeof(what), "the answer lacks %d of its JSON keys",
                 r->keys_missing);
    else
        snprintf(what, sizeof(what), "the answer lacks %d of its sections",
                 r->sections_missing);
    log_warn("%s for '%s': %s; kept in the cache (csmap cache show %.12s)",
             r->artifact, r->subject, what, r->key);
}

static void print_answer(const char *text)
{
    size_t n = strlen(text);

    fwrite(text, 1, n, stdout);
    if (n && text[n - 1] != '\n')
        fputc('\n', stdout);
}

/* Use an answer that is in the cache. */
static enum csmap_rc use_cached(struct gen *g, struct gen_result *r,
                                const struct prompt *p,
                                const struct cache_entry *e)
{
    enum csmap_rc rc;

    r->status = GEN_CACHED;
    note_checks(g, r, e->checks);
    g->cached++;
    g->done++;
    rc = write_artifact(g, r, e->output, p->hdr.output == PROMPT_OUTPUT_JSON);
    if (g->opt.print)
        print_answer(e->output);
    progress(g);
    return rc;
}

/* Print what would be sent, with the estimated tokens and cost. */
static void print_dry_run(struct gen *g, const struct gen_result *r,
                          const struct llm_request *req, const char *key)
{
    size_t chars = 0;
    long in_tokens;
    char as_of[11];

    for (size_t i = 0; i < req->n_messages; i++)
        chars += strlen(req->messages[i].content);
    in_tokens = (long)((chars + 3) / 4);
    date_format(g->set->as_of, as_of);
    printf("=== %s for %s '%s' as of %s (key %.12s) ===\n", r->artifact,
           r->segment ? "segment" : "account", r->subject, as_of, key);
    printf("provider %s, model %s, temperature %g, max_tokens %d\n",
           req->provider, req->model, req->temperature, req->max_tokens);
    for (size_t i = 0; i < req->n_messages; i++) {
        printf("--- %s ---\n", req->messages[i].role);
        print_answer(req->messages[i].content);
    }
    printf("--- about %ld input tokens, up to %d output tokens, at most "
           "$%.4f ---\n\n",
           in_tokens, req->max_tokens,
           cache_cost(g->cfg, in_tokens, req->max_tokens));
}

static enum csmap_rc ensure_client(struct gen *g)
{
    if (g->client)
        return CS_OK;
    g->opt.llm.no_key = g->opt.dry_run;
    return llm_client_new(g->cfg, &g->opt.llm, &g->client);
}

static void pending_free(struct pending *p)
{
    if (!p)
        return;
    cJSON_Delete(p->context);
    prompt_messages_release(&p->messages);
    mem_free(p);
}

static void on_delta(void *ctx, const char *text, size_t len)
{
    (void)ctx;
    fwrite(text, 1, len, stdout);
    fflush(stdout);
}

/* An answer arrived: restore, check, commit, write. */
static void on_done(void *ctx, const struct llm_done_info *info,
                    struct llm_response *resp)
{
    struct pending *p = ctx;
    struct gen *g = p->g;
    struct gen_result *r = &g->results[p->result];
    struct cache_entry e;
    struct buf restored = BUF_INIT;
    cJSON *checks = NULL;
    char *checks_text = NULL;
    char version[32], provider[64], model[256];
    bool cached = false; /* the status starts as GEN_GENERATED (0) */
    enum csmap_rc rc;

    if (resp->rc != CS_OK) {
        fail_result(g, r, resp->rc);
        return;
    }
    rc = g->redact ? redact_restore(g->redact, resp->text, strlen(resp->text),
                                    &restored)
                   : buf_adds(&restored, resp->text);
    if (!rc)
        rc = prompt_check(p->prompt, buf_str(&restored), restored.len,
                          p->context, &p->messages, &checks);
    if (!rc && !(checks_text = cJSON_PrintUnformatted(checks)))
        rc = CS_NOMEM;
    if (rc) {
        log_error("%s for '%s': %s", r->artifact, r->subject, rc_str(rc));
        goto out;
    }
    memset(&e, 0, sizeof(e));
    memcpy(e.key, info->key, sizeof(e.key));
    e.artifact = r->artifact;
    e.subject = r->subject;
    e.as_of = g->set->as_of;
    e.prompt_name = p->prompt->hdr.name;
    snprintf(version, sizeof(version), "%s", info->prompt_version);
    snprintf(provider, sizeof(provider), "%s", info->provider);
    snprintf(model, sizeof(model), "%s", info->model);
    e.prompt_version = version;
    e.provider = provider;
    e.model = model;
    e.output = restored.data;
    e.checks = checks_text;
    e.input_tokens = resp->input_tokens;
    e.output_tokens = resp->output_tokens;
    e.cost = cache_cost(g->cfg, resp->input_tokens, resp->output_tokens);
    e.latency_ms = resp->latency_ms;
    if ((rc = cache_put(g->st, &e)))
        goto out;
    r->status = GEN_GENERATED;
    cached = true;
    note_checks(g, r, checks_text);
    g->generated++;
    g->done++;
    g->tokens_in += resp->input_tokens;
    g->tokens_out += resp->output_tokens;
    g->cost += e.cost;
    rc = write_artifact(g, r, buf_str(&restored),
                        p->prompt->hdr.output == PROMPT_OUTPUT_JSON);
    if (g->opt.print && !p->streamed)
        print_answer(buf_str(&restored));
    else if (p->streamed)
        fputc('\n', stdout);
    progress(g);
out:
    if (rc && !cached)
        fail_result(g, r, rc);
    cJSON_free(checks_text);
    cJSON_Delete(checks);
    buf_release(&restored);
}

/* Redact text into out, or copy it when prompts are not redacted. */
static enum csmap_rc outgoing(struct gen *g, const char *text, size_t len,
                              struct buf *out)
{
    return g->redact ? redact_text(g->redact, text, len, out)
                     : buf_add(out, text, len);
}

static enum csmap_rc keep_pending(struct gen *g, struct pending *p)
{
    if (g->n_pending == g->cap_pending) {
        size_t cap = g->cap_pending ? g->cap_pending * 2 : 16;
        struct pending **np = mem_realloc(g->pending, cap * sizeof(*np));
        if (!np)
            return CS_NOMEM;
        g->pending = np;
        g->cap_pending = cap;
    }
    g->pending[g->n_pending++] = p;
    return CS_OK;
}

/* The schema of the object member name of obj's schema, made when new. */
static cJSON *schema_member(cJSON *obj, const char *name, size_t n)
{
    cJSON *props = cJSON_GetObjectItemCaseSensitive(obj, "properties");
    cJSON *req = cJSON_GetObjectItemCaseSensitive(obj, "required");
    cJSON *m;
    char key[128];

    if (n == 0 || n >= sizeof(key))
        return NULL;
    memcpy(key, name, n);
    key[n] = '\0';
    if (!props && !(props = cJSON_AddObjectToObject(obj, "properties")))
        return NULL;
    if (!req && !(req = cJSON_AddArrayToObject(obj, "required")))
        return NULL;
    if ((m = cJSON_GetObjectItemCaseSensitive(props, key)))
        return m;
    if (!cJSON_AddItemToArray(req, cJSON_CreateString(key)))
        return NULL;
    return cJSON_AddObjectToObject(props, key);
}

/* Make s the schema of an object (or, with array, of a list of them). */
static cJSON *schema_object(cJSON *s, bool array)
{
    cJSON *items;

    if (!array) {
        if (!cJSON_HasObjectItem(s, "type"))
            cJSON_AddStringToObject(s, "type", "object");
        return s;
    }
    if (!cJSON_HasObjectItem(s, "type"))
        cJSON_AddStringToObject(s, "type", "array");
    if (!(items = cJSON_GetObjectItemCaseSensitive(s, "items")) &&
        !(items = cJSON_AddObjectToObject(s, "items")))
        return NULL;
    return schema_object(items, false);
}

/*
 * The JSON Schema of a JSON artifact, from the keys its header declares:
 * "emails" is a required member, "emails[].subject" a required member of
 * each object of the list emails, "plan.name" one of the object plan.
 */
static char *json_schema(const struct prompt *p)
{
    cJSON *schema = cJSON_CreateObject();
    char *text = NULL;

    if (!schema || !cJSON_AddStringToObject(schema, "type", "object") ||
        !cJSON_AddArrayToObject(schema, "required"))
        goto out;
    for (size_t i = 0; i < p->hdr.n_json_keys; i++) {
        const char *k = p->hdr.json_keys[i];
        cJSON *at = schema;

        while (at && *k) {
            size_t n = strcspn(k, ".[");
            at = schema_member(at, k, n);
            k += n;
            if (at && strncmp(k, "[]", 2) == 0) {
                k += 2;
                if (*k == '.')
                    at = schema_object(at, true);
            } else if (at && *k == '.') {
                at = schema_object(at, false);
            }
            if (*k == '.')
                k++;
        }
        if (!at)
            goto out;
    }
    text = cJSON_PrintUnformatted(schema);
out:
    cJSON_Delete(schema);
    return text;
}

/* Build the context of one subject for prompt p. */
static enum csmap_rc build_context(struct gen *g, const struct prompt *p,
                                   const struct sig_account *a,
                                   const struct sig_segment *seg, cJSON **ctx)
{
    struct ctx_request creq = {p->hdr.name, p->hdr.stage, p->hdr.audience,
                               (size_t)g->cfg->llm.context_tokens};

    if (a && p->hdr.scope != PROMPT_SCOPE_ACCOUNT) {
        log_error("%s is written for a segment; use --segment or --all",
                  p->hdr.name);
        return CS_USAGE;
    }
    if (seg && p->hdr.scope != PROMPT_SCOPE_SEGMENT) {
        log_error("%s is written for an account; use --account or --all",
                  p->hdr.name);
        return CS_USAGE;
    }
    return a ? ctx_account(g->st, g->set, a, &creq, ctx)
             : ctx_segment(g->st, g->set, seg, &creq, ctx);
}

/* Fill req and its two messages from the rendered (and redacted) text. */
static void fill_request(struct gen *g, struct llm_request *req,
                         struct llm_message msgs[2], const struct buf *sys,
                         const struct buf *user, const struct prompt *p,
                         const struct gen_result *r, const char *schema)
{
    static char version[16];

    llm_request_init(req, g->client);
    msgs[0].role = "system";
    msgs[0].content = buf_str(sys);
    msgs[1].role = "user";
    msgs[1].content = buf_str(user);
    req->messages = msgs;
    req->n_messages = 2;
    req->json_schema = schema;
    req->schema_name = schema ? p->hdr.name : NULL;
    req->artifact = r->artifact;
    req->scope = r->segment ? "segment" : "account";
    req->subject = r->subject;
    req->as_of = g->set->as_of;
    req->prompt_name = p->hdr.name;
    snprintf(version, sizeof(version), "%d", p->hdr.version);
    req->prompt_version = version;
}

/* Send req or answer it from the cache; takes ownership of pend. */
static enum csmap_rc dispatch(struct gen *g, struct gen_result *r,
                              struct llm_request *req, struct pending *pend)
{
    struct cache_entry *hit = NULL;
    enum csmap_rc rc;

    if ((rc = llm_request_key(req, r->key)))
        goto out;
    if (g->opt.dry_run) {
        print_dry_run(g, r, req, r->key);
        r->status = GEN_DRY_RUN;
        g->done++;
        goto out;
    }
    if (!g->opt.refresh) {
        rc = cache_get(g->st, r->key, &hit);
        cache_run_note(&g->run, rc == CS_OK);
        if (rc == CS_OK) {
            rc = use_cached(g, r, pend->prompt, hit);
            cache_entry_free(hit);
            goto out;
        }
        if (rc != CS_NOTFOUND)
            goto out;
    } else {
        cache_run_note(&g->run, false);
    }
    if (g->opt.stream && (!g->redact || redact_count(g->redact) == 0)) {
        req->on_delta = on_delta;
        pend->streamed = true;
    }
    if ((rc = keep_pending(g, pend)))
        goto out;
    rc = llm_submit(g->client, req, on_done, pend);
    /* Send while the rest of the batch is still being prepared. */
    if (!rc)
        llm_pump(g->client);
    if (rc)
        g->n_pending--;
    else
        return CS_OK;
out:
    pending_free(pend);
    return rc;
}

enum csmap_rc gen_add(struct gen *g, const char *artifact,
                      const struct sig_account *a,
                      const struct sig_segment *seg)
{
    const struct prompt *p = NULL;
    struct gen_result *r;
    struct pending *pend = NULL;
    struct buf sys = BUF_INIT, user = BUF_INIT;
    struct llm_message msgs[2];
    struct llm_request req;
    char *schema = NULL;
    size_t index;
    enum csmap_rc rc;

    r = new_result(g, artifact, a ? a->account_id : seg->name, !a);
    if (!r) {
        log_error("out of memory");
        return CS_NOMEM;
    }
    index = (size_t)(r - g->results);
    if ((rc = prompt_lib_get(g->lib, artifact, &p)))
        goto out;
    pend = mem_calloc(1, sizeof(*pend));
    if (!pend) {
        rc = CS_NOMEM;
        goto out;
    }
    pend->g = g;
    pend->result = index;
    pend->prompt = p;
    if ((rc = build_context(g, p, a, seg, &pend->context)) ||
        (rc = prompt_render(g->lib, p, pend->context, &pend->messages)) ||
        (rc = outgoing(g, pend->messages.system, pend->messages.system_len,
                       &sys)) ||
        (rc = outgoing(g, pend->messages.user, pend->messages.user_len,
                       &user)) ||
        (rc = ensure_client(g)))
        goto out;
    if (p->hdr.output == PROMPT_OUTPUT_JSON && !(schema = json_schema(p))) {
        rc = CS_NOMEM;
        goto out;
    }
    fill_request(g, &req, msgs, &sys, &user, p, r, schema);
    rc = dispatch(g, r, &req, pend);
    pend = NULL;
    r = &g->results[index];
out:
    if (rc) {
        if (rc == CS_NOMEM || rc == CS_TOOBIG)
            log_error("%s for '%s': %s", artifact, r->subject, rc_str(rc));
        fail_result(g, &g->results[index], rc);
    }
    pending_free(pend);
    cJSON_free(schema);
    buf_release(&sys);
    buf_release(&user);
    return rc;
}

static void summary(struct gen *g)
{
    char checks[64] = "";

    if (g->opt.dry_run) {
        log_note("dry run: %zu request%s printed, nothing sent", g->done,
                 g->done == 1 ? "" : "s");
        return;
    }
    if (g->malformed)
        snprintf(checks, sizeof(checks), ", %ld failing their checks",
                 g->malformed);
    log_note("%ld generated, %ld from cache, %ld failed%s; %ld tokens in, "
             "%ld out; $%.4f; %.1f s",
             g->generated, g->cached, g->failed, checks, g->tokens_in,
             g->tokens_out, g->cost, elapsed_s(&g->started));
}

enum csmap_rc gen_run(struct gen *g)
{
    enum csmap_rc rc = CS_OK;

    if (g->client && g->n_pending > 0)
        rc = llm_run(g->client);
    (void)rc; /* every failure reached its callback and is counted */
    for (size_t i = 0; i < g->n_pending; i++)
        pending_free(g->pending[i]);
    g->n_pending = 0;
    if (!g->opt.dry_run)
        cache_run_end(g->st, &g->run);
    summary(g);
    if (!g->first_failure && g->malformed && g->opt.strict_checks)
        return CS_DATA;
    return g->first_failure;
}

const struct gen_result *gen_results(const struct gen *g, size_t *n)
{
    *n = g->n_results;
    return g->results;
}

void gen_free(struct gen *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_pending; i++)
        pending_free(g->pending[i]);
    mem_free(g->pending);
    for (size_t i = 0; i < g->n_results; i++) {
        mem_free(g->results[i].artifact);
        mem_free(g->results[i].subject);
        mem_free(g->results[i].path);
    }
    mem_free(g->results);
    llm_client_free(g->client);
    redact_free(g->redact);
    mem_free(g);
}

enum csmap_rc gen_option(const char *command, int c, const char *arg,
                         struct gen_options *opt)
{
    char *end;
    long jobs;

    switch (c) {
    case 'p':
        if (strcmp(arg, "openai") != 0 && strcmp(arg, "anthropic") != 0 &&
            strcmp(arg, "fixture") != 0)
            return cli_usage_error(command,
                                   "unknown provider '%s' (expected openai, "
                                   "anthropic or fixture)",
                                   arg);
        opt->llm.provider = arg;
        return CS_OK;
    case 'm':
        opt->llm.model = arg;
        return CS_OK;
    case 'j':
        jobs = strtol(arg, &end, 10);
        if (*arg == '\0' || *end != '\0' || jobs < 1 || jobs > 256)
            return cli_usage_error(command, "--jobs must be 1 to 256, not '%s'",
                                   arg);
        opt->llm.jobs = (int)jobs;
        return CS_OK;
    case 'r':
        opt->refresh = true;
        return CS_OK;
    case 'R':
        opt->llm.record_dir = arg;
        return CS_OK;
    default:
        return CS_NOTFOUND;
    }
}
