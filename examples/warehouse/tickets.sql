-- Support tickets (for Zendesk, the API export can be loaded directly).
SELECT
    t.id                 AS ticket_id,
    t.account_id         AS account_id,
    t.created_at         AS created_at,
    t.solved_at          AS resolved_at,
    LOWER(t.priority)    AS priority,     -- urgent, high, normal, low
    t.status             AS status,
    t.subject            AS subject,
    t.description        AS description,
    ARRAY_TO_STRING(t.tags, ' ') AS tags
FROM support.tickets t;
