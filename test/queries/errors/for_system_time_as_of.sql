-- fail: 16:12: not supported: FOR SYSTEM_TIME AS OF (temporal and lookup joins)
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
JOIN users FOR SYSTEM_TIME AS OF c.ts AS u ON c.user_id = u.user_id;
