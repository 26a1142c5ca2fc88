/* Loading CSV, JSON Lines and JSON files into the store (DESIGN section 5). */
#ifndef CSMAP_INGEST_H
#define CSMAP_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmap/rc.h"

struct cJSON;
struct store;

/* The largest record (a CSV row, a JSON line or array element) read. */
#define INGEST_MAX_RECORD ((size_t)16 << 20)

enum ingest_kind {
    INGEST_UNKNOWN = 0,
    INGEST_ACCOUNTS,
    INGEST_CONTACTS,
    INGEST_EVENTS,
    INGEST_TICKETS,
    INGEST_FEEDBACK,
    INGEST_CONTRACTS,
};

/* "accounts" ...; "unknown" for INGEST_UNKNOWN. */
const char *ingest_kind_name(enum ingest_kind kind);

/* Parse a kind name; false when s names no kind. */
bool ingest_kind_parse(const char *s, enum ingest_kind *out);

struct ingest_options {
    enum ingest_kind kind;       /* --kind, or INGEST_UNKNOWN to detect */
    const char *preset;          /* --preset: zendesk, segment, a source */
    bool strict;                 /* --strict */
    const struct cJSON *sources; /* csmap.json "sources", or NULL */
};

struct ingest_stats {
    unsigned long read;     /* records read */
    unsigned long loaded;   /* new to the store */
    unsigned long replaced; /* replaced a record with the same key */
    unsigned long rejected; /* bad rows, reported and not loaded */
    unsigned long skipped;  /* records that carry nothing to load */
};

/*
 * Load the files into st, accounts first, then contracts, then the rest
 * in the given order, each file in one transaction.  Reports bad rows,
 * bad files and a summary per file.  Returns CS_OK; CS_DATA when any row
 * or file was rejected; CS_USAGE for a preset that does not exist; CS_IO,
 * CS_STORE or CS_NOMEM when loading failed (the file that failed is left
 * out whole).
 */
enum csmap_rc ingest_files(struct store *st, const struct ingest_options *opt,
                           char *const *paths, size_t n_paths);

/* Load one file (the kind detected unless forced); stats may be NULL. */
enum csmap_rc ingest_file(struct store *st, const struct ingest_options *opt,
                          const char *path, struct ingest_stats *stats);

/*
 * Buffered input over a file or a memory block.  buf[pos..len) is unread;
 * the buffer grows to hold one record of at most INGEST_MAX_RECORD bytes.
 */
struct ingest_input {
    const char *name; /* for messages; not owned */
    int fd;           /* -1 for memory input */
    const char *mem;  /* memory input, not owned */
    size_t mem_len;
    size_t mem_pos;
    char *buf; /* owned */
    size_t pos, len, cap;
    bool eof;
    uint64_t offset; /* file offset of buf[0] */
};

/* Open path for reading; reports a failure and returns CS_IO. */
enum csmap_rc ingest_input_open(struct ingest_input *in, const char *path);

/* Read from n bytes at data, which must outlive the input. */
void ingest_input_mem(struct ingest_input *in, const char *data, size_t n);

/*
 * Drop the bytes before pos and read more; *got is the number of bytes
 * added (0 at the end of input).  CS_TOOBIG when the unread part already
 * holds INGEST_MAX_RECORD bytes; CS_IO or CS_NOMEM on failure.
 */
enum csmap_rc ingest_input_fill(struct ingest_input *in, size_t *got);

void ingest_input_close(struct ingest_input *in);

/* A field of a CSV record: points into the input buffer. */
struct csv_field {
    char *p;
    size_t n;
    bool escaped; /* quoted with "" inside: unescaped when complete */
};

/* The most fields a CSV record may have. */
#define CSV_MAX_FIELDS 10000

/*
 * An RFC 4180 reader.  Records are returned whole, quoted fields already
 * unescaped in place; they stay valid until the next csv_next() call.
 */
struct csv_reader {
    struct ingest_input *in;
    struct csv_field *fields; /* owned */
    size_t n_fields;
    size_t cap_fields;
    long line;      /* the line where the returned record starts */
    long next_line; /* the line where the next record starts */
    bool started;   /* the BOM check is done */
    bool dead;      /* an unterminated quote ended the input */
    char sep;       /* ',', or ';' or tab when the header says so */
    char err[160];  /* the reason of a CS_DATA result */
};

void csv_init(struct csv_reader *r, struct ingest_input *in);

/*
 * Read the next record.  CS_OK with n_fields >= 1; CS_NOTFOUND at the end
 * of input; CS_DATA for a malformed record (err says why, line where it
 * starts; the next call goes on after it); CS_TOOBIG for a record over
 * INGEST_MAX_RECORD bytes (reading stops); CS_IO, CS_NOMEM.  Blank lines
 * are skipped.
 */
enum csmap_rc csv_next(struct csv_reader *r);

void csv_release(struct csv_reader *r);

/*
 * A JSON reader that returns records one at a time without reading the
 * whole input: the elements of a top-level array, the elements of the
 * "tickets" array of a Zendesk page object, or the lines of JSON Lines.
 * Element bytes are found by a non-recursive scanner that tracks strings,
 * escapes and depth, and are then parsed by the caller.
 */
enum json_mode {
    JSON_DETECT = 0, /* decide from the first bytes */
    JSON_LINES,
    JSON_ARRAY,
    JSON_PAGE, /* {"tickets": [...], ...} */
};

struct json_reader {
    struct ingest_input *in;
    enum json_mode mode;
    int state;     /* where the scanner is in an array or a page */
    long line;     /* the line where the returned element starts */
    long cur_line; /* the line at in->pos */
    bool tickets;  /* a page's "tickets" array was found */
    char err[160]; /* the reason of a CS_DATA result */
};

void json_init(struct json_reader *r, struct ingest_input *in,
               enum json_mode mode);

/*
 * The next element's bytes in *p, *n (not NUL-terminated; valid until the
 * next call).  CS_NOTFOUND at the end; CS_DATA when the document is
 * malformed (err, line; reading stops); CS_TOOBIG for a record over
 * INGEST_MAX_RECORD (err, line; in JSON Lines the record is skipped and
 * reading may go on, elsewhere it stops); CS_IO, CS_NOMEM.  Documents
 * written one after the other are read as one.
 */
enum csmap_rc json_next(struct json_reader *r, const char **p, size_t *n);

/* Values as the input formats define them (all false on bad input). */
bool ingest_parse_bool(const char *p, size_t n, bool *out);
bool ingest_parse_count(const char *p, size_t n, int64_t *out);
bool ingest_parse_number(const char *p, size_t n, double *out);
/* A date, or a timestamp standing for its UTC date. */
bool ingest_parse_day(const char *p, size_t n, int32_t *day);
/* Valid UTF-8 with no NUL byte; *bad is the offset of the first bad byte. */
bool ingest_utf8_valid(const char *p, size_t n, size_t *bad);

/*
 * Zendesk: the time a ticket was resolved by the rules of DESIGN section
 * 5.  *resolved is false for an open ticket.  CS_DATA with a reason in
 * why (a static string) when a timestamp cannot be read.
 */
enum csmap_rc ingest_zendesk_resolved(const struct cJSON *ticket,
                                      bool *resolved, int64_t *at,
                                      const char **why);

/*
 * Segment: the groups named by "group" calls, per user, so far in a file.
 * ingest_segment_account() gives the account of a track call (pointing
 * into call, into the state or, for a number, into tmp), or NULL when it
 * names none.
 */
struct ingest_segment;

struct ingest_segment *ingest_segment_new(void);
void ingest_segment_free(struct ingest_segment *sg);
/* Remember a group call; CS_NOMEM on failure. */
enum csmap_rc ingest_segment_group(struct ingest_segment *sg,
                                   const struct cJSON *call);
const char *ingest_segment_account(const struct ingest_segment *sg,
                                   const struct cJSON *call, char tmp[32]);
/* The user of a call: userId, else anonymousId, a string or a number
 * written into tmp; NULL when neither. */
const char *ingest_segment_user(const struct cJSON *call, char tmp[32]);

#endif
