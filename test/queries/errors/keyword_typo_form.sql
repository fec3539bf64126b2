-- fail: 9:21: unexpected 'clicks' after 'FORM': expected ';' to end the statement; did you mean 'FROM' instead of 'FORM'?
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, url FORM clicks;
