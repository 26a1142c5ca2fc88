/* The OpenAI-compatible chat-completions API (OpenAI, vLLM, Ollama ...). */
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "csmap/mem.h"
#include "llm_int.h"

static cJSON *messages_json(const struct llm_request *req)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; arr && i < req->n_messages; i++) {
        cJSON *m = cJSON_CreateObject();

        /* m joins arr only when whole, so a failure frees it once. */
        if (!m || !cJSON_AddStringToObject(m, "role", req->messages[i].role) ||
            !cJSON_AddStringToObject(m, "content", req->messages[i].content) ||
            !cJSON_AddItemToArray(arr, m)) {
            cJSON_Delete(m);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

/*
 * OpenAI's reasoning models (o1, o3, o4-mini, gpt-5 and their variants)
 * take max_completion_tokens instead of max_tokens, and no temperature:
 * they refuse a request that sends either.
 */
static bool reasoning_model(const char *model)
{
    static const char *const families[] = {"o1", "o3", "o4", "gpt-5"};
    const char *slash = model ? strrchr(model, '/') : NULL;

    if (!model)
        return false;
    if (slash) /* "openai/o3-mini" as routers name it */
        model = slash + 1;
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        size_t n = strlen(families[i]);
        if (strncmp(model, families[i], n) == 0 &&
            (model[n] == '\0' || model[n] == '-' || model[n] == '.'))
            return true;
    }
    return false;
}

/* response_format: {"type": "json_schema", "json_schema": {name, schema,
 * strict}} */
static bool add_schema(cJSON *root, const struct llm_request *req)
{
    cJSON *fmt, *js, *schema;

    schema = cJSON_Parse(req->json_schema);
    if (!schema)
        return false;
    if (!(fmt = cJSON_AddObjectToObject(root, "response_format")) ||
        !cJSON_AddStringToObject(fmt, "type", "json_schema") ||
        !(js = cJSON_AddObjectToObject(fmt, "json_schema")) ||
        !cJSON_AddStringToObject(
            js, "name", req->schema_name ? req->schema_name : "artifact") ||
        !cJSON_AddItemToObject(js, "schema", schema)) {
        cJSON_Delete(schema);
        return false;
    }
    return true;
}

static enum csmap_rc openai_body(const struct llm_request *req, bool stream,
                                 struct buf *out)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *msgs = messages_json(req);
    cJSON *opts;
    char *text = NULL;
    enum csmap_rc rc = CS_NOMEM;

    if (!root || !msgs) {
        cJSON_Delete(msgs);
        goto out;
    }
    if (!cJSON_AddStringToObject(root, "model", req->model) ||
        !cJSON_AddItemToObject(root, "messages", msgs)) {
        cJSON_Delete(msgs);
        goto out;
    }
    if (reasoning_model(req->model)) {
        if (!cJSON_AddNumberToObject(root, "max_completion_tokens",
                                     req->max_tokens))
            goto out;
    } else if (!cJSON_AddNumberToObject(root, "temperature",
                                        req->temperature) ||
               !cJSON_AddNumberToObject(root, "max_tokens", req->max_tokens)) {
        goto out;
    }
    if (req->json_schema && !add_schema(root, req)) {
        rc = CS_DATA;
        goto out;
    }
    if (stream && (!cJSON_AddTrueToObject(root, "stream") ||
                   !(opts = cJSON_AddObjectToObject(root, "stream_options")) ||
                   !cJSON_AddTrueToObject(opts, "include_usage")))
        goto out;
    if (!(text = cJSON_PrintUnformatted(root)))
        goto out;
    rc = buf_adds(out, text);

out:
    cJSON_free(text);
    cJSON_Delete(root);
    return rc;
}

static enum csmap_rc openai_headers(const char *key, struct curl_slist **list)
{
    struct buf b = BUF_INIT;
    enum csmap_rc rc = llm_header_add(list, "Content-Type: application/json");

    if (rc || !key || !*key)
        return rc;
    if (!(rc = buf_printf(&b, "Authorization: Bearer %s", key)))
        rc = llm_header_add(list, buf_str(&b));
    /* The key must not linger in freed memory longer than needed. */
    if (b.data)
        memset(b.data, 0, b.len);
    buf_release(&b);
    return rc;
}

static char *openai_error_message(const char *body, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    cJSON *msg = cJSON_GetObjectItemCaseSensitive(err, "message");
    char *out = NULL;

    if (cJSON_IsString(msg))
        out = mem_strdup(msg->valuestring);
    else if (cJSON_IsString(err))
        out = mem_strdup(err->valuestring);
    else if (err && !cJSON_IsNull(err)) /* some proxies add "error": null */
        out = mem_strdup("an error without a message");
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

/* The text of a message's content: a string, or the text of a list of
 * parts ([{"type": "text", "text": ...}], as some servers send). */
static char *content_text(const cJSON *content)
{
    struct buf b = BUF_INIT;
    const cJSON *part;

    if (cJSON_IsString(content))
        return mem_strdup(content->valuestring);
    if (buf_adds(&b, ""))
        return NULL;
    cJSON_ArrayForEach(part, content)
    {
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(part, "text");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(part, "type");

        if (cJSON_IsString(text) &&
            (!cJSON_IsString(type) || !strcmp(type->valuestring, "text")) &&
            buf_adds(&b, text->valuestring)) {
            buf_release(&b);
            return NULL;
        }
    }
    return buf_detach(&b);
}

static enum csmap_rc openai_parse(const char *body, size_t len,
                                  struct llm_response *resp, struct buf *err)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    cJSON *choice, *msg, *content, *finish, *usage, *refusal;
    char *emsg;
    enum csmap_rc rc = CS_DATA;

    if (!root) {
        buf_adds(err, "the answer is not valid JSON");
        goto out;
    }
    if ((emsg = openai_error_message(body, len))) {
        buf_printf(err, "the answer is an error: %s", emsg);
        mem_free(emsg);
        goto out;
    }
    choice = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(root, "choices"), 0);
    msg = cJSON_GetObjectItemCaseSensitive(choice, "message");
    content = cJSON_GetObjectItemCaseSensitive(msg, "content");
    refusal = cJSON_GetObjectItemCaseSensitive(msg, "refusal");
    if (cJSON_IsString(refusal) && !cJSON_IsString(content)) {
        buf_printf(err, "the model refused: %s", refusal->valuestring);
        goto out;
    }
    if (!cJSON_IsString(content) && !cJSON_IsArray(content)) {
        buf_adds(err, "the answer has no choices[0].message.content");
        goto out;
    }
    finish = cJSON_GetObjectItemCaseSensitive(choice, "finish_reason");
    usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
    resp->input_tokens = number(usage, "prompt_tokens");
    resp->output_tokens = number(usage, "completion_tokens");
    rc = CS_NOMEM;
    if (!(resp->text = content_text(content)))
        goto out;
    if (cJSON_IsString(finish) &&
        !(resp->finish_reason = mem_strdup(finish->valuestring)))
        goto out;
    rc = CS_OK;

out:
    cJSON_Delete(root);
    return rc;
}

static enum csmap_rc openai_sse_event(struct llm_stream *st, const char *event,
                                      const char *data)
{
    cJSON *root, *choice, *delta, *content, *finish, *usage;
    enum csmap_rc rc = CS_OK;

    (void)event;
    if (!strcmp(data, "[DONE]")) {
        st->done = true;
        return CS_OK;
    }
    if (!(root = cJSON_Parse(data)))
        return CS_DATA;
    if ((st->error = openai_error_message(data, strlen(data)))) {
        cJSON_Delete(root);
        return CS_DATA;
    }
    choice = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(root, "choices"), 0);
    delta = cJSON_GetObjectItemCaseSensitive(choice, "delta");
    content = cJSON_GetObjectItemCaseSensitive(delta, "content");
    if (cJSON_IsString(content))
        rc = llm_stream_delta(st, content->valuestring,
                              strlen(content->valuestring));
    finish = cJSON_GetObjectItemCaseSensitive(choice, "finish_reason");
    if (!rc && cJSON_IsString(finish) && !st->finish_reason &&
        !(st->finish_reason = mem_strdup(finish->valuestring)))
        rc = CS_NOMEM;
    usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
    if (cJSON_IsObject(usage)) {
        st->input_tokens = number(usage, "prompt_tokens");
        st->output_tokens = number(usage, "completion_tokens");
    }
    cJSON_Delete(root);
    return rc;
}

const struct llm_provider llm_openai = {
    .name = "openai",
    .default_base_url = "https://api.openai.com/v1",
    .default_key_env = "OPENAI_API_KEY",
    .key_required = false,
    .path = "/chat/completions",
    .body = openai_body,
    .headers = openai_headers,
    .parse = openai_parse,
    .error_message = openai_error_message,
    .sse_event = openai_sse_event,
};
