/* Result codes shared by every csmap module, and their exit codes. */
#ifndef CSMAP_RC_H
#define CSMAP_RC_H

/*
 * Every fallible function returns one of these.  Library code reports the
 * details through the logger and returns the code; only the command layer
 * turns a code into an exit status with rc_exit_code().
 */
enum csmap_rc {
    CS_OK = 0,
    CS_ERR,         /* failure with no more specific class */
    CS_NOMEM,       /* an allocation failed */
    CS_IO,          /* a file could not be read or written */
    CS_USAGE,       /* bad command line */
    CS_DATA,        /* bad input data */
    CS_CONFIG,      /* bad configuration */
    CS_STORE,       /* the SQLite store failed */
    CS_NOTFOUND,    /* a named thing does not exist */
    CS_TOOBIG,      /* an input or buffer passed its size cap */
    CS_UNAVAILABLE, /* a provider cannot be used */
    CS_TEMP,        /* a temporary failure worth retrying */
};

/* Documented exit codes (DESIGN section 9). */
enum csmap_exit {
    EXIT_OK = 0,
    EXIT_FAILURE_ = 1,
    EXIT_USAGE = 2,
    EXIT_DATA = 65,
    EXIT_UNAVAILABLE = 69,
    EXIT_TEMP = 75,
};

/* The exit status a command should end with after failing with rc. */
int rc_exit_code(enum csmap_rc rc);

/* A short lower-case description of rc ("out of memory"). */
const char *rc_str(enum csmap_rc rc);

#endif
