/* Sponsor: present, left and new executive sponsors. */
#include "internal.h"

#include "csmap/date.h"

/* Contacts first seen after D are not loaded (compute.c). */
void sig_sponsor_compute(struct sig_run *r, struct sig_account *a)
{
    struct sig_sponsor *sp = &a->sponsor;

    sp->contacts = (int)r->n_contacts;
    for (size_t i = 0; i < r->n_contacts; i++) {
        const struct sig_contact_row *c = &r->contacts[i];

        if (!c->sponsor)
            continue;
        if (c->left_at == DATE_NONE || c->left_at > r->as_of)
            sp->sponsor_present = true;
        if (c->left_at != DATE_NONE && sig_in_last(c->left_at, r->as_of, 90))
            sp->sponsor_left_90d = true;
        if (sig_in_last(c->first_seen, r->as_of, 90) &&
            c->first_seen > a->signup_date + 30)
            sp->sponsor_new_90d = true;
    }
}
