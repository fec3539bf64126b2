-- fail: 8:17: SESSION_START(...) needs GROUP BY SESSION(...) with the same arguments
CREATE TABLE clicks (
  user_id BIGINT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, SESSION_START(ts, INTERVAL '1' MINUTE), COUNT(*)
FROM clicks
GROUP BY user_id;
