-- fail: 9:50: cannot compare BIGINT with STRING NOT NULL in BETWEEN
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id FROM clicks WHERE user_id BETWEEN 'a' AND 'z';
