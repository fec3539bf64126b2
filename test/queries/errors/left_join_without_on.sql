-- fail: 16:11: LEFT JOIN needs an ON condition: expected ON <condition> after the joined table
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

CREATE TABLE users (
  user_id BIGINT,
  name STRING
) WITH ('connector' = 'datagen');

SELECT c.url, u.name
FROM clicks AS c
LEFT JOIN users AS u;
