-- fail: 9:14: table or view 'clicks' already exists
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

CREATE TABLE clicks (
  user_id BIGINT
) WITH ('connector' = 'datagen');
