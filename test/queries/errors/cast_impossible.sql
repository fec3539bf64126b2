-- fail: 9:17: cannot CAST TIMESTAMP(3) *ROWTIME* to BOOLEAN
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, CAST(ts AS BOOLEAN) AS b FROM clicks;
