-- fail: 9:62: not supported: an OVER window not ordered by a time attribute; on a stream OVER aggregates need ORDER BY one rowtime or proctime column, ascending (Flink: OVER windows' ordering in stream mode must be defined on a time attribute)
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, COUNT(*) OVER (PARTITION BY user_id ORDER BY url) AS n
FROM clicks;
