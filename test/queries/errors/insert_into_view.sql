-- fail: 11:13: 'recent' is a view; INSERT needs a table
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

CREATE VIEW recent AS SELECT user_id, url FROM clicks;

INSERT INTO recent
SELECT user_id, url FROM clicks;
