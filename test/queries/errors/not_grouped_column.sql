-- fail: 9:17: column 'url' is neither in GROUP BY nor inside an aggregate function: add it to GROUP BY or use e.g. MAX(url)
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, url, COUNT(*) AS n
FROM clicks
GROUP BY user_id;
