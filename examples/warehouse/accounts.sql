-- One row per customer account.
SELECT
    a.id                              AS account_id,
    a.name                            AS name,
    a.segment                         AS segment,   -- smb, mid-market, enterprise
    a.plan                            AS plan,
    a.licensed_seats                  AS seats,
    a.arr_usd                         AS arr,
    u.full_name                       AS owner,     -- the CSM
    CAST(a.created_at AS DATE)        AS signup_date,
    -- space-separated system:id pairs, so tickets and events from other
    -- systems find the account
    CONCAT('zendesk:', a.zendesk_org_id, ' hubspot:', a.hubspot_company_id)
                                      AS external_ids
FROM crm.accounts a
LEFT JOIN crm.users u ON u.id = a.csm_user_id
WHERE a.is_customer;
