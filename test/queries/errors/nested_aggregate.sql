-- fail: 9:21: aggregate function COUNT is not allowed in an aggregate function's argument (aggregates cannot be nested)
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, MAX(COUNT(*)) AS n
FROM clicks
GROUP BY user_id;
