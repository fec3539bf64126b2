-- fail: 15:17: column 2 ('url') of the query is STRING, but column 'seen_at' of 'sink' is TIMESTAMP(3)
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

CREATE TABLE sink (
  user_id BIGINT,
  seen_at TIMESTAMP(3)
) WITH ('connector' = 'blackhole');

INSERT INTO sink
SELECT user_id, url FROM clicks;
