/* Result codes and the exit status each one maps to. */
#include "csmap/rc.h"

int rc_exit_code(enum csmap_rc rc)
{
    switch (rc) {
    case CS_OK:
        return EXIT_OK;
    case CS_USAGE:
        return EXIT_USAGE;
    case CS_DATA:
        return EXIT_DATA;
    case CS_UNAVAILABLE:
        return EXIT_UNAVAILABLE;
    case CS_TEMP:
        return EXIT_TEMP;
    default:
        return EXIT_FAILURE_;
    }
}

const char *rc_str(enum csmap_rc rc)
{
    static const char *const text[] = {
        [CS_OK] = "success",
        [CS_ERR] = "failure",
        [CS_NOMEM] = "out of memory",
        [CS_IO] = "input/output error",
        [CS_USAGE] = "bad usage",
        [CS_DATA] = "bad input data",
        [CS_CONFIG] = "bad configuration",
        [CS_STORE] = "store error",
        [CS_NOTFOUND] = "not found",
        [CS_TOOBIG] = "too large",
        [CS_UNAVAILABLE] = "provider unavailable",
        [CS_TEMP] = "temporary failure",
    };

    if ((unsigned)rc < sizeof(text) / sizeof(text[0]) && text[rc])
        return text[rc];
    return "unknown error";
}
