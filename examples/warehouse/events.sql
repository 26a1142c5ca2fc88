-- Product events; csmap keeps them per account, user, event and day.
SELECT
    e.account_id                 AS account_id,
    e.user_id                    AS user_id,
    e.event_name                 AS event,
    e.occurred_at                AS timestamp,   -- ISO 8601, UTC or with zone
    e.message_id                 AS message_id   -- makes re-exports idempotent
FROM analytics.product_events e
WHERE e.occurred_at >= CURRENT_DATE - INTERVAL '400 days'
  AND e.account_id IS NOT NULL;
