-- fail: 9:8: '*' cannot be used with GROUP BY: list the grouped columns and aggregates
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT *
FROM clicks
GROUP BY user_id;
