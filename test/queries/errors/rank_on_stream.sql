-- fail: 11:13: not supported: RANK() on a streaming table (Flink runs Top-N and deduplication with ROW_NUMBER() only); write ROW_NUMBER() OVER (…)
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, url
FROM (
  SELECT *, RANK() OVER (PARTITION BY user_id ORDER BY ts DESC) AS rk
  FROM clicks
)
WHERE rk <= 3;
