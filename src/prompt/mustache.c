/* Mustache renderer: walks the parse tree over a cJSON context stack. */
#include "csmap/mustache.h"

#include <stdio.h>
#include <string.h>

#include "csmap/mem.h"
#include "mustache_int.h"

#define MAX_PARTIAL_DEPTH 64
#define MAX_RENDER_DEPTH 1024
/* Node visits allowed per render: at least this, or half max_output. */
#define MIN_STEPS ((size_t)16 << 20)

/* A parent being expanded: its blocks override the blocks it includes. */
struct frame {
    const struct tpl_tree *tree;
    size_t parent; /* index of the TPL_PARENT node in tree */
    const struct frame *outer;
};

/*
 * How lines are re-indented: at each line start, drop up to strip_len
 * leading blanks matching strip, then write add.  skip_first leaves the
 * first line start alone (its indentation is already in the output).
 */
struct indent {
    const char *add;
    size_t add_len;
    const char *strip;
    size_t strip_len;
    bool skip_first;
};

struct cached {
    char *name;
    bool found;
    struct tpl_tree tree;
};

struct render {
    const struct tpl_options *opt;
    struct buf *out;
    struct tpl_error *err;
    const cJSON **stack;
    size_t depth, stack_cap;
    struct cached **cache; /* each entry allocated alone: trees stay put */
    size_t n_cache;
    int partial_depth;
    int render_depth;
    size_t steps, max_steps;
    size_t cap; /* the most bytes this render may append */
    const struct frame *frames;
};

static enum csmap_rc render_range(struct render *r, const struct tpl_tree *t,
                                  size_t from, size_t to, struct indent *ind);

/* Positioned errors. */

static enum csmap_rc fail(struct render *r, const struct tpl_tree *t,
                          const struct tpl_node *nd, enum csmap_rc rc,
                          const char *what)
{
    tpl_set_error(r->err, t->name, nd->line, nd->column, "%s", what);
    return rc;
}

static enum csmap_rc fail_rc(struct render *r, const struct tpl_tree *t,
                             const struct tpl_node *nd, enum csmap_rc rc)
{
    char msg[64];

    if (rc == CS_TOOBIG)
        snprintf(msg, sizeof(msg), "output larger than %zu bytes", r->cap);
    else
        snprintf(msg, sizeof(msg), "%s", rc_str(rc));
    return fail(r, t, nd, rc, msg);
}

/* The context stack. */

static enum csmap_rc push(struct render *r, const cJSON *v)
{
    if (r->depth == r->stack_cap) {
        size_t cap = r->stack_cap ? r->stack_cap * 2 : 16;
        const cJSON **s = mem_realloc(r->stack, cap * sizeof(*s));

        if (!s)
            return CS_NOMEM;
        r->stack = s;
        r->stack_cap = cap;
    }
    r->stack[r->depth++] = v;
    return CS_OK;
}

static const cJSON *member(const cJSON *obj, const char *key, size_t n)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    for (const cJSON *c = obj->child; c; c = c->next)
        if (c->string && strncmp(c->string, key, n) == 0 &&
            c->string[n] == '\0')
            return c;
    return NULL;
}

/*
 * Resolve a (dotted) name: the first part on the context stack from the
 * top down, the others inside what it found.
 */
static const cJSON *lookup(const struct render *r, const char *name, size_t n)
{
    const char *dot = memchr(name, '.', n);
    size_t first = dot ? (size_t)(dot - name) : n;
    const cJSON *v = NULL;

    if (n == 1 && name[0] == '.')
        return r->depth ? r->stack[r->depth - 1] : NULL;
    for (size_t i = r->depth; i-- > 0 && !v;)
        v = member(r->stack[i], name, first);
    while (v && dot) {
        const char *part = dot + 1;
        size_t left = n - (size_t)(part - name);

        dot = memchr(part, '.', left);
        v = member(v, part, dot ? (size_t)(dot - part) : left);
    }
    return v;
}

static bool truthy(const cJSON *v)
{
    if (!v || cJSON_IsFalse(v) || cJSON_IsNull(v))
        return false;
    if (cJSON_IsArray(v))
        return v->child != NULL;
    if (cJSON_IsString(v))
        return v->valuestring && v->valuestring[0];
    return true;
}

/* Output. */

/* Insert a value in the chosen escape; an unknown mode gets the safest. */
static enum csmap_rc emit(struct render *r, const char *s, size_t n, bool raw)
{
    switch (r->opt->escape) {
    case TPL_ESCAPE_HTML:
        return raw ? buf_add(r->out, s, n) : tpl_escape_html(r->out, s, n);
    case TPL_ESCAPE_NONE:
        return buf_add(r->out, s, n);
    default:
        return tpl_escape_prompt(r->out, s, n);
    }
}

/* The text of a scalar value, or of an array or object as JSON. */
static enum csmap_rc value_text(const cJSON *v, struct buf *b)
{
    enum csmap_rc rc = CS_OK;
    char *json;

    if (!v || cJSON_IsNull(v))
        return CS_OK;
    if (cJSON_IsString(v))
        return buf_adds(b, v->valuestring ? v->valuestring : "");
    if (cJSON_IsNumber(v))
        return tpl_format_number(b, v->valuedouble);
    if (cJSON_IsBool(v))
        return buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
    json = cJSON_PrintUnformatted(v);
    if (!json)
        return CS_NOMEM;
    rc = buf_adds(b, json);
    cJSON_free(json);
    return rc;
}

static enum csmap_rc emit_value(struct render *r, const cJSON *v, bool raw)
{
    struct buf tmp;
    enum csmap_rc rc;

    if (cJSON_IsString(v) && v->valuestring)
        return emit(r, v->valuestring, strlen(v->valuestring), raw);
    buf_init(&tmp, 0);
    rc = value_text(v, &tmp);
    if (rc == CS_OK)
        rc = emit(r, buf_str(&tmp), tmp.len, raw);
    buf_release(&tmp);
    return rc;
}

/* Write the indentation owed at a line start; text says how to strip. */
static enum csmap_rc line_start(struct render *r, struct indent *ind,
                                const char **text, size_t *len)
{
    if (text) {
        size_t i = 0;

        while (i < ind->strip_len && i < *len && (*text)[i] == ind->strip[i])
            i++;
        *text += i;
        *len -= i;
    }
    if (ind->skip_first) {
        ind->skip_first = false;
        return CS_OK;
    }
    return buf_add(r->out, ind->add, ind->add_len);
}

/* Partials and parents. */

static enum csmap_rc load_tree(struct render *r, const char *name,
                               struct cached **found)
{
    struct cached *c, **grown;
    char *text = NULL;
    size_t len = 0;
    enum csmap_rc rc = CS_NOTFOUND;

    for (size_t i = 0; i < r->n_cache; i++) {
        if (strcmp(r->cache[i]->name, name) == 0) {
            *found = r->cache[i];
            return CS_OK;
        }
    }
    grown = mem_realloc(r->cache, (r->n_cache + 1) * sizeof(*grown));
    if (!grown)
        return CS_NOMEM;
    r->cache = grown;
    c = mem_calloc(1, sizeof(*c));
    if (!c)
        return CS_NOMEM;
    c->name = mem_strdup(name);
    if (!c->name) {
        mem_free(c);
        return CS_NOMEM;
    }
    r->cache[r->n_cache++] = c;
    *found = c;

    if (r->opt->load)
        rc = r->opt->load(r->opt->load_ctx, name, &text, &len);
    if (rc == CS_NOTFOUND)
        return CS_OK;
    if (rc)
        return rc;
    rc = tpl_parse(c->name, text, len, &c->tree, r->err);
    if (rc) {
        mem_free(text);
        return rc;
    }
    c->tree.src = text;
    c->tree.name = c->name;
    c->found = true;
    return CS_OK;
}

/* The name of a partial or parent tag, looked up when it is dynamic. */
static enum csmap_rc tag_target(struct render *r, const struct tpl_node *nd,
                                struct buf *name)
{
    if (!nd->dynamic)
        return buf_add(name, nd->str, nd->len);
    return value_text(lookup(r, nd->str, nd->len), name);
}

/* The indentation a standalone partial or block site hands on. */
static enum csmap_rc nested_add(const struct indent *ind, const char *ws,
                                size_t ws_len, struct buf *add)
{
    size_t i = 0;
    enum csmap_rc rc;

    while (i < ind->strip_len && i < ws_len && ws[i] == ind->strip[i])
        i++;
    rc = buf_add(add, ind->add, ind->add_len);
    if (rc == CS_OK)
        rc = buf_add(add, ws + i, ws_len - i);
    return rc;
}

/*
 * A partial, or a parent whose blocks then override those of the templates
 * it includes.  A standalone tag indents every line of what it includes;
 * an inline one does not (the specification's rule).
 */
static enum csmap_rc include(struct render *r, const struct tpl_tree *t,
                             const struct tpl_node *nd, struct indent *ind)
{
    struct buf name = BUF_INIT, add = BUF_INIT;
    struct cached *c = NULL;
    struct indent sub = {"", 0, "", 0, false};
    struct frame fr = {t, (size_t)(nd - t->nodes), r->frames};
    enum csmap_rc rc;

    rc = tag_target(r, nd, &name);
    if (rc || name.len == 0 || memchr(name.data, '\0', name.len))
        goto out;
    if (r->partial_depth >= MAX_PARTIAL_DEPTH) {
        tpl_set_error(r->err, t->name, nd->line, nd->column,
                      "partials nested more than %d deep (recursion?)",
                      MAX_PARTIAL_DEPTH);
        rc = CS_ERR;
        goto out;
    }
    rc = load_tree(r, buf_str(&name), &c);
    if (rc)
        goto out;
    if (!c->found) {
        if (r->opt->strict_partials) {
            tpl_set_error(
                r->err, t->name, nd->line, nd->column, "%s '%s' not found",
                nd->kind == TPL_PARENT ? "parent" : "partial", buf_str(&name));
            rc = CS_NOTFOUND;
        }
        goto out;
    }

    if (nd->standalone) {
        rc = nested_add(ind, nd->ws, nd->ws_len, &add);
        if (rc)
            goto out;
        sub.add = buf_str(&add);
        sub.add_len = add.len;
    }
    r->partial_depth++;
    if (nd->kind == TPL_PARENT)
        r->frames = &fr;
    rc = render_range(r, &c->tree, 0, c->tree.n, &sub);
    r->frames = fr.outer;
    r->partial_depth--;

out:
    buf_release(&name);
    buf_release(&add);
    return rc;
}

/* Blocks. */

/* The outermost parent's block of that name, in *tree at *at. */
static bool find_override(const struct render *r, const struct tpl_node *nd,
                          const struct tpl_tree **tree, size_t *at)
{
    bool found = false;

    for (const struct frame *f = r->frames; f; f = f->outer) {
        const struct tpl_node *nodes = f->tree->nodes;
        size_t end = nodes[f->parent].end;

        for (size_t i = f->parent + 1; i < end; i = nodes[i].end) {
            if (nodes[i].kind == TPL_BLOCK && nodes[i].len == nd->len &&
                memcmp(nodes[i].str, nd->str, nd->len) == 0) {
                *tree = f->tree;
                *at = i;
                found = true;
                break;
            }
        }
    }
    return found;
}

/*
 * A block: the argument a parent passed for it, if any, else its own
 * content.  An argument's lines lose the indentation they had where they
 * were written and take the block's.
 */
static enum csmap_rc block(struct render *r, const struct tpl_tree *t,
                           const struct tpl_node *nd, struct indent *ind)
{
    const struct tpl_tree *ot;
    const struct tpl_node *over;
    size_t at;
    struct buf add = BUF_INIT;
    struct indent sub;
    enum csmap_rc rc;

    if (!find_override(r, nd, &ot, &at))
        return render_range(r, t, (size_t)(nd - t->nodes) + 1, nd->end, ind);

    over = &ot->nodes[at];
    rc = nested_add(ind, nd->ws, nd->ws_len, &add);
    if (rc)
        goto out;
    sub.add = buf_str(&add);
    sub.add_len = add.len;
    sub.strip = over->ws;
    sub.strip_len = over->ws_len;
    sub.skip_first = !nd->standalone;
    if (nd->standalone && at + 1 < over->end && !ot->nodes[at + 1].bol)
        rc = buf_add(r->out, sub.add, sub.add_len);
    if (rc == CS_OK)
        rc = render_range(r, ot, at + 1, over->end, &sub);

out:
    buf_release(&add);
    return rc;
}

/* Sections. */

static enum csmap_rc section(struct render *r, const struct tpl_tree *t,
                             const struct tpl_node *nd, struct indent *ind)
{
    const cJSON *v = lookup(r, nd->str, nd->len);
    size_t from = (size_t)(nd - t->nodes) + 1;
    enum csmap_rc rc = CS_OK;

    if (nd->kind == TPL_INVERTED)
        return truthy(v) ? CS_OK : render_range(r, t, from, nd->end, ind);
    if (!truthy(v))
        return CS_OK;
    if (!cJSON_IsArray(v)) {
        rc = push(r, v);
        if (rc)
            return rc;
        rc = render_range(r, t, from, nd->end, ind);
        r->depth--;
        return rc;
    }
    for (const cJSON *e = v->child; e && rc == CS_OK; e = e->next) {
        if (++r->steps > r->max_steps)
            return fail(r, t, nd, CS_TOOBIG, "template does too much work");
        rc = push(r, e);
        if (rc)
            return rc;
        rc = render_range(r, t, from, nd->end, ind);
        r->depth--;
    }
    return rc;
}

/* One node. */

static enum csmap_rc render_node(struct render *r, const struct tpl_tree *t,
                                 const struct tpl_node *nd, struct indent *ind)
{
    const char *s = nd->str;
    size_t n = nd->len;
    enum csmap_rc rc = CS_OK;

    if (nd->bol)
        rc = line_start(r, ind, nd->kind == TPL_TEXT ? &s : NULL, &n);
    if (rc)
        return rc;
    switch (nd->kind) {
    case TPL_TEXT:
        return buf_add(r->out, s, n);
    case TPL_VAR:
        return emit_value(r, lookup(r, nd->str, nd->len), nd->raw);
    case TPL_SECTION:
    case TPL_INVERTED:
        return section(r, t, nd, ind);
    case TPL_PARTIAL:
    case TPL_PARENT:
        return include(r, t, nd, ind);
    case TPL_BLOCK:
        return block(r, t, nd, ind);
    }
    return CS_OK;
}

static enum csmap_rc render_range(struct render *r, const struct tpl_tree *t,
                                  size_t from, size_t to, struct indent *ind)
{
    enum csmap_rc rc = CS_OK;

    if (++r->render_depth > MAX_RENDER_DEPTH && from < to) {
        r->render_depth--;
        tpl_set_error(r->err, t->name, t->nodes[from].line,
                      t->nodes[from].column, "template nested too deep");
        return CS_ERR;
    }
    for (size_t i = from; i < to && rc == CS_OK; i = t->nodes[i].end) {
        const struct tpl_node *nd = &t->nodes[i];

        if (++r->steps > r->max_steps) {
            r->render_depth--;
            return fail(r, t, nd, CS_TOOBIG, "template does too much work");
        }
        rc = render_node(r, t, nd, ind);
        if (rc && (!r->err || r->err->message[0] == '\0'))
            rc = fail_rc(r, t, nd, rc);
    }
    r->render_depth--;
    return rc;
}

static const struct tpl_options default_options = {
    TPL_ESCAPE_HTML, false, NULL, NULL, 0,
};

static void release_render(struct render *r)
{
    for (size_t i = 0; i < r->n_cache; i++) {
        tpl_tree_release(&r->cache[i]->tree);
        mem_free(r->cache[i]->name);
        mem_free(r->cache[i]);
    }
    mem_free(r->cache);
    mem_free(r->stack);
}

enum csmap_rc tpl_render(const char *name, const char *text, size_t len,
                         const cJSON *data, const struct tpl_options *opt,
                         struct buf *out, struct tpl_error *err)
{
    struct render r = {0};
    struct tpl_tree tree;
    struct indent ind = {"", 0, "", 0, false};
    size_t old_max = out->max, cap;
    enum csmap_rc rc;

    if (err)
        memset(err, 0, sizeof(*err));
    r.opt = opt ? opt : &default_options;
    r.out = out;
    r.err = err;
    cap = r.opt->max_output ? r.opt->max_output : BUF_MAX_DEFAULT;
    r.max_steps = cap / 2 > MIN_STEPS ? cap / 2 : MIN_STEPS;

    rc = tpl_parse(name, text, len, &tree, err);
    if (rc)
        return rc;
    if (out->len < old_max && cap < old_max - out->len)
        out->max = out->len + cap;
    r.cap = out->len < out->max ? out->max - out->len : 0;
    rc = push(&r, data);
    if (rc == CS_OK)
        rc = render_range(&r, &tree, 0, tree.n, &ind);
    else
        tpl_set_error(err, name, 0, 0, "out of memory");
    out->max = old_max;

    mem_free(tree.nodes);
    release_render(&r);
    return rc;
}
