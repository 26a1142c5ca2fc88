-- Contracts; the current one decides the renewal date and the seats.
SELECT
    k.account_id       AS account_id,
    k.start_date       AS start_date,
    k.end_date         AS end_date,
    k.id               AS contract_id,
    k.arr_usd          AS arr,
    k.seats            AS seats,
    k.plan             AS plan
FROM billing.contracts k
WHERE k.status <> 'void';
