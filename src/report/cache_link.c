/* The artifacts on the map, read from the artifact cache. */
#include <string.h>

#include <cjson/cJSON.h>

#include "csmap/cache.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/report.h"

/* An artifact made for a date within this many days before the map's
 * as-of date is this week's: fresh. */
#define FRESH_DAYS 6

struct fill {
    int32_t as_of;
    struct report_artifact_list *list;
};

static int ungrounded_count(const char *checks)
{
    cJSON *c;
    int n = 0;

    if (!checks || !(c = cJSON_Parse(checks)))
        return 0;
    n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "ungrounded"));
    cJSON_Delete(c);
    return n;
}

/* Entries come newest first; the model keeps the newest per subject. */
static enum csmap_rc add_entry(void *ctx, const struct cache_entry *e)
{
    struct fill *f = ctx;
    struct report_artifact a = {0};

    if (e->as_of > f->as_of)
        return CS_OK;
    a.artifact = e->artifact;
    a.subject = e->subject;
    a.status = e->as_of >= f->as_of - FRESH_DAYS ? "fresh" : "stale";
    a.path = NULL;
    a.ungrounded = ungrounded_count(e->checks);
    a.as_of = e->as_of;
    return report_artifact_list_add(f->list, &a);
}

enum csmap_rc report_artifacts_from_store(struct store *st, int32_t as_of,
                                          struct report_artifact_list *list)
{
    struct fill f = {as_of, list};
    enum csmap_rc rc = cache_list(st, NULL, add_entry, &f);

    if (rc == CS_NOMEM)
        log_error("out of memory reading the artifact cache");
    return rc;
}
