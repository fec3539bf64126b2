-- fail: 11:7: aggregate function COUNT is not allowed in WHERE; use HAVING to filter on aggregates
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, COUNT(*) AS n
FROM clicks
WHERE COUNT(*) > 10
GROUP BY user_id;
