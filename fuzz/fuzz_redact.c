/* libFuzzer harness: redaction, and that restoring gives the text back. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "csmap/config.h"
#include "csmap/redact.h"
#include "csmap/regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config_redact_pattern patterns[2];
static char label_ticket[] = "ticket ref";
static char label_name[] = "name";

/* Two configured patterns, as csmap.json would give them. */
static void make_patterns(void)
{
    char err[256];

    patterns[0].label = label_ticket;
    patterns[0].re = regex_compile("TCK-[0-9]{3,}", false, err, sizeof(err));
    patterns[1].label = label_name;
    patterns[1].re =
        regex_compile("\\b(?:Ann|Bo) [A-Z][a-z]+\\b", false, err, sizeof(err));
    if (!patterns[0].re || !patterns[1].re)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    struct redact *r;
    struct buf red, back;

    if (!ready) {
        fuzz_init();
        make_patterns();
        ready = 1;
    }
    if (redact_new(patterns, 2, &r) != CS_OK)
        abort();
    buf_init(&red, 0);
    buf_init(&back, 0);

    /* Twice, so the second pass reuses the placeholders of the first. */
    for (int pass = 0; pass < 2; pass++) {
        buf_reset(&red);
        buf_reset(&back);
        if (redact_text(r, (const char *)data, size, &red) != CS_OK ||
            redact_restore(r, red.data ? red.data : "", red.len, &back) !=
                CS_OK)
            abort();
        if (back.len != size || (size && memcmp(back.data, data, size)))
            abort();
    }
    buf_release(&red);
    buf_release(&back);
    redact_free(r);
    return 0;
}
