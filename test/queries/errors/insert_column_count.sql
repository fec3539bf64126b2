-- fail: 14:1: INSERT INTO sink: the query produces 3 columns but the table has 2 (user_id, url)
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
SELECT user_id, url, ts FROM clicks;
