-- CUMULATE and SESSION windows, a processing-time HOP, and a window aggregation into an append-only JSON sink.

CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  pt AS PROCTIME(),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000', 'fields.user_id.min' = '1', 'fields.user_id.max' = '9');

CREATE TABLE per_window (
  user_id BIGINT,
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  clicks BIGINT
) WITH ('connector' = 'filesystem', 'path' = 'out/per_window', 'format' = 'json');

SET 'parallelism.default' = '2';

INSERT INTO per_window
SELECT user_id, window_start, window_end, COUNT(*) AS clicks
FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '1' MINUTE))
GROUP BY user_id, window_start, window_end;

INSERT INTO per_window
SELECT user_id, window_start, window_end, COUNT(DISTINCT url) AS clicks
FROM TABLE(SESSION(TABLE clicks PARTITION BY user_id, DESCRIPTOR(ts), INTERVAL '30' SECOND))
GROUP BY user_id, window_start, window_end;

SELECT window_start, window_end, COUNT(*) FILTER (WHERE url LIKE 'https://%') AS secure
FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(pt), INTERVAL '5' SECOND, INTERVAL '15' SECOND))
GROUP BY window_start, window_end;
