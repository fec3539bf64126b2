-- fail: 14:8: ambiguous column 'user_id': it is in 'c' and 'u'; qualify it, e.g. c.user_id
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

SELECT user_id, name, url
FROM clicks AS c
JOIN users AS u ON c.user_id = u.user_id;
