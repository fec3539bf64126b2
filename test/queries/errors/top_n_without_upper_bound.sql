-- fail: 14:7: not supported: a Top-N without an upper bound on its ROW_NUMBER() column; add `rn <= N` to the WHERE clause
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, url
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY url) AS rn
  FROM clicks
)
WHERE rn > 2;
