-- fail: 9:8: unknown table 'd' in 'd.*'; did you mean 'c'?
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT d.* FROM clicks AS c;
