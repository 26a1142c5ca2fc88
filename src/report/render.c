/* Render the view model with the embedded Mustache templates, or as JSON. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "csmap/embedded.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/mustache.h"
#include "csmap/report.h"

/* Partials are embedded files too: {{>map-style}} is
 * templates/map-style.mustache. */
static enum csmap_rc load_partial(void *ctx, const char *name, char **text,
                                  size_t *len)
{
    char path[256];
    const struct embedded_file *f;

    (void)ctx;
    snprintf(path, sizeof(path), "templates/%s.mustache", name);
    if (!(f = embedded_find(path)))
        return CS_NOTFOUND;
    if (!(*text = mem_strndup(f->data, f->len)))
        return CS_NOMEM;
    *len = f->len;
    return CS_OK;
}

/* Markdown sees customer text as plain text: no tables broken by '|', no
 * links, no HTML, no code spans, one line. */
static enum csmap_rc md_escape(const char *s, struct buf *out)
{
    enum csmap_rc rc = CS_OK;

    for (; *s && !rc; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '\n' || c == '\r' || c == '\t')
            rc = buf_addc(out, ' ');
        else if (c < 0x20 || c == 0x7f)
            continue;
        else if (strchr("\\|`[]<>", c))
            rc = buf_printf(out, "\\%c", c);
        else
            rc = buf_addc(out, (char)c);
    }
    return rc;
}

/* Escape every string of tree in place for Markdown. */
static enum csmap_rc md_escape_tree(cJSON *tree)
{
    struct buf b = BUF_INIT;
    enum csmap_rc rc;
    cJSON *c;

    if (cJSON_IsString(tree) && tree->valuestring) {
        if ((rc = md_escape(tree->valuestring, &b)))
            return rc;
        if (!cJSON_SetValuestring(tree, buf_str(&b)))
            rc = CS_NOMEM;
        buf_release(&b);
        return rc;
    }
    cJSON_ArrayForEach(c, tree)
    {
        if ((rc = md_escape_tree(c)))
            return rc;
    }
    return CS_OK;
}

static bool add_ref(cJSON *to, const char *key, cJSON *item)
{
    return key ? cJSON_AddItemReferenceToObject(to, key, item)
               : cJSON_AddItemReferenceToArray(to, item);
}

/*
 * The data one document is rendered from: the model's fields by
 * reference, with "pages" narrowed to the pages asked for and "show_index"
 * saying whether the index is part of this document.
 */
static cJSON *view_of(cJSON *model, int page, bool page_index)
{
    cJSON *view = cJSON_CreateObject();
    cJSON *pages = cJSON_AddArrayToObject(view, "pages");
    cJSON *all = cJSON_GetObjectItemCaseSensitive(model, "pages");
    int n = cJSON_GetArraySize(all);
    bool ok = pages != NULL;
    cJSON *f;

    cJSON_ArrayForEach(f, model)
    {
        if (ok && strcmp(f->string, "pages") != 0)
            ok = add_ref(view, f->string, f);
    }
    for (int i = 0; ok && i < n && !page_index; i++)
        if (page < 0 || page == i)
            ok = add_ref(pages, NULL, cJSON_GetArrayItem(all, i));
    ok = ok && cJSON_AddBoolToObject(view, "show_index",
                                     page_index || (page < 0 && n > 1));
    if (!ok) {
        cJSON_Delete(view);
        return NULL;
    }
    return view;
}

static enum csmap_rc render_template(const char *name, cJSON *view,
                                     enum tpl_escape escape, struct buf *out)
{
    const struct embedded_file *f = embedded_find(name);
    struct tpl_options opt = {escape, true, load_partial, NULL, 0};
    struct tpl_error err;
    enum csmap_rc rc;

    if (!f) {
        log_error("the template '%s' is not built into this csmap", name);
        return CS_ERR;
    }
    rc = tpl_render(name, f->data, f->len, view, &opt, out, &err);
    if (rc == CS_ERR || rc == CS_NOTFOUND)
        log_error("%s:%d:%d: %s", err.template_name, err.line, err.column,
                  err.message);
    else if (rc == CS_TOOBIG)
        log_error("the map is larger than the output limit");
    return rc;
}

static enum csmap_rc render_json(const cJSON *model, int page, struct buf *out)
{
    const cJSON *pages = cJSON_GetObjectItemCaseSensitive(model, "pages");
    const cJSON *what = page >= 0 ? cJSON_GetArrayItem(pages, page) : model;
    char *text;
    enum csmap_rc rc;

    if (!what)
        return CS_ERR;
    if (!(text = cJSON_Print(what)))
        return CS_NOMEM;
    if (!(rc = buf_adds(out, text)))
        rc = buf_addc(out, '\n');
    cJSON_free(text);
    return rc;
}

enum csmap_rc report_render(cJSON *model, enum report_format fmt, int page,
                            bool page_index, struct buf *out)
{
    cJSON *copy = NULL, *view = NULL;
    enum csmap_rc rc = CS_OK;

    if (fmt == REPORT_JSON)
        return render_json(model, page, out);
    /* Markdown renders from an escaped copy; HTML escapes as it renders. */
    if (fmt == REPORT_MD) {
        if (!(copy = cJSON_Duplicate(model, true)))
            rc = CS_NOMEM;
        else
            rc = md_escape_tree(copy);
        if (rc)
            goto out;
    }
    if (!(view = view_of(copy ? copy : model, page, page_index))) {
        rc = CS_NOMEM;
        goto out;
    }
    if (fmt == REPORT_MD)
        rc = render_template("templates/map.md.mustache", view, TPL_ESCAPE_NONE,
                             out);
    else
        rc = render_template("templates/map.html.mustache", view,
                             TPL_ESCAPE_HTML, out);
out:
    cJSON_Delete(view);
    cJSON_Delete(copy);
    return rc;
}
