/* libFuzzer harness: the CSV reader, then a whole CSV ingest. */
#include <stdlib.h>

#include "common.h"
#include "csmap/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every field must lie inside the reader's buffer. */
static void check_fields(const struct csv_reader *r)
{
    const struct ingest_input *in = r->in;

    if (r->n_fields < 1)
        abort();
    for (size_t i = 0; i < r->n_fields; i++) {
        const struct csv_field *f = &r->fields[i];
        if (f->p < in->buf || f->p + f->n > in->buf + in->len)
            abort();
    }
}

/* Read every record; a malformed one is skipped as the reader promises. */
static void read_all(const uint8_t *data, size_t size)
{
    struct ingest_input in;
    struct csv_reader r;
    enum csmap_rc rc;

    ingest_input_mem(&in, (const char *)data, size);
    csv_init(&r, &in);
    while ((rc = csv_next(&r)) == CS_OK || rc == CS_DATA)
        if (rc == CS_OK)
            check_fields(&r);
    csv_release(&r);
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
    read_all(data, size);
    fuzz_ingest(&opt, data, size);
    return 0;
}
