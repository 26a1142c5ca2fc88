/* The one reporter: every message csmap prints on standard error. */
#ifndef CSMAP_LOG_H
#define CSMAP_LOG_H

#include <stdarg.h>

enum log_level {
    LOG_QUIET = -1, /* errors only (-q) */
    LOG_WARN = 0,   /* default: errors, warnings, summaries */
    LOG_INFO = 1,   /* -v: progress details */
    LOG_DEBUG = 2,  /* -vv: requests, cache hits, SQL timings */
};

/* Set the verbosity; messages above it are dropped. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/*
 * Messages are written as "csmap: error: ...", "csmap: warning: ...",
 * "csmap: ..." (notes and info) and "csmap: debug: ...", with a newline
 * added.  Errors are always printed; warnings and notes are dropped by -q.
 */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Count of errors and warnings reported since start (for summaries). */
unsigned long log_error_count(void);

#endif
