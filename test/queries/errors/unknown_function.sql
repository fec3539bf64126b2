-- fail: 9:17: unknown function 'UPPPER'; did you mean 'UPPER'?
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, UPPPER(url) AS url FROM clicks;
