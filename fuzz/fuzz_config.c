/* libFuzzer harness: the configuration loader. */
#include "common.h"
#include "csmap/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    struct config *cfg = NULL;

    if (!ready) {
        fuzz_init();
        ready = 1;
    }
    if (config_parse("csmap.json", (const char *)data, size, &cfg) == CS_OK) {
        config_ready_for_signals(cfg);
        config_free(cfg);
    }
    return 0;
}
