/* libFuzzer harness: prompt file headers. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "csmap/prompt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    struct prompt_header h;

    if (!ready) {
        fuzz_init();
        ready = 1;
    }
    memset(&h, 0xa5, sizeof(h));
    if (prompt_header_parse("fuzz.mustache", (const char *)data, size, &h) ==
        CS_OK) {
        /* A parsed header names itself and lists what it promises. */
        if (!h.name || !h.stage || (h.n_sections && !h.sections))
            abort();
        for (size_t i = 0; i < h.n_sections; i++)
            if (!h.sections[i])
                abort();
        for (size_t i = 0; i < h.n_json_keys; i++)
            if (!h.json_keys[i])
                abort();
    }
    prompt_header_release(&h);
    return 0;
}
