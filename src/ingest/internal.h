/* Shared by the files of src/ingest: kinds, rows, maps and the loader. */
#ifndef CSMAP_INGEST_INTERNAL_H
#define CSMAP_INGEST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmap/buf.h"
#include "csmap/ingest.h"

struct cJSON;
struct sqlite3_stmt;

/* A map from byte strings to integers; keys are copied. */
struct strmap {
    struct strmap_slot *slots;
    size_t cap; /* a power of two, or 0 */
    size_t used;
    char *keys; /* every key, back to back */
    size_t keys_len, keys_cap;
};

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
/* True and *val when key is in the map. */
bool strmap_get(const struct strmap *m, const void *key, size_t n,
                int64_t *val);
/* Add or replace; CS_NOMEM on failure. */
enum csmap_rc strmap_put(struct strmap *m, const void *key, size_t n,
                         int64_t val);

/* Sort n items by key, keeping the order of equal keys; tmp holds n. */
struct sort_item {
    uint64_t key;
    uint32_t idx;
    int32_t aux; /* carried along */
};
void ingest_radix_sort(struct sort_item *a, struct sort_item *tmp, size_t n);

/* What a field holds, and so how it is checked and stored. */
enum field_type {
    FT_TEXT,    /* any UTF-8 text */
    FT_ACCOUNT, /* an account_id or external id -> the account's row id */
    FT_DATE,    /* a date, or a timestamp standing for its UTC date */
    FT_TS,      /* a timestamp -> epoch seconds */
    FT_BOOL,
    FT_COUNT, /* a whole number >= 0 */
    FT_NUMBER,
    FT_PRIORITY, /* urgent, high, normal, low in any case */
    FT_FKIND,    /* nps, csat, survey, qbr_note, suggestion, churn_debrief */
    FT_EXT,      /* space-separated system:id pairs */
};

struct field_spec {
    const char *name;
    enum field_type type;
    bool required;
};

#define ROW_MAX_FIELDS 9

struct kind_spec {
    enum ingest_kind kind;
    const struct field_spec *fields;
    size_t n_fields;
};

const struct kind_spec *kind_spec_of(enum ingest_kind kind);
/* The field's index in the kind, or -1. */
int kind_field(const struct kind_spec *ks, const char *name, size_t n);

/* Field indexes the loader uses by name. */
enum {
    F_ACC_ID = 0,
    F_ACC_NAME,
    F_ACC_SEGMENT,
    F_ACC_PLAN,
    F_ACC_SEATS,
    F_ACC_ARR,
    F_ACC_OWNER,
    F_ACC_SIGNUP,
    F_ACC_EXT,
};
enum {
    F_CON_ID = 0,
    F_CON_ACCOUNT,
    F_CON_NAME,
    F_CON_EMAIL,
    F_CON_ROLE,
    F_CON_SPONSOR,
    F_CON_FIRST,
    F_CON_LEFT,
};
enum { F_EV_ACCOUNT = 0, F_EV_USER, F_EV_EVENT, F_EV_TS, F_EV_MSG };
enum {
    F_TK_ID = 0,
    F_TK_ACCOUNT,
    F_TK_CREATED,
    F_TK_RESOLVED,
    F_TK_PRIORITY,
    F_TK_STATUS,
    F_TK_SUBJECT,
    F_TK_DESC,
    F_TK_TAGS,
};
enum {
    F_FB_ACCOUNT = 0,
    F_FB_DATE,
    F_FB_KIND,
    F_FB_SCORE,
    F_FB_TEXT,
    F_FB_EMAIL,
};
enum {
    F_CT_ACCOUNT = 0,
    F_CT_START,
    F_CT_END,
    F_CT_ID,
    F_CT_ARR,
    F_CT_SEATS,
    F_CT_PLAN,
};

/* The priority and feedback kind words, by the index FT_* values hold. */
extern const char *const ingest_priorities[];
extern const char *const ingest_feedback_kinds[];

/* One record's values: raw text, then checked values. */
struct row_val {
    const char *p; /* not NUL-terminated; not owned */
    size_t n;
    bool set;  /* given and not empty */
    int64_t i; /* FT_ACCOUNT, FT_DATE, FT_TS, FT_BOOL, FT_COUNT, enums */
    double d;  /* FT_NUMBER */
};

struct row {
    struct row_val v[ROW_MAX_FIELDS];
    long line;
    bool zendesk_org;   /* the account field is a Zendesk organization id */
    bool deleted;       /* a Zendesk ticket deleted at the source */
    bool decimal_comma; /* numbers may use a decimal comma (';' CSV) */
    char scratch[512];  /* room for numbers turned into text */
    size_t scratch_len;
};

void row_clear(struct row *row);
/* Copy n bytes into the row's scratch; NULL when it is full. */
const char *row_keep(struct row *row, const char *p, size_t n);

/* The loader: account lookups, interning, statements and event batches. */
struct loader;

enum csmap_rc loader_open(struct store *st, enum ingest_kind kind,
                          struct ingest_stats *stats, struct loader **out);
/* Write what is still batched and free the loader. */
enum csmap_rc loader_finish(struct loader *ld);
void loader_free(struct loader *ld);

/* Step s to its end (or first row) and reset it; reports a failure. */
enum csmap_rc ingest_step(struct store *st, struct sqlite3_stmt *s);

/* Fill map from sql, whose rows are (text, id); with users, (account,
 * user_id, id) keyed by the account's 8 bytes then the user_id. */
enum csmap_rc ingest_load_map(struct store *st, struct strmap *map,
                              const char *sql, bool users);

/*
 * The events of a file (events.c): keyed, batched and written in key
 * order.  events_add() takes a checked row and counts it as loaded or
 * replaced when its batch is written; events_finish() writes the rest.
 */
struct event_batch;

enum csmap_rc events_open(struct store *st, struct ingest_stats *stats,
                          struct event_batch **out);
enum csmap_rc events_add(struct event_batch *eb, const struct row *row);
enum csmap_rc events_finish(struct event_batch *eb);
void events_free(struct event_batch *eb);

/* Name the input in the loader's messages. */
void loader_set_file(struct loader *ld, const char *file);
/* Resolve an external id ("zendesk:3601") alone; false when unknown. */
bool loader_ext(const struct loader *ld, const char *p, size_t n, int64_t *id);
/* Resolve an account_id or external id; false when unknown. */
bool loader_account(const struct loader *ld, const char *p, size_t n,
                    int64_t *id);
/* Remove the ticket with this id, if the store has it (a Zendesk ticket
 * deleted at the source). */
enum csmap_rc loader_drop_ticket(struct loader *ld, const struct row_val *id,
                                 bool *found);
/* Load one checked row; counts it as loaded or replaced. */
enum csmap_rc loader_row(struct loader *ld, const struct row *row);

/* Check and convert a row's fields; reports a bad row and returns
 * CS_DATA.  file names the input in messages. */
enum csmap_rc row_check(const struct kind_spec *ks, const struct loader *ld,
                        const char *file, struct row *row);

/* Fill the row from a JSON object by field names (map: field -> key, or
 * NULL).  Reports a bad value and returns CS_DATA. */
enum csmap_rc row_from_json(const struct kind_spec *ks, const struct cJSON *map,
                            const struct cJSON *obj, const char *file,
                            struct row *row);

/* The member names of a kind's fields (through a source's map), and the
 * unknown names already reported, for flat_record(). */
struct flat_names {
    const char *name[ROW_MAX_FIELDS];
    size_t len[ROW_MAX_FIELDS];
    size_t count;
    const struct strmap *unknown;
};

/*
 * Fill the row from a flat JSON object without building a tree: values
 * that are strings without escapes, whole numbers, true, false or null.
 * False, with the row partly filled, when the record needs the full
 * parser: anything else, a member not yet reported as unknown, or invalid
 * JSON.
 */
bool flat_record(const struct flat_names *fn, const char *p, size_t n,
                 struct row *row);

/* Fill a tickets row from a Zendesk ticket.  A deleted ticket sets
 * row->deleted and only its id. */
enum csmap_rc zendesk_row(const struct cJSON *ticket, const char *file,
                          struct buf *tags, struct row *row);
/* "ticket 50007", to name a ticket in messages. */
void zendesk_label(const struct cJSON *ticket, char *out, size_t n);

/* What a Segment call is. */
enum segment_call { SEG_TRACK, SEG_GROUP, SEG_OTHER, SEG_NONE };
enum segment_call segment_call_type(const struct cJSON *call);

/* Fill an events row from a Segment track call; CS_NOTFOUND when it names
 * no account (to be skipped). */
enum csmap_rc segment_row(const struct ingest_segment *sg,
                          const struct cJSON *call, const char *file,
                          struct row *row);

/* Errors about input files go through ingest_error(), which says nothing
 * while ingest_silent is set (when files are only looked at to order
 * them). */
extern bool ingest_silent;
void ingest_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report a bad row as FILE:LINE: field: reason; after 100 in a file,
 * only says once that more are not shown (all are shown with -v).
 * ingest_bad_row_reset() starts a new file. */
void ingest_bad_row_reset(void);
void ingest_bad_row(const char *file, long line, const char *field,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Name the record in the bad-row messages that follow ("ticket 50007"),
 * for files whose records share a line; NULL stops. */
void ingest_bad_row_label(const char *label);

#endif
