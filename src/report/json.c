/* Small JSON builders for the view model that check memory once, at the end. */
#include <stdarg.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "csmap/buf.h"
#include "internal.h"

static cJSON *attach(struct jb *j, cJSON *parent, const char *key, cJSON *child)
{
    if (!child) {
        j->nomem = true;
        return NULL;
    }
    if (cJSON_IsArray(parent) ? !cJSON_AddItemToArray(parent, child)
                              : !cJSON_AddItemToObjectCS(parent, key, child)) {
        cJSON_Delete(child);
        j->nomem = true;
        return NULL;
    }
    return child;
}

cJSON *jb_obj(struct jb *j, cJSON *parent, const char *key)
{
    if (!parent)
        return NULL;
    return attach(j, parent, key, cJSON_CreateObject());
}

cJSON *jb_arr(struct jb *j, cJSON *parent, const char *key)
{
    if (!parent)
        return NULL;
    return attach(j, parent, key, cJSON_CreateArray());
}

cJSON *jb_item(struct jb *j, cJSON *arr)
{
    if (!arr)
        return NULL;
    return attach(j, arr, NULL, cJSON_CreateObject());
}

void jb_str(struct jb *j, cJSON *o, const char *key, const char *v)
{
    if (!o)
        return;
    attach(j, o, key, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

void jb_strf(struct jb *j, cJSON *o, const char *key, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    enum csmap_rc rc;

    if (!o)
        return;
    va_start(ap, fmt);
    rc = buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc)
        j->nomem = true;
    else
        jb_str(j, o, key, buf_str(&b));
    buf_release(&b);
}

void jb_num(struct jb *j, cJSON *o, const char *key, double v)
{
    if (!o)
        return;
    attach(j, o, key, cJSON_CreateNumber(v));
}

void jb_bool(struct jb *j, cJSON *o, const char *key, bool v)
{
    if (!o)
        return;
    attach(j, o, key, cJSON_CreateBool(v));
}

void jb_null(struct jb *j, cJSON *o, const char *key)
{
    if (!o)
        return;
    attach(j, o, key, cJSON_CreateNull());
}

void jb_opt(struct jb *j, cJSON *o, const char *key, bool has, double v)
{
    if (has)
        jb_num(j, o, key, v);
    else
        jb_null(j, o, key);
}

void jb_push_str(struct jb *j, cJSON *arr, const char *v)
{
    if (!arr)
        return;
    attach(j, arr, NULL, cJSON_CreateString(v ? v : ""));
}
