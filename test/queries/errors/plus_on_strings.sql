-- fail: 9:8: cannot apply '+' to STRING and STRING NOT NULL: expected numbers (use '||' to join strings)
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT url + '?ref=home' AS link FROM clicks;
