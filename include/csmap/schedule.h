/* Which artifacts the weekly run generates, and for whom. */
#ifndef CSMAP_SCHEDULE_H
#define CSMAP_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "csmap/rc.h"

struct config;
struct sig_account;
struct sig_segment;
struct sig_set;

/*
 * The "artifacts" object of csmap.json maps an artifact name to whom it
 * is for: a selector string, a list of selectors (any of them), or false
 * to turn a default off.  Selectors:
 *
 *   segments        every segment (segment artifacts)
 *   all             every account
 *   stuck           onboarding.stuck
 *   dormant         usage.dormant
 *   anomaly         usage.anomaly is a drop or a spike
 *   red, yellow, green   health.band
 *   renewal_window  renewal.in_window
 *   renewal_risk    renewal.risk is high
 *   high_potential  expansion.potential is high
 *   tickets_30d     support.tickets_30d > 0
 *   repeat_topics   support.repeat_topics is not empty
 *   sponsor_left    sponsor.sponsor_left_90d
 *
 * Defaults (DESIGN section 7): activation-digest, support-cluster-report,
 * feedback-themes and sentiment-trend for segments; followup-sequence and
 * stuck-alert for stuck; usage-anomaly for anomaly; support-digest for
 * tickets_30d; health-brief for red and yellow; renewal-packet for
 * renewal_window; expansion-prep and proposal-blocks for high_potential.
 * account-narrative and qbr-prep are on demand.  The configuration's entries
 * replace the default of the artifacts they name and add others.
 */

struct schedule_item {
    const char *artifact;
    const char *subject;               /* account_id or segment name */
    bool segment;                      /* subject is a segment */
    const struct sig_account *account; /* NULL for a segment */
    const struct sig_segment *seg;     /* NULL for an account */
};

struct schedule {
    struct schedule_item *items; /* artifact order, then subject */
    size_t n_items;
};

/*
 * Work out this week's schedule for set.  A bad "artifacts" entry is
 * reported as "csmap.json: artifacts.NAME: ..." and returns CS_CONFIG.
 * Artifact names are checked against known (NULL-terminated), the
 * artifacts the prompt layer has.  Free with schedule_release().
 */
enum csmap_rc schedule_build(const struct config *cfg,
                             const struct sig_set *set,
                             const char *const *known, struct schedule *out);

void schedule_release(struct schedule *s);

/* CS_CONFIG, each reported, when "artifacts" names an artifact not in
 * known (NULL-terminated: the prompt layer's artifacts). */
enum csmap_rc schedule_check_names(const struct config *cfg,
                                   const char *const *known);

/* Whether the weekly run makes artifact for account a (the map shows a
 * missing one as missing only then). */
bool schedule_wants_account(const struct config *cfg, const char *artifact,
                            const struct sig_account *a);

/* Whether the weekly run makes artifact for every segment. */
bool schedule_wants_segments(const struct config *cfg, const char *artifact);

#endif
