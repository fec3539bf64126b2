-- fail: 9:1: unterminated comment: expected '*/' before the end of the script
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

/* the number of clicks per user,
   per ten seconds
SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id;
