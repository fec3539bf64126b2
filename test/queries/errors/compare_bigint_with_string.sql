-- fail: 9:30: cannot compare BIGINT with STRING NOT NULL using '='
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT url FROM clicks WHERE user_id = 'alice';
