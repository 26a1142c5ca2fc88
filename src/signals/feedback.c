/* Feedback: NPS, sentiment and themes of feedback and ticket texts. */
#include "internal.h"

#include "csmap/config.h"
#include "csmap/date.h"

struct nps_tally {
    int promoters, detractors, responses;
};

static void nps_add(struct nps_tally *t, double score)
{
    t->responses++;
    if (score >= 9)
        t->promoters++;
    else if (score <= 6)
        t->detractors++;
}

static double nps_of(const struct nps_tally *t)
{
    return 100.0 * (t->promoters - t->detractors) / t->responses;
}

static void nps(const struct sig_run *r, struct sig_feedback *f)
{
    struct nps_tally all = {0}, recent = {0}, before = {0};

    for (size_t i = 0; i < r->n_fb; i++) {
        const struct sig_feedback_row *row = &r->fb[i];

        if (sig_in_last(row->date, r->as_of, 90))
            f->feedback_90d++;
        if (!row->nps || !row->has_score ||
            !sig_in_last(row->date, r->as_of, 180))
            continue;
        nps_add(&all, row->score);
        nps_add(sig_in_last(row->date, r->as_of, 90) ? &recent : &before,
                row->score);
    }
    f->nps_responses_180d = all.responses;
    f->nps_promoters_180d = all.promoters;
    f->nps_detractors_180d = all.detractors;
    f->nps_small_sample = all.responses < 5;
    f->has_nps_180d = all.responses > 0;
    if (f->has_nps_180d)
        f->nps_180d = sig_round(nps_of(&all), 2);
    f->has_nps_trend = recent.responses > 0 && before.responses > 0;
    if (f->has_nps_trend)
        f->nps_trend = sig_round(nps_of(&recent) - nps_of(&before), 2);
}

struct mean {
    double sum;
    int n;
};

/* One text of a feedback or ticket row; what it gives is kept in the row
 * once worked out, for the next date. */
struct text_ref {
    int32_t day;
    size_t off, len;
    bool has_text;
    struct sig_text_info *info;
};

/* Sentiment of one text into the window it belongs to; recent texts also
 * feed the themes. */
static enum csmap_rc add_text(struct sig_run *r, const struct text_ref *t,
                              struct mean *recent, struct mean *before)
{
    const struct sig_text_info *info = t->info;

    if (!t->has_text || !sig_in_last(t->day, r->as_of, 180))
        return CS_OK;
    if (sig_load_text_info(r, t->off, t->len, t->info))
        return CS_NOMEM;
    if (!sig_in_last(t->day, r->as_of, 90)) {
        before->sum += info->sentiment;
        before->n++;
        return CS_OK;
    }
    recent->sum += info->sentiment;
    recent->n++;
    return sig_terms_add_phrases(r->terms, &r->phrases, info->phrase,
                                 info->n_phrases);
}

static enum csmap_rc add_texts(struct sig_run *r, struct mean *recent,
                               struct mean *before)
{
    enum csmap_rc rc;

    for (size_t i = 0; i < r->n_fb; i++) {
        struct sig_feedback_row *f = &r->fb[i];
        struct text_ref t = {f->date, f->text, f->text_len, f->has_text,
                             &f->info};

        if ((rc = add_text(r, &t, recent, before)))
            return rc;
    }
    for (size_t i = 0; i < r->n_tickets; i++) {
        struct sig_ticket_row *k = &r->tickets[i];
        struct text_ref t = {k->created_day, k->text, k->text_len, k->has_text,
                             &k->info};

        if ((rc = add_text(r, &t, recent, before)))
            return rc;
    }
    return CS_OK;
}

static enum csmap_rc texts(struct sig_run *r, struct sig_feedback *f)
{
    struct mean recent = {0}, before = {0};
    enum csmap_rc rc;

    if ((rc = add_texts(r, &recent, &before)))
        return rc;

    f->texts_90d = recent.n;
    f->small_sample = recent.n < 5;
    f->has_sentiment_90d = recent.n > 0;
    if (recent.n)
        f->sentiment_90d = sig_round(recent.sum / recent.n, 2);
    f->has_sentiment_trend = recent.n > 0 && before.n > 0;
    if (f->has_sentiment_trend)
        f->sentiment_trend =
            sig_round(recent.sum / recent.n - before.sum / before.n, 2);
    return sig_terms_top(r->terms, (size_t)recent.n, r->arena, &f->themes_90d,
                         &f->n_themes_90d);
}

enum csmap_rc sig_feedback_compute(struct sig_run *r, struct sig_account *a)
{
    nps(r, &a->feedback);
    return texts(r, &a->feedback);
}
