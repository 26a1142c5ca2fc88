/* libFuzzer harness: the JSON reader (lines, arrays, pages), then a whole
 * JSON ingest. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "common.h"
#include "csmap/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read every element in mode and parse it as the loader would. */
static void read_all(const uint8_t *data, size_t size, enum json_mode mode)
{
    struct ingest_input in;
    struct json_reader r;
    const char *p;
    size_t n;

    ingest_input_mem(&in, (const char *)data, size);
    json_init(&r, &in, mode);
    while (json_next(&r, &p, &n) == CS_OK) {
        if (p < in.buf || p + n > in.buf + in.len)
            abort();
        cJSON_Delete(cJSON_ParseWithLength(p, n));
    }
    ingest_input_close(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    struct ingest_options opt = {0};

    if (!ready) {
        fuzz_init();
        ready = 1;
    }
    read_all(data, size, JSON_DETECT);
    read_all(data, size, JSON_LINES);
    read_all(data, size, JSON_ARRAY);
    read_all(data, size, JSON_PAGE);
    fuzz_ingest(&opt, data, size);
    return 0;
}
