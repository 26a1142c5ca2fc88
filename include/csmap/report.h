/* The map view: one view model from the signals, rendered as md, html, json. */
#ifndef CSMAP_REPORT_H
#define CSMAP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmap/buf.h"
#include "csmap/rc.h"
#include "csmap/signals.h"

struct cJSON;
struct sig_account;
struct sig_set;
struct store;

enum report_format { REPORT_MD, REPORT_HTML, REPORT_JSON };

/*
 * One generated artifact as the map shows it.  The caller fills these
 * (from the cache, see report_artifacts_from_store()) and keeps them alive
 * while the model is built; the model copies what it needs.
 */
struct report_artifact {
    const char *artifact; /* "stuck-alert", ... (DESIGN section 7) */
    const char *subject;  /* an account_id, or a segment name */
    const char *status;   /* "fresh", "stale" or "missing" */
    const char *path;     /* relative link to the artifact's file, or NULL */
    int ungrounded;       /* numbers not found in the artifact's context */
    int32_t as_of;        /* the as-of date it was generated for */
};

/* A list of artifacts that owns its strings. */
struct report_artifact_list {
    struct report_artifact *items;
    size_t n;
    size_t cap;
};

/* What the model is built from.  before may be NULL (no trend). */
struct report_input {
    const struct sig_set *now;    /* as of the map's date */
    const struct sig_set *before; /* as of 28 days earlier */
    const struct report_artifact *artifacts;
    size_t n_artifacts;
    const char *segment; /* only this segment's page, or NULL for all */
    const char *version; /* csmap's version for the footer, or NULL */
};

/*
 * The artifacts a stage expects (DESIGN section 7), NULL-terminated, in
 * the order the map lists them.  NULL for an out-of-range stage.
 */
const char *const *report_stage_artifacts(enum sig_stage s);

/* true when the artifact is made per segment, false per account. */
bool report_artifact_is_segment_scope(const char *artifact);

/*
 * Build the view model: an object with the as-of dates, an index of the
 * segments and one page per segment (or only in->segment's, CS_NOTFOUND
 * with a report when no account has it).  The layout is documented in
 * docs/map.md.  The caller owns *out and deletes it with cJSON_Delete().
 */
enum csmap_rc report_model(const struct report_input *in, struct cJSON **out);

/*
 * Set the links of the model for output.  With file_stem NULL every
 * page's link is an anchor in one document.  Otherwise the pages are files
 * named "<file_stem>-<slug><ext>" next to the index, the index links them
 * by that name and each page links back to index_name (NULL: "#index").
 * Returns CS_OK or CS_NOMEM.
 */
enum csmap_rc report_set_links(struct cJSON *model, const char *file_stem,
                               const char *ext, const char *index_name);

/*
 * Render model (from report_model()) in fmt and append it to out.  With
 * page < 0 everything goes into one document (the index when there are
 * several pages, then every page); with page_index true only the index;
 * otherwise only page number page.  JSON is the model itself.  Reports
 * template errors; returns CS_OK, CS_ERR, CS_NOMEM or CS_TOOBIG.
 */
enum csmap_rc report_render(struct cJSON *model, enum report_format fmt,
                            int page, bool page_index, struct buf *out);

/*
 * Build the model from in, render it in fmt and write it.  With path
 * NULL, one document goes to standard output.  Otherwise JSON is one file
 * at path; Markdown and HTML are one file for one page, or with several
 * pages the index at path and each page next to it as
 * "<path without extension>-<slug><extension>".  Every file is written to
 * a temporary file first (mode 0644) and renamed only when all are ready,
 * so a failed run leaves none.  Reports its errors.
 */
enum csmap_rc report_write(const struct report_input *in,
                           enum report_format fmt, const char *path);

/* One file of report_write_each(). */
struct report_output {
    enum report_format fmt;
    const char *path;
};

/*
 * report_write() into each of outs, from one model: the same files as n
 * calls of report_write(), in a fraction of the time.  Stops at the
 * first failure; the outputs already written stay.
 */
enum csmap_rc report_write_each(const struct report_input *in,
                                const struct report_output *outs, size_t n);

/* CS_IO, reported, when the folder path is to be written in is missing. */
enum csmap_rc report_check_output(const char *path);

/*
 * Fill list with the artifacts generated for as_of's week from the cache
 * in st: fresh when generated for an as-of date within the 6 days before
 * as_of, stale when older.  Artifacts a stage expects but that have no
 * entry are shown as missing by the model.  Leaves the list empty when
 * this build has no cache.  Release the list with
 * report_artifact_list_release().
 */
enum csmap_rc report_artifacts_from_store(struct store *st, int32_t as_of,
                                          struct report_artifact_list *list);

/* Append a copy of a to list (strings are duplicated). */
enum csmap_rc report_artifact_list_add(struct report_artifact_list *list,
                                       const struct report_artifact *a);

/* Set the link of item i of list to a copy of path. */
enum csmap_rc report_artifact_list_set_path(struct report_artifact_list *list,
                                            size_t i, const char *path);

void report_artifact_list_release(struct report_artifact_list *list);

#endif
