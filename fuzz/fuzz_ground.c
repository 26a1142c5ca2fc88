/* libFuzzer harness: the answer checks.  The input is the context JSON, a
 * "\n---\n" line, then the answer. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "common.h"
#include "csmap/ground.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sections[] = {"Summary", "Next steps", "Risks"};
static const char *const keys[] = {"emails", "emails[].subject",
                                   "blocks[].title", "meta.version"};

static void check(const char *answer, size_t len, const cJSON *context,
                  const char *prompt, size_t prompt_len, bool json)
{
    struct ground_spec spec = {.sections = sections,
                               .n_sections = json ? 0 : 3,
                               .json = json,
                               .json_keys = keys,
                               .n_json_keys = json ? 4 : 0};
    cJSON *out = NULL;

    if (ground_check(answer, len, context, prompt, prompt_len, &spec, &out) ==
            CS_OK &&
        !cJSON_IsObject(out))
        abort();
    cJSON_Delete(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    const uint8_t *ctx_p, *ans_p;
    size_t ctx_n, ans_n;
    cJSON *context;

    if (!ready) {
        fuzz_init();
        ready = 1;
    }
    fuzz_split(data, size, &ctx_p, &ctx_n, &ans_p, &ans_n);
    context = cJSON_ParseWithLength((const char *)ctx_p, ctx_n);

    /* The context's text stands in for the rendered prompt. */
    check((const char *)ans_p, ans_n, context, (const char *)ctx_p, ctx_n,
          false);
    check((const char *)ans_p, ans_n, context, (const char *)ctx_p, ctx_n,
          true);
    cJSON_Delete(context);
    return 0;
}
