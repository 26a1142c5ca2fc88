/* Support: ticket counts, open tickets, resolution time and topics. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "csmap/config.h"
#include "csmap/date.h"
#include "csmap/log.h"
#include "csmap/mem.h"
#include "csmap/regex.h"

/* The first configured topic with a pattern matching the ticket's
 * subject "\n" description; n_topics stands for "other". */
static int ticket_topic(const struct sig_run *r, const char *text, size_t n)
{
    const struct config *cfg = r->cfg;

    for (size_t t = 0; t < cfg->support.n_topics; t++)
        for (size_t p = 0; p < cfg->support.topics[t].n_patterns; p++)
            if (regex_search(cfg->support.topics[t].patterns[p], text, n) == 1)
                return (int)t;
    return (int)cfg->support.n_topics;
}

static void counts(struct sig_run *r, struct sig_support *s, int *per_topic)
{
    for (size_t i = 0; i < r->n_tickets; i++) {
        struct sig_ticket_row *t = &r->tickets[i];

        s->tickets_ever++;
        if (!t->has_resolved || t->resolved_day > r->as_of)
            s->open_tickets++;
        if (sig_in_last(t->created_day, r->as_of, 30))
            s->tickets_30d++;
        if (!sig_in_last(t->created_day, r->as_of, 90))
            continue;
        s->tickets_90d++;
        if (t->high)
            s->high_priority_90d++;
        if (t->topic < 0) /* the text decides: once for every date */
            t->topic = ticket_topic(r, r->text + t->text, t->text_len);
        per_topic[t->topic]++;
    }
}

static enum csmap_rc resolution_median(struct sig_run *r, struct sig_support *s)
{
    double *hours = mem_alloc((r->n_tickets + 1) * sizeof(*hours));
    size_t n = 0;
    double m;

    if (!hours)
        return CS_NOMEM;
    for (size_t i = 0; i < r->n_tickets; i++) {
        const struct sig_ticket_row *t = &r->tickets[i];

        if (t->has_resolved && sig_in_last(t->resolved_day, r->as_of, 90))
            hours[n++] = (double)(t->resolved_at - t->created_at) / 3600;
    }
    s->has_resolution_hours_median_90d = sig_median(hours, n, &m);
    if (s->has_resolution_hours_median_90d)
        s->resolution_hours_median_90d = sig_round(m, 2);
    mem_free(hours);
    return CS_OK;
}

static int cmp_repeat(const void *a, const void *b)
{
    const struct sig_count *x = a, *y = b;

    if (x->count != y->count)
        return y->count - x->count;
    return strcmp(x->name, y->name);
}

static enum csmap_rc topics(struct sig_run *r, struct sig_support *s,
                            const int *per_topic)
{
    const struct config *cfg = r->cfg;
    size_t nt = cfg->support.n_topics;
    struct sig_count *rep;
    size_t n_rep = 0;

    s->topics_90d =
        sig_arena_alloc(r->arena, (nt + 1) * sizeof(*s->topics_90d));
    rep = sig_arena_alloc(r->arena, (nt + 1) * sizeof(*rep));
    s->repeat_topics = sig_arena_alloc(r->arena, (nt + 1) * sizeof(char *));
    if (!s->topics_90d || !rep || !s->repeat_topics)
        return CS_NOMEM;
    for (size_t t = 0; t <= nt; t++) {
        const char *name = t < nt ? cfg->support.topics[t].name : "other";

        if (per_topic[t] == 0)
            continue;
        s->topics_90d[s->n_topics_90d].name = name;
        s->topics_90d[s->n_topics_90d++].count = per_topic[t];
        if (t < nt && per_topic[t] >= cfg->support.repeat_min) {
            rep[n_rep].name = name;
            rep[n_rep++].count = per_topic[t];
        }
    }
    qsort(rep, n_rep, sizeof(*rep), cmp_repeat);
    for (size_t i = 0; i < n_rep; i++)
        s->repeat_topics[i] = rep[i].name;
    s->n_repeat_topics = n_rep;
    return CS_OK;
}

enum csmap_rc sig_support_compute(struct sig_run *r, struct sig_account *a)
{
    struct sig_support *s = &a->support;
    int *per_topic = mem_calloc(r->cfg->support.n_topics + 1, sizeof(int));
    enum csmap_rc rc;

    if (!per_topic)
        return CS_NOMEM;
    counts(r, s, per_topic);
    if (!(rc = resolution_median(r, s)))
        rc = topics(r, s, per_topic);
    mem_free(per_topic);
    return rc;
}
