-- fail: 9:17: SUBSTRING takes 2 or 3 arguments, got 1
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, SUBSTRING(url) AS prefix FROM clicks;
