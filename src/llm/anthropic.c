/* The Anthropic Messages API. */
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "csmap/mem.h"
#include "llm_int.h"

/* System messages go to the top-level "system"; the rest in order. */
static enum csmap_rc add_messages(cJSON *root, const struct llm_request *req)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "messages");
    struct buf system = BUF_INIT;
    enum csmap_rc rc = arr ? CS_OK : CS_NOMEM;
    size_t i;

    for (i = 0; !rc && i < req->n_messages; i++) {
        const struct llm_message *m = &req->messages[i];
        cJSON *o;

        if (!strcmp(m->role, "system")) {
            if (system.len)
                rc = buf_adds(&system, "\n\n");
            if (!rc)
                rc = buf_adds(&system, m->content);
            continue;
        }
        /* o joins arr only when whole, so a failure frees it once. */
        if (!(o = cJSON_CreateObject()) ||
            !cJSON_AddStringToObject(o, "role", m->role) ||
            !cJSON_AddStringToObject(o, "content", m->content) ||
            !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            rc = CS_NOMEM;
        }
    }
    if (!rc && system.len &&
        !cJSON_AddStringToObject(root, "system", buf_str(&system)))
        rc = CS_NOMEM;
    buf_release(&system);
    return rc;
}

static enum csmap_rc anthropic_body(const struct llm_request *req, bool stream,
                                    struct buf *out)
{
    cJSON *root = cJSON_CreateObject();
    char *text = NULL;
    enum csmap_rc rc = CS_NOMEM;

    if (!root || !cJSON_AddStringToObject(root, "model", req->model) ||
        !cJSON_AddNumberToObject(
            root, "max_tokens", req->max_tokens > 0 ? req->max_tokens : 4096) ||
        !cJSON_AddNumberToObject(root, "temperature", req->temperature))
        goto out;
    if ((rc = add_messages(root, req)))
        goto out;
    rc = CS_NOMEM;
    if (stream && !cJSON_AddTrueToObject(root, "stream"))
        goto out;
    if (!(text = cJSON_PrintUnformatted(root)))
        goto out;
    rc = buf_adds(out, text);

out:
    cJSON_free(text);
    cJSON_Delete(root);
    return rc;
}

static enum csmap_rc anthropic_headers(const char *key,
                                       struct curl_slist **list)
{
    struct buf b = BUF_INIT;
    enum csmap_rc rc;

    if ((rc = llm_header_add(list, "Content-Type: application/json")) ||
        (rc = llm_header_add(list, "anthropic-version: 2023-06-01")))
        return rc;
    if (!key || !*key)
        return CS_OK;
    if (!(rc = buf_printf(&b, "x-api-key: %s", key)))
        rc = llm_header_add(list, buf_str(&b));
    if (b.data)
        memset(b.data, 0, b.len);
    buf_release(&b);
    return rc;
}

static char *error_of(const cJSON *root)
{
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(err, "message");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");

    if (cJSON_IsString(msg))
        return mem_strdup(msg->valuestring);
    /* "error": null is what some proxies add to a good answer. */
    if ((err && !cJSON_IsNull(err)) ||
        (cJSON_IsString(type) && !strcmp(type->valuestring, "error")))
        return mem_strdup("an error without a message");
    return NULL;
}

static char *anthropic_error_message(const char *body, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    char *out = error_of(root);

    cJSON_Delete(root);
    return out;
}

static long number(const cJSON *obj, const char *name)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, name);

    /* Counts only: a negative or out-of-range value (which would not
     * convert to long) reads as 0. */
    if (!cJSON_IsNumber(n) || !(n->valuedouble >= 0) ||
        n->valuedouble >= (double)LONG_MAX)
        return 0;
    return (long)n->valuedouble;
}

/* Concatenate the text blocks of "content". */
static enum csmap_rc content_text(const cJSON *content, struct buf *out)
{
    const cJSON *block;
    enum csmap_rc rc = CS_OK;

    cJSON_ArrayForEach(block, content)
    {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(block, "type");
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(block, "text");

        if (cJSON_IsString(type) && !strcmp(type->valuestring, "text") &&
            cJSON_IsString(text) && (rc = buf_adds(out, text->valuestring)))
            break;
    }
    return rc;
}

static enum csmap_rc anthropic_parse(const char *body, size_t len,
                                     struct llm_response *resp, struct buf *err)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    cJSON *content, *stop, *usage;
    struct buf text = BUF_INIT;
    char *emsg;
    enum csmap_rc rc = CS_DATA;

    if (!root) {
        buf_adds(err, "the answer is not valid JSON");
        goto out;
    }
    if ((emsg = error_of(root))) {
        buf_printf(err, "the answer is an error: %s", emsg);
        mem_free(emsg);
        goto out;
    }
    content = cJSON_GetObjectItemCaseSensitive(root, "content");
    if (!cJSON_IsArray(content)) {
        buf_adds(err, "the answer has no content blocks");
        goto out;
    }
    if ((rc = content_text(content, &text)) || (rc = buf_adds(&text, "")))
        goto out;
    stop = cJSON_GetObjectItemCaseSensitive(root, "stop_reason");
    usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
    resp->input_tokens = number(usage, "input_tokens");
    resp->output_tokens = number(usage, "output_tokens");
    resp->text = buf_detach(&text);
    rc = CS_NOMEM;
    if (!resp->text)
        goto out;
    if (cJSON_IsString(stop) &&
        !(resp->finish_reason = mem_strdup(stop->valuestring)))
        goto out;
    rc = CS_OK;

out:
    buf_release(&text);
    cJSON_Delete(root);
    return rc;
}

static enum csmap_rc stream_usage(struct llm_stream *st, const cJSON *root)
{
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "message");
    const cJSON *usage =
        cJSON_GetObjectItemCaseSensitive(msg ? msg : root, "usage");
    const cJSON *delta = cJSON_GetObjectItemCaseSensitive(root, "delta");
    const cJSON *stop = cJSON_GetObjectItemCaseSensitive(delta, "stop_reason");

    if (cJSON_GetObjectItemCaseSensitive(usage, "input_tokens"))
        st->input_tokens = number(usage, "input_tokens");
    if (cJSON_GetObjectItemCaseSensitive(usage, "output_tokens"))
        st->output_tokens = number(usage, "output_tokens");
    if (cJSON_IsString(stop) && !st->finish_reason &&
        !(st->finish_reason = mem_strdup(stop->valuestring)))
        return CS_NOMEM;
    return CS_OK;
}

static enum csmap_rc anthropic_sse_event(struct llm_stream *st,
                                         const char *event, const char *data)
{
    cJSON *root = cJSON_Parse(data);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
    const char *kind = cJSON_IsString(type) ? type->valuestring : event;
    enum csmap_rc rc = CS_OK;

    if (!root)
        return CS_DATA;
    if (!strcmp(kind, "error")) {
        st->error = error_of(root);
        rc = CS_DATA;
    } else if (!strcmp(kind, "content_block_delta")) {
        const cJSON *delta = cJSON_GetObjectItemCaseSensitive(root, "delta");
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(delta, "text");

        if (cJSON_IsString(text))
            rc = llm_stream_delta(st, text->valuestring,
                                  strlen(text->valuestring));
    } else if (!strcmp(kind, "message_start") ||
               !strcmp(kind, "message_delta")) {
        rc = stream_usage(st, root);
    } else if (!strcmp(kind, "message_stop")) {
        st->done = true;
    }
    cJSON_Delete(root);
    return rc;
}

const struct llm_provider llm_anthropic = {
    .name = "anthropic",
    .default_base_url = "https://api.anthropic.com/v1",
    .default_key_env = "ANTHROPIC_API_KEY",
    .key_required = true,
    .path = "/messages",
    .body = anthropic_body,
    .headers = anthropic_headers,
    .parse = anthropic_parse,
    .error_message = anthropic_error_message,
    .sse_event = anthropic_sse_event,
};
