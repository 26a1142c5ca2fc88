/* The JSON context of one artifact for one account or segment. */
#ifndef CSMAP_CONTEXT_H
#define CSMAP_CONTEXT_H

#include <stddef.h>

#include "csmap/rc.h"

struct cJSON;
struct sig_account;
struct sig_segment;
struct sig_set;
struct store;

/*
 * What a context is for: the artifact's name, map stage and audience
 * (from its prompt header), and how many tokens the context may take
 * (an estimate of 4 characters a token).  0 means no budget.
 */
struct ctx_request {
    const char *artifact;
    const char *stage;
    const char *audience;
    size_t budget_tokens;
};

/*
 * The context of an account artifact, shaped as docs/artifacts.md says:
 *
 *   artifact, stage, scope "account", as_of, owner (the stage's owner),
 *   audience, account (the signals of DESIGN section 6), usage_weekly
 *   (the last nine weeks, oldest first), contract (the current one or
 *   null), contacts, tickets (last 90 days and every open one, newest
 *   first, with their topic), feedback_quotes (last 180 days, newest
 *   first), alerts (this account's), cut (what the budget left out).
 *
 * Customer text is copied as it is; the prompt's escape mode fences it.
 * When the context passes the budget the least important parts go
 * first: older feedback quotes and tickets, then long ticket texts, then
 * contacts who left; each cut is named in "cut".  The caller owns *out.
 */
enum csmap_rc ctx_account(struct store *st, const struct sig_set *set,
                          const struct sig_account *a,
                          const struct ctx_request *req, struct cJSON **out);

/*
 * The context of a segment artifact: artifact, stage, scope "segment",
 * as_of, owner, audience, segment (the figures of sig_segment_json),
 * accounts (the accounts that matter most: by ARR at stake, then ARR,
 * each with its key signals), tickets (the segment's last 30 days, for
 * support reports), feedback_quotes (last 90 days), cut.
 */
enum csmap_rc ctx_segment(struct store *st, const struct sig_set *set,
                          const struct sig_segment *seg,
                          const struct ctx_request *req, struct cJSON **out);

/* Estimated tokens of a context: its compact JSON length / 4, rounded up. */
size_t ctx_estimate_tokens(const struct cJSON *ctx);

#endif
