-- fail: 16:6: an event-time temporal join needs a versioned table: 'users' has no WATERMARK (and a PRIMARY KEY)
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
