-- Bare SELECT statements (collected to the client), EXPLAIN, UNION ALL and a filter on a ROW field.

CREATE TABLE events (
  id BIGINT,
  kind STRING,
  payload ROW<amount DOUBLE, currency STRING>,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '100', 'fields.kind.length' = '1');

SELECT id, payload.amount * 2 AS doubled
FROM events
WHERE payload.currency = 'EUR' AND kind IN ('a', 'b');

EXPLAIN VERBOSE
SELECT id, kind FROM events WHERE kind = 'a'
UNION ALL
SELECT id, UPPER(kind) FROM events WHERE kind <> 'a';

SELECT DISTINCT kind FROM events;
