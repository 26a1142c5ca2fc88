/*
 * The fixture provider: recorded answers replayed from a folder.
 *
 * Layout of a fixture folder DIR:
 *   DIR/KEY.json                 one recorded answer, KEY being the
 *                                request's llm_fixture_key(): {"key",
 *                                "artifact", "subject", "model", "text",
 *                                "input_tokens", "output_tokens",
 *                                "finish_reason"}
 *   DIR/ARTIFACT/SUBJECT.md      the answer text for an artifact and a
 *   DIR/ARTIFACT/SUBJECT.json    subject (.json for JSON artifacts), used
 *                                when no KEY.json matches
 * Names are made file-safe: characters other than letters, digits, '.',
 * '_' and '-' become '_'.  Recording writes both files.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "llm_int.h"

static enum csmap_rc read_file(const char *path, struct buf *out)
{
    char chunk[8192];
    size_t n;
    enum csmap_rc rc = CS_OK;
    FILE *f = fopen(path, "rb");

    if (!f)
        return errno == ENOENT ? CS_NOTFOUND : CS_IO;
    while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = buf_add(out, chunk, n);
    if (!rc && ferror(f))
        rc = CS_IO;
    if (!rc)
        rc = buf_adds(out, "");
    fclose(f);
    return rc;
}

static enum csmap_rc path_of(struct buf *p, const char *dir,
                             const char *artifact, const char *subject,
                             const char *ext)
{
    char *a = llm_safe_name(artifact);
    char *s = subject ? llm_safe_name(subject) : NULL;
    enum csmap_rc rc = CS_NOMEM;

    if (a && (!subject || s))
        rc = subject ? buf_printf(p, "%s/%s/%s%s", dir, a, s, ext)
                     : buf_printf(p, "%s/%s%s", dir, a, ext);
    mem_free(a);
    mem_free(s);
    return rc;
}

static long number(const cJSON *o, const char *name)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, name);

    /* Counts only: a negative or out-of-range value (which would not
     * convert to long) reads as 0. */
    if (!cJSON_IsNumber(n) || !(n->valuedouble >= 0) ||
        n->valuedouble >= (double)LONG_MAX)
        return 0;
    return (long)n->valuedouble;
}

static enum csmap_rc from_key_file(const char *path, const char *text,
                                   struct llm_response *resp)
{
    cJSON *root = cJSON_Parse(text);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "text");
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(root, "finish_reason");
    enum csmap_rc rc = CS_NOMEM;

    if (!cJSON_IsString(t)) {
        log_error("fixture '%s' is not a recorded answer (no \"text\")", path);
        rc = CS_DATA;
        goto out;
    }
    resp->input_tokens = number(root, "input_tokens");
    resp->output_tokens = number(root, "output_tokens");
    if (!(resp->text = mem_strdup(t->valuestring)))
        goto out;
    if (cJSON_IsString(fin) &&
        !(resp->finish_reason = mem_strdup(fin->valuestring)))
        goto out;
    rc = CS_OK;

out:
    cJSON_Delete(root);
    return rc;
}

static enum csmap_rc report_miss(const char *dir,
                                 const struct llm_done_info *info,
                                 const char *fkey, bool json,
                                 struct llm_response *resp)
{
    const char *artifact = info->artifact ? info->artifact : "artifact";
    const char *subject = info->subject ? info->subject : "";
    const char *scope = info->scope ? info->scope : "account";
    struct buf m = BUF_INIT;
    char as_of[11];

    date_format(info->as_of, as_of);
    buf_printf(&m,
               "no recorded answer for %s of %s '%s' in '%s' (looked for "
               "%s.json and %s/%s.%s); record one with a real provider: "
               "'csmap generate %s --%s %s --as-of %s --provider openai "
               "--record %s' (or anthropic)",
               artifact, scope, subject, dir, fkey, artifact, subject,
               json ? "json" : "md", artifact, scope, subject, as_of, dir);
    log_error("%s", m.data ? buf_str(&m) : "no recorded answer");
    resp->error = buf_detach(&m);
    return CS_UNAVAILABLE;
}

enum csmap_rc llm_fixture_answer(const char *dir,
                                 const struct llm_done_info *info,
                                 const char *fkey, bool json,
                                 struct llm_response *resp)
{
    struct buf path = BUF_INIT, text = BUF_INIT;
    enum csmap_rc rc;

    if ((rc = path_of(&path, dir, fkey, NULL, ".json")))
        goto out;
    rc = read_file(buf_str(&path), &text);
    if (!rc) {
        if (!(rc = from_key_file(buf_str(&path), buf_str(&text), resp)))
            log_debug("fixture '%s' answers by key", buf_str(&path));
        goto out;
    }
    buf_reset(&path);
    if (rc != CS_NOTFOUND || !info->artifact || !info->subject ||
        (rc = path_of(&path, dir, info->artifact, info->subject,
                      json ? ".json" : ".md")))
        goto miss;
    if ((rc = read_file(buf_str(&path), &text)))
        goto miss;
    if (!(resp->text = buf_detach(&text))) {
        rc = CS_NOMEM;
        goto out;
    }
    resp->output_tokens = (long)(strlen(resp->text) / 4);
    log_debug("fixture '%s' answers by artifact and subject", buf_str(&path));
    goto out;

miss:
    if (rc == CS_NOTFOUND)
        rc = report_miss(dir, info, fkey, json, resp);
    else if (rc == CS_IO)
        log_error("cannot read fixture '%s': %s", buf_str(&path),
                  strerror(errno));
out:
    buf_release(&path);
    buf_release(&text);
    return rc;
}

static enum csmap_rc make_dir(const char *path)
{
    char tmp[4096];
    size_t i, n = strlen(path);

    if (n >= sizeof(tmp))
        return CS_IO;
    memcpy(tmp, path, n + 1);
    for (i = 1; i <= n; i++) {
        if (tmp[i] != '/' && tmp[i] != '\0')
            continue;
        tmp[i] = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
            log_error("cannot create the folder '%s': %s", tmp,
                      strerror(errno));
            return CS_IO;
        }
        tmp[i] = path[i];
    }
    return CS_OK;
}

/* Write through a temporary file so a reader never sees half a file. */
static enum csmap_rc write_file(const char *path, const char *text)
{
    struct buf tmp = BUF_INIT;
    enum csmap_rc rc;
    FILE *f;

    if ((rc = buf_printf(&tmp, "%s.tmp%ld", path, (long)getpid())))
        return rc;
    rc = CS_IO;
    if (!(f = fopen(buf_str(&tmp), "wb")))
        goto out;
    if (fputs(text, f) == EOF) {
        fclose(f);
        goto out;
    }
    if (fclose(f) != 0 || rename(buf_str(&tmp), path) != 0)
        goto out;
    rc = CS_OK;

out:
    if (rc) {
        log_error("cannot write fixture '%s': %s", path, strerror(errno));
        unlink(buf_str(&tmp));
    }
    buf_release(&tmp);
    return rc;
}

static char *record_json(const struct llm_done_info *info, const char *fkey,
                         const struct llm_response *resp)
{
    cJSON *o = cJSON_CreateObject();
    char *text = NULL;

    if (o && cJSON_AddStringToObject(o, "key", fkey) &&
        cJSON_AddStringToObject(o, "artifact",
                                info->artifact ? info->artifact : "") &&
        cJSON_AddStringToObject(o, "subject",
                                info->subject ? info->subject : "") &&
        cJSON_AddStringToObject(o, "model", info->model ? info->model : "") &&
        cJSON_AddStringToObject(o, "text", resp->text) &&
        cJSON_AddNumberToObject(o, "input_tokens",
                                (double)resp->input_tokens) &&
        cJSON_AddNumberToObject(o, "output_tokens",
                                (double)resp->output_tokens) &&
        cJSON_AddStringToObject(o, "finish_reason",
                                resp->finish_reason ? resp->finish_reason : ""))
        text = cJSON_Print(o);
    cJSON_Delete(o);
    return text;
}

enum csmap_rc llm_fixture_record(const char *dir,
                                 const struct llm_done_info *info,
                                 const char *fkey, bool json,
                                 const struct llm_response *resp)
{
    struct buf path = BUF_INIT;
    char *text = record_json(info, fkey, resp);
    char *safe = NULL;
    enum csmap_rc rc = CS_NOMEM;

    if (!text)
        goto out;
    if ((rc = make_dir(dir)) ||
        (rc = path_of(&path, dir, fkey, NULL, ".json")) ||
        (rc = write_file(buf_str(&path), text)))
        goto out;
    if (!info->artifact || !info->subject)
        goto out;
    buf_reset(&path);
    rc = CS_NOMEM;
    if (!(safe = llm_safe_name(info->artifact)) ||
        buf_printf(&path, "%s/%s", dir, safe))
        goto out;
    if ((rc = make_dir(buf_str(&path))))
        goto out;
    buf_reset(&path);
    if ((rc = path_of(&path, dir, info->artifact, info->subject,
                      json ? ".json" : ".md")) ||
        (rc = write_file(buf_str(&path), resp->text)))
        goto out;
    log_debug("recorded the answer for %s of '%s' in '%s'", info->artifact,
              info->subject, dir);

out:
    cJSON_free(text);
    mem_free(safe);
    buf_release(&path);
    return rc;
}
