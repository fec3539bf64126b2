-- fail: 14:8: unknown column 'user_idd'; did you mean 'user_id'? (columns: user_id, url, ts)
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');
CREATE TABLE sink (
  user_id BIGINT,
  url STRING
) WITH ('connector' = 'blackhole');

INSERT INTO sink
SELECT user_idd, url FROM clicks;
