-- fail: 9:39: bad timestamp '2024-13-45': expected 'yyyy-MM-dd HH:mm:ss[.SSS]'
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id FROM clicks WHERE ts > TIMESTAMP '2024-13-45';
