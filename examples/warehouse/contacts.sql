-- People at each account; is_sponsor marks the executive sponsor or champion.
SELECT
    c.id                               AS contact_id,
    c.account_id                       AS account_id,
    c.full_name                        AS name,
    c.email                            AS email,
    c.title                            AS role,
    (c.role_in_deal IN ('sponsor', 'champion')) AS is_sponsor,
    CAST(c.created_at AS DATE)         AS first_seen,
    CAST(c.left_company_at AS DATE)    AS left_at
FROM crm.contacts c
WHERE c.account_id IS NOT NULL;
