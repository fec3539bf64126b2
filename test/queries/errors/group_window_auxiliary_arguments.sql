-- fail: 9:3: TUMBLE_END(...) must repeat the arguments of GROUP BY TUMBLE(...): the same time column and intervals
CREATE TABLE clicks (
  user_id BIGINT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, COUNT(*) AS clicks, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS w_start,
  TUMBLE_END(ts, INTERVAL '5' MINUTE) AS w_end
FROM clicks
GROUP BY user_id, TUMBLE(ts, INTERVAL '1' MINUTE);
