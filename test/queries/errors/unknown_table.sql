-- fail: 14:26: unknown table 'click'; did you mean 'clicks'? (tables and views: clicks, sink)
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
SELECT user_id, url FROM click;
