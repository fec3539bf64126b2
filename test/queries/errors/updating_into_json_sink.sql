-- fail: 14:13: table 'counts' (filesystem, format 'json') only takes inserts, but this query produces updates (the GROUP BY at line 15, column 1): use 'format' = 'changelog-json', or a window aggregation, whose results are final
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

CREATE TABLE counts (
  user_id BIGINT,
  n BIGINT
) WITH ('connector' = 'filesystem', 'path' = 'out/counts', 'format' = 'json');

INSERT INTO counts
SELECT user_id, COUNT(*) AS n
FROM clicks
GROUP BY user_id;
