/* Prompt files: header parsing, workspace over built-in, rendering. */
#include "csmap/prompt.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmap/buf.h"
#include "csmap/embedded.h"
#include "csmap/ground.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/mustache.h"

#define PROMPT_FILE_MAX ((size_t)1 << 20)
#define BUILTIN_DIR "prompts/"
#define SUFFIX ".mustache"

static const char *const header_keys[] = {
    "name",     "version",     "stage",    "scope",     "output",
    "audience", "description", "sections", "json_keys", NULL};

static const char *const stages[] = {"onboarding", "usage",  "support",
                                     "feedback",   "health", "renewal",
                                     "expansion",  "all",    NULL};

const char *prompt_scope_name(enum prompt_scope s)
{
    return s == PROMPT_SCOPE_SEGMENT ? "segment" : "account";
}

const char *prompt_output_name(enum prompt_output o)
{
    return o == PROMPT_OUTPUT_JSON ? "json" : "markdown";
}

const char *prompt_source_name(enum prompt_source s)
{
    return s == PROMPT_WORKSPACE ? "workspace" : "built-in";
}

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

/* Letters, digits, '-' and '_', not empty: safe as a file name. */
static bool name_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
            return false;
    return true;
}

/* ---- the header ---- */

/* State while parsing one header. */
struct hparse {
    const char *file;
    struct prompt_header *h;
    int line;
    unsigned seen; /* bit per header_keys entry */
    char ***list;  /* the list key that items go to, or NULL */
    size_t *list_n;
};

static enum csmap_rc herr(const struct hparse *p, int line, const char *fmt,
                          ...) __attribute__((format(printf, 3, 4)));

static enum csmap_rc herr(const struct hparse *p, int line, const char *fmt,
                          ...)
{
    char msg[384];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_error("%s:%d: %s", p->file, line, msg);
    return CS_DATA;
}

static enum csmap_rc list_add(char ***list, size_t *n, const char *s,
                              size_t len)
{
    char **l = mem_realloc(*list, (*n + 1) * sizeof(*l));

    if (!l)
        return CS_NOMEM;
    *list = l;
    if (!(l[*n] = mem_strndup(s, len)))
        return CS_NOMEM;
    (*n)++;
    return CS_OK;
}

/* "a, b, c" into list. */
static enum csmap_rc list_add_inline(char ***list, size_t *n, const char *v)
{
    while (*v) {
        size_t k = strcspn(v, ",");
        size_t a = 0, b = k;
        while (a < b && isspace((unsigned char)v[a]))
            a++;
        while (b > a && isspace((unsigned char)v[b - 1]))
            b--;
        if (b > a) {
            enum csmap_rc rc = list_add(list, n, v + a, b - a);
            if (rc != CS_OK)
                return rc;
        }
        v += k + (v[k] == ',');
    }
    return CS_OK;
}

static enum csmap_rc set_enum(struct hparse *p, const char *key, const char *v)
{
    struct prompt_header *h = p->h;

    if (strcmp(key, "scope") == 0) {
        if (strcmp(v, "account") && strcmp(v, "segment"))
            return herr(p, p->line,
                        "scope must be account or segment, "
                        "not '%s'",
                        v);
        h->scope = strcmp(v, "segment") == 0 ? PROMPT_SCOPE_SEGMENT
                                             : PROMPT_SCOPE_ACCOUNT;
        return CS_OK;
    }
    if (strcmp(v, "markdown") && strcmp(v, "json"))
        return herr(p, p->line, "output must be markdown or json, not '%s'", v);
    h->output =
        strcmp(v, "json") == 0 ? PROMPT_OUTPUT_JSON : PROMPT_OUTPUT_MARKDOWN;
    return CS_OK;
}

static enum csmap_rc set_string(struct hparse *p, const char *key,
                                const char *v, char **dst)
{
    if (strcmp(key, "name") == 0 && !name_ok(v))
        return herr(p, p->line,
                    "name '%s' may hold only letters, digits, "
                    "'-' and '_'",
                    v);
    if (strcmp(key, "stage") == 0 && !in_list(stages, v))
        return herr(p, p->line,
                    "unknown stage '%s' (known: onboarding, "
                    "usage, support, feedback, health, "
                    "renewal, expansion, all)",
                    v);
    return (*dst = mem_strdup(v)) ? CS_OK : CS_NOMEM;
}

/* Store the value v of key (known, not yet seen). */
static enum csmap_rc set_key(struct hparse *p, const char *key, const char *v)
{
    struct prompt_header *h = p->h;
    char *end;
    long n;

    p->list = NULL;
    if (strcmp(key, "sections") == 0 || strcmp(key, "json_keys") == 0) {
        bool sec = key[0] == 's';
        p->list = sec ? &h->sections : &h->json_keys;
        p->list_n = sec ? &h->n_sections : &h->n_json_keys;
        return list_add_inline(p->list, p->list_n, v);
    }
    if (!*v)
        return herr(p, p->line, "'%s' needs a value", key);
    if (strcmp(key, "version") == 0) {
        errno = 0;
        n = strtol(v, &end, 10);
        if (*end || n < 1 || n > 1000000 || errno)
            return herr(p, p->line,
                        "version must be a whole number from 1, "
                        "not '%s'",
                        v);
        h->version = (int)n;
        return CS_OK;
    }
    if (strcmp(key, "scope") == 0 || strcmp(key, "output") == 0)
        return set_enum(p, key, v);
    return set_string(p, key, v,
                      strcmp(key, "name") == 0       ? &h->name
                      : strcmp(key, "stage") == 0    ? &h->stage
                      : strcmp(key, "audience") == 0 ? &h->audience
                                                     : &h->description);
}

/* One header line s[0, n) (without the newline). */
static enum csmap_rc header_line(struct hparse *p, const char *s, size_t n)
{
    char line[512], key[32];
    size_t a = 0, k;
    const char *v;

    if (n >= sizeof(line))
        return herr(p, p->line, "line is longer than 511 bytes");
    memcpy(line, s, n);
    while (n > 0 && isspace((unsigned char)line[n - 1]))
        n--;
    line[n] = '\0';
    while (isspace((unsigned char)line[a]))
        a++;
    if (!line[a])
        return CS_OK;
    if (strstr(line, "}}"))
        return herr(p, p->line, "'%s' cannot appear inside the header", "}}");
    if (line[a] == '-') {
        if (!p->list)
            return herr(p, p->line,
                        "a list item belongs under 'sections' "
                        "or 'json_keys'");
        for (a++; isspace((unsigned char)line[a]); a++)
            ;
        if (!line[a])
            return herr(p, p->line, "empty list item");
        return list_add(p->list, p->list_n, line + a, strlen(line + a));
    }
    k = strcspn(line + a, ":");
    if (!line[a + k] || k == 0 || k >= sizeof(key))
        return herr(p, p->line, "expected 'key: value', got '%s'", line + a);
    memcpy(key, line + a, k);
    key[k] = '\0';
    for (k = 0; header_keys[k] && strcmp(header_keys[k], key); k++)
        ;
    if (!header_keys[k])
        return herr(p, p->line,
                    "unknown key '%s' in the prompt header "
                    "(known: name, version, stage, scope, "
                    "output, audience, description, sections, "
                    "json_keys)",
                    key);
    if (p->seen & (1u << k))
        return herr(p, p->line, "'%s' is given twice", key);
    p->seen |= 1u << k;
    for (v = line + a + strlen(key) + 1; isspace((unsigned char)*v); v++)
        ;
    return set_key(p, key, v);
}

/* After the closing line: what must be there is there. */
static enum csmap_rc header_complete(struct hparse *p)
{
    static const char *const required[] = {"name", "version", "stage", "scope",
                                           "output"};
    const struct prompt_header *h = p->h;

    for (size_t i = 0; i < 5; i++)
        if (!(p->seen & (1u << i)))
            return herr(p, 1, "the prompt header has no '%s'", required[i]);
    if (h->output == PROMPT_OUTPUT_JSON && h->n_json_keys == 0)
        return herr(p, 1, "output %s needs 'json_keys'", "json");
    if (h->output == PROMPT_OUTPUT_MARKDOWN && h->n_json_keys > 0)
        return herr(p, 1, "'json_keys' needs output %s", "json");
    return CS_OK;
}

enum csmap_rc prompt_header_parse(const char *file, const char *text,
                                  size_t len, struct prompt_header *out)
{
    struct hparse p = {file, out, 1, 0, NULL, NULL};
    enum csmap_rc rc = CS_DATA;
    size_t i = 3;

    memset(out, 0, sizeof(*out));
    if (len < 3 || strncmp(text, "{{!", 3) != 0) {
        herr(&p, 1,
             "no prompt header: a prompt file starts with a '%s' "
             "comment block holding name, version, stage, scope "
             "and output",
             "{{!");
        goto out;
    }
    for (;;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        size_t a = i, b = e;

        while (a < b && isspace((unsigned char)text[a]))
            a++;
        while (b > a && isspace((unsigned char)text[b - 1]))
            b--;
        if (b - a == 2 && strncmp(text + a, "}}", 2) == 0) {
            rc = header_complete(&p);
            break;
        }
        if (!nl) {
            herr(&p, 1, "the prompt header is not closed by a '%s' line", "}}");
            break;
        }
        if ((rc = header_line(&p, text + i, e - i)) != CS_OK)
            break;
        i = e + 1;
        p.line++;
        rc = CS_DATA;
    }

out:
    if (rc != CS_OK)
        prompt_header_release(out);
    return rc;
}

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mem_free(l[i]);
    mem_free(l);
}

void prompt_header_release(struct prompt_header *h)
{
    mem_free(h->name);
    mem_free(h->stage);
    mem_free(h->audience);
    mem_free(h->description);
    free_list(h->sections, h->n_sections);
    free_list(h->json_keys, h->n_json_keys);
    memset(h, 0, sizeof(*h));
}

/* ---- the library ---- */

/* A file read once: from the workspace (owned text) or built in. */
struct lib_file {
    char *name;
    char *path;
    char *owned;
    const char *text;
    size_t len;
    enum prompt_source source;
    struct prompt *prompt; /* parsed on first prompt_lib_get() */
};

struct prompt_lib {
    char *dir;
    struct lib_file *files;
    size_t n_files;
    size_t cap_files;
};

enum csmap_rc prompt_lib_open(const char *dir, struct prompt_lib **out)
{
    struct prompt_lib *lib = mem_calloc(1, sizeof(*lib));

    *out = NULL;
    if (!lib)
        return CS_NOMEM;
    if (dir && !(lib->dir = mem_strdup(dir))) {
        mem_free(lib);
        return CS_NOMEM;
    }
    *out = lib;
    return CS_OK;
}

void prompt_lib_free(struct prompt_lib *lib)
{
    if (!lib)
        return;
    for (size_t i = 0; i < lib->n_files; i++) {
        struct lib_file *f = &lib->files[i];
        if (f->prompt)
            prompt_header_release(&f->prompt->hdr);
        mem_free(f->prompt);
        mem_free(f->name);
        mem_free(f->path);
        mem_free(f->owned);
    }
    mem_free(lib->files);
    mem_free(lib->dir);
    mem_free(lib);
}

/* Read path whole; CS_NOTFOUND when it does not exist (not reported). */
static enum csmap_rc read_file(const char *path, char **text, size_t *len)
{
    struct buf b = BUF_INIT;
    char chunk[8192];
    enum csmap_rc rc = CS_OK;
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR)
            return CS_NOTFOUND;
        log_error("cannot read '%s': %s", path, strerror(errno));
        return CS_IO;
    }
    buf_init(&b, PROMPT_FILE_MAX);
    while (rc == CS_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = buf_add(&b, chunk, n);
    if (rc == CS_OK && ferror(f)) {
        log_error("cannot read '%s': %s", path, strerror(errno));
        rc = CS_IO;
    } else if (rc == CS_TOOBIG) {
        log_error("cannot read '%s': larger than 1 MB", path);
    } else if (rc == CS_OK && !b.data) {
        rc = buf_add(&b, "", 0);
    }
    fclose(f);
    *len = b.len;
    *text = rc == CS_OK ? buf_detach(&b) : NULL;
    buf_release(&b);
    return rc;
}

static struct lib_file *lib_cached(const struct prompt_lib *lib,
                                   const char *name)
{
    for (size_t i = 0; i < lib->n_files; i++)
        if (strcmp(lib->files[i].name, name) == 0)
            return &lib->files[i];
    return NULL;
}

static char *path_join(const char *dir, const char *name)
{
    struct buf b = BUF_INIT;

    if (buf_printf(&b, "%s%s%s" SUFFIX, dir,
                   *dir && dir[strlen(dir) - 1] != '/' ? "/" : "",
                   name) != CS_OK)
        return NULL;
    return buf_detach(&b);
}

/* name from the workspace folder into f; CS_NOTFOUND when absent. */
static enum csmap_rc find_workspace(const struct prompt_lib *lib,
                                    const char *name, struct lib_file *f)
{
    enum csmap_rc rc;

    if (!lib->dir)
        return CS_NOTFOUND;
    if (!(f->path = path_join(lib->dir, name)))
        return CS_NOMEM;
    rc = read_file(f->path, &f->owned, &f->len);
    if (rc != CS_OK) {
        mem_free(f->path);
        f->path = NULL;
        return rc;
    }
    f->text = f->owned;
    f->source = PROMPT_WORKSPACE;
    return CS_OK;
}

/* name from the prompts compiled into csmap into f. */
static enum csmap_rc find_builtin(const char *name, struct lib_file *f)
{
    const struct embedded_file *e;

    if (!(f->path = path_join("prompts", name)))
        return CS_NOMEM;
    if (!(e = embedded_find(f->path))) {
        mem_free(f->path);
        f->path = NULL;
        return CS_NOTFOUND;
    }
    f->text = e->data;
    f->len = e->len;
    f->source = PROMPT_BUILTIN;
    return CS_OK;
}

/* Keep f (taking its strings) in the library's list. */
static enum csmap_rc lib_store(struct prompt_lib *lib, struct lib_file *f,
                               const char *name, struct lib_file **out)
{
    if (lib->n_files == lib->cap_files) {
        size_t cap = lib->cap_files ? lib->cap_files * 2 : 16;
        struct lib_file *nf = mem_realloc(lib->files, cap * sizeof(*nf));
        if (!nf)
            goto nomem;
        lib->files = nf;
        lib->cap_files = cap;
    }
    if (!(f->name = mem_strdup(name)))
        goto nomem;
    lib->files[lib->n_files] = *f;
    *out = &lib->files[lib->n_files++];
    return CS_OK;

nomem:
    mem_free(f->path);
    mem_free(f->owned);
    return CS_NOMEM;
}

/*
 * Find name in the workspace, then built in, and cache it.  *out stays
 * valid until the next lookup (the list may move).
 */
static enum csmap_rc lib_find(struct prompt_lib *lib, const char *name,
                              struct lib_file **out)
{
    struct lib_file f = {0};
    enum csmap_rc rc;

    if ((*out = lib_cached(lib, name)))
        return CS_OK;
    if (!name_ok(name))
        return CS_NOTFOUND;
    rc = find_workspace(lib, name, &f);
    if (rc == CS_NOTFOUND)
        rc = find_builtin(name, &f);
    if (rc != CS_OK)
        return rc;
    return lib_store(lib, &f, name, out);
}

enum csmap_rc prompt_lib_file(struct prompt_lib *lib, const char *name,
                              const char **text, size_t *len,
                              enum prompt_source *source)
{
    struct lib_file *f;
    enum csmap_rc rc = lib_find(lib, name, &f);

    if (rc != CS_OK)
        return rc;
    *text = f->text;
    *len = f->len;
    if (source)
        *source = f->source;
    return CS_OK;
}

static enum csmap_rc report_unknown(struct prompt_lib *lib, const char *name)
{
    char *close = prompt_lib_close_names(lib, name);

    if (close)
        log_error("no prompt named '%s'; did you mean %s?", name, close);
    else
        log_error("no prompt named '%s'; see 'csmap prompts ls'", name);
    mem_free(close);
    return CS_NOTFOUND;
}

/* Parse f's header into a new prompt. */
static enum csmap_rc lib_parse(struct lib_file *f, const char *name)
{
    struct prompt *p = mem_calloc(1, sizeof(*p));
    enum csmap_rc rc;

    if (!p)
        return CS_NOMEM;
    rc = prompt_header_parse(f->path, f->text, f->len, &p->hdr);
    if (rc == CS_OK && strcmp(p->hdr.name, name) != 0) {
        log_error("%s:1: the header names '%s', but the file is '%s'", f->path,
                  p->hdr.name, name);
        prompt_header_release(&p->hdr);
        rc = CS_DATA;
    }
    if (rc != CS_OK) {
        mem_free(p);
        return rc;
    }
    p->text = f->text;
    p->len = f->len;
    p->path = f->path;
    p->source = f->source;
    f->prompt = p;
    return CS_OK;
}

enum csmap_rc prompt_lib_get(struct prompt_lib *lib, const char *name,
                             const struct prompt **out)
{
    struct lib_file *f;
    enum csmap_rc rc;

    *out = NULL;
    if (name[0] == '_')
        return report_unknown(lib, name);
    rc = lib_find(lib, name, &f);
    if (rc == CS_NOTFOUND)
        return report_unknown(lib, name);
    if (rc != CS_OK)
        return rc;
    if (!f->prompt && (rc = lib_parse(f, name)) != CS_OK)
        return rc;
    *out = f->prompt;
    return CS_OK;
}

/* ---- names ---- */

/* Add name to a sorted, unique list. */
static enum csmap_rc names_add(char ***names, size_t *n, const char *s,
                               size_t len)
{
    char **l;
    size_t at = 0;

    for (; at < *n; at++) {
        int c = strncmp((*names)[at], s, len);
        if (c == 0 && (*names)[at][len] == '\0')
            return CS_OK;
        if (c > 0 || (c == 0 && (*names)[at][len] != '\0'))
            break;
    }
    /* Room for one more name and the NULL that ends the list. */
    if (!(l = mem_realloc(*names, (*n + 2) * sizeof(*l))))
        return CS_NOMEM;
    *names = l;
    memmove(l + at + 1, l + at, (*n - at) * sizeof(*l));
    if (!(l[at] = mem_strndup(s, len))) {
        memmove(l + at, l + at + 1, (*n - at) * sizeof(*l));
        l[*n] = NULL;
        return CS_NOMEM;
    }
    (*n)++;
    l[*n] = NULL;
    return CS_OK;
}

/* NAME from "NAME.mustache" when it is a usable name; its length or 0. */
static size_t stem_of(const char *file, bool with_partials)
{
    size_t n = strlen(file), s = strlen(SUFFIX);
    char stem[256];

    if (n <= s || n - s >= sizeof(stem) || strcmp(file + n - s, SUFFIX))
        return 0;
    memcpy(stem, file, n - s);
    stem[n - s] = '\0';
    if (!name_ok(stem) || (!with_partials && stem[0] == '_'))
        return 0;
    return n - s;
}

static enum csmap_rc names_from_dir(const char *dir, bool with_partials,
                                    char ***names, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    enum csmap_rc rc = CS_OK;

    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR)
            return CS_OK;
        log_error("cannot read the folder '%s': %s", dir, strerror(errno));
        return CS_IO;
    }
    while (rc == CS_OK && (de = readdir(d))) {
        size_t k = stem_of(de->d_name, with_partials);
        if (k)
            rc = names_add(names, n, de->d_name, k);
    }
    closedir(d);
    return rc;
}

void prompt_lib_names_free(char **names, size_t n)
{
    free_list(names, n);
}

enum csmap_rc prompt_lib_names(struct prompt_lib *lib, bool with_partials,
                               char ***names, size_t *n)
{
    const size_t plen = strlen(BUILTIN_DIR);
    enum csmap_rc rc = CS_OK;

    *names = NULL;
    *n = 0;
    for (const struct embedded_file *e = embedded_files; e->path && rc == CS_OK;
         e++) {
        size_t k;
        if (strncmp(e->path, BUILTIN_DIR, plen) != 0 ||
            strchr(e->path + plen, '/'))
            continue;
        if ((k = stem_of(e->path + plen, with_partials)))
            rc = names_add(names, n, e->path + plen, k);
    }
    if (rc == CS_OK && lib->dir)
        rc = names_from_dir(lib->dir, with_partials, names, n);
    if (rc != CS_OK) {
        free_list(*names, *n);
        *names = NULL;
        *n = 0;
    }
    return rc;
}

/* Edit distance of a and b, stopping early past 9. */
static size_t distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), row[64];

    if (na >= 63 || nb >= 63)
        return 99;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0], best;
        row[0] = i;
        best = row[0];
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t sub = diag + (a[i - 1] != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] =
                sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            diag = up;
            if (row[j] < best)
                best = row[j];
        }
        if (best > 9)
            return 99;
    }
    return row[nb];
}

char *prompt_lib_close_names(struct prompt_lib *lib, const char *name)
{
    char **names;
    size_t n, shown = 0;
    struct buf b = BUF_INIT;

    if (prompt_lib_names(lib, false, &names, &n) != CS_OK)
        return NULL;
    for (size_t i = 0; i < n && shown < 3; i++) {
        bool close = distance(name, names[i]) <= 3 ||
                     (strlen(name) >= 3 && strstr(names[i], name));
        if (!close)
            continue;
        if (buf_printf(&b, "%s'%s'", shown ? ", " : "", names[i]) != CS_OK)
            break;
        shown++;
    }
    free_list(names, n);
    if (shown == 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b);
}

/* ---- rendering ---- */

static enum csmap_rc load_partial(void *ctx, const char *name, char **text,
                                  size_t *len)
{
    struct prompt_lib *lib = ctx;
    struct lib_file *f;
    enum csmap_rc rc = lib_find(lib, name, &f);

    if (rc != CS_OK)
        return rc;
    if (!(*text = mem_alloc(f->len + 1)))
        return CS_NOMEM;
    memcpy(*text, f->text, f->len);
    (*text)[f->len] = '\0';
    *len = f->len;
    return CS_OK;
}

/*
 * Copy s[0, n) without leading and trailing blank space, and with runs
 * of blank lines cut to one, into a new string.
 */
static char *tidy(const char *s, size_t n, size_t *out_len)
{
    char *o = mem_alloc(n + 1);
    size_t k = 0, newlines = 0;

    if (!o)
        return NULL;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            while (k > 0 && (o[k - 1] == ' ' || o[k - 1] == '\t'))
                k--;
            if (k > 0 && ++newlines <= 2)
                o[k++] = '\n';
            continue;
        }
        if (k == 0 && isspace((unsigned char)s[i]))
            continue;
        if (s[i] != ' ' && s[i] != '\t')
            newlines = 0;
        o[k++] = s[i];
    }
    o[k] = '\0';
    *out_len = k;
    return o;
}

/* The offset of the PROMPT_USER_MARK line in s, or -1. */
static long find_mark(const char *s, size_t n)
{
    const size_t m = strlen(PROMPT_USER_MARK);
    const char *p = s;

    while ((p = memmem(p, n - (size_t)(p - s), PROMPT_USER_MARK, m))) {
        size_t at = (size_t)(p - s);
        bool starts = at == 0 || s[at - 1] == '\n';
        size_t e = at + m;
        while (e < n && (s[e] == ' ' || s[e] == '\t' || s[e] == '\r'))
            e++;
        if (starts && (e == n || s[e] == '\n'))
            return (long)at;
        p++;
    }
    return -1;
}

static enum csmap_rc split_messages(const struct prompt *p, const struct buf *b,
                                    struct prompt_messages *out)
{
    const char *s = buf_str(b);
    long at = find_mark(s, b->len);
    size_t m = strlen(PROMPT_USER_MARK);

    if (at < 0) {
        log_error("%s: the rendered prompt has no '%s' line between the "
                  "system and the user message",
                  p->path, PROMPT_USER_MARK);
        return CS_DATA;
    }
    out->system = tidy(s, (size_t)at, &out->system_len);
    out->user = tidy(s + at + m, b->len - (size_t)at - m, &out->user_len);
    if (!out->system || !out->user) {
        prompt_messages_release(out);
        return CS_NOMEM;
    }
    return CS_OK;
}

enum csmap_rc prompt_render(struct prompt_lib *lib, const struct prompt *p,
                            const cJSON *context, struct prompt_messages *out)
{
    struct tpl_options opt = {TPL_ESCAPE_PROMPT, true, load_partial, lib, 0};
    struct tpl_error err = {"", 0, 0, ""};
    struct buf b = BUF_INIT;
    enum csmap_rc rc;

    memset(out, 0, sizeof(*out));
    rc = tpl_render(p->path, p->text, p->len, context, &opt, &b, &err);
    if (rc == CS_NOMEM)
        goto out;
    if (rc != CS_OK) {
        if (err.line)
            log_error("%s:%d:%d: %s", err.template_name, err.line, err.column,
                      err.message);
        else
            log_error("%s: %s",
                      err.template_name[0] ? err.template_name : p->path,
                      err.message[0] ? err.message : rc_str(rc));
        if (rc == CS_ERR || rc == CS_NOTFOUND)
            rc = CS_DATA;
        goto out;
    }
    rc = split_messages(p, &b, out);

out:
    buf_release(&b);
    return rc;
}

void prompt_messages_release(struct prompt_messages *m)
{
    mem_free(m->system);
    mem_free(m->user);
    memset(m, 0, sizeof(*m));
}

enum csmap_rc prompt_check(const struct prompt *p, const char *answer,
                           size_t len, const cJSON *context,
                           const struct prompt_messages *m, cJSON **out)
{
    const struct prompt_header *h = &p->hdr;
    struct ground_spec spec = {(const char *const *)h->sections, h->n_sections,
                               h->output == PROMPT_OUTPUT_JSON,
                               (const char *const *)h->json_keys,
                               h->n_json_keys};
    struct buf text = BUF_INIT;
    enum csmap_rc rc;

    *out = NULL;
    if (m && ((rc = buf_add(&text, m->system, m->system_len)) != CS_OK ||
              (rc = buf_addc(&text, '\n')) != CS_OK ||
              (rc = buf_add(&text, m->user, m->user_len)) != CS_OK))
        return rc;
    rc = ground_check(answer, len, context, m ? buf_str(&text) : NULL, text.len,
                      &spec, out);
    buf_release(&text);
    return rc;
}
