-- fail: 15:13: table 'clicks' uses connector 'datagen', which can only be read, not written
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

CREATE TABLE more_clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3)
) WITH ('connector' = 'datagen');

INSERT INTO clicks
SELECT user_id, url, ts FROM more_clicks;
