/* The reporter: one place that writes messages to standard error. */
#include "csmap/log.h"

#include <stdio.h>

static enum log_level current_level = LOG_WARN;
static unsigned long errors_reported;

void log_set_level(enum log_level level)
{
    current_level = level;
}

enum log_level log_get_level(void)
{
    return current_level;
}

unsigned long log_error_count(void)
{
    return errors_reported;
}

static void emit(const char *tag, const char *fmt, va_list ap)
{
    /* One fprintf per line keeps lines whole when threads or processes
     * share the stream. */
    char line[4096];
    int n = vsnprintf(line, sizeof(line), fmt, ap);

    if (n < 0)
        return;
    if ((size_t)n >= sizeof(line))
        n = (int)sizeof(line) - 1;
    while (n > 0 && line[n - 1] == '\n')
        line[--n] = '\0';
    fprintf(stderr, "csmap: %s%s\n", tag, line);
}

void log_error(const char *fmt, ...)
{
    va_list ap;

    errors_reported++;
    va_start(ap, fmt);
    emit("error: ", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;

    if (current_level < LOG_WARN)
        return;
    va_start(ap, fmt);
    emit("warning: ", fmt, ap);
    va_end(ap);
}

void log_note(const char *fmt, ...)
{
    va_list ap;

    if (current_level < LOG_WARN)
        return;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void log_info(const char *fmt, ...)
{
    va_list ap;

    if (current_level < LOG_INFO)
        return;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    va_list ap;

    if (current_level < LOG_DEBUG)
        return;
    va_start(ap, fmt);
    emit("debug: ", fmt, ap);
    va_end(ap);
}
