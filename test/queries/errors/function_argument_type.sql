-- fail: 9:17: LOWER expects a string as argument 1, got BIGINT
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, LOWER(user_id) AS u FROM clicks;
