-- NPS, CSAT, surveys, QBR notes, suggestions and churn debriefs.
SELECT
    r.account_id                 AS account_id,
    CAST(r.submitted_at AS DATE) AS date,
    r.kind                       AS kind,     -- nps, csat, survey, qbr_note,
                                              -- suggestion, churn_debrief
    r.score                      AS score,    -- NPS: 0 to 10
    r.comment                    AS text,
    r.respondent_email           AS contact_email
FROM voc.responses r;
