/* libFuzzer harness: the providers' answer and error-body parsers. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "csmap/mem.h"
#include "llm/llm_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const struct llm_provider *prov, const char *body, size_t len)
{
    struct llm_response resp;
    struct buf err;
    enum csmap_rc rc;

    memset(&resp, 0, sizeof(resp));
    buf_init(&err, 0);
    rc = prov->parse(body, len, &resp, &err);
    /* An answer has text; a refused one says why and has none. */
    if ((rc == CS_OK && !resp.text) || (rc == CS_DATA && !err.len))
        abort();
    mem_free(resp.text);
    mem_free(resp.finish_reason);
    buf_release(&err);
    mem_free(prov->error_message(body, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;

    if (!ready) {
        fuzz_init();
        ready = 1;
    }
    parse(&llm_openai, (const char *)data, size);
    parse(&llm_anthropic, (const char *)data, size);
    return 0;
}
