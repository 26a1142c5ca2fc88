/* libFuzzer harness: the Zendesk and Segment presets on the same input. */
#include "common.h"
#include "csmap/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    struct ingest_options zendesk = {.preset = "zendesk"};
    struct ingest_options segment = {.preset = "segment"};

    if (!ready) {
        fuzz_init();
        ready = 1;
    }
    fuzz_ingest(&zendesk, data, size);
    fuzz_ingest(&segment, data, size);
    return 0;
}
