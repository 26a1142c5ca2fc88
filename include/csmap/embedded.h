/* Files compiled into the binary: default prompts and report templates. */
#ifndef CSMAP_EMBEDDED_H
#define CSMAP_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char
        *path; /* as in the source tree: "prompts/health-brief.mustache" */
    const char *data;
    size_t len;
};

/* Terminated by an entry whose path is NULL. */
extern const struct embedded_file embedded_files[];

/* The embedded file at path, or NULL. */
const struct embedded_file *embedded_find(const char *path);

#endif
