-- fail: 10:44: cannot window on a non-time column: 'user_id' is BIGINT; a window needs a time attribute column (a TIMESTAMP(3) with a WATERMARK, or PROCTIME())
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT window_start, window_end, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(user_id), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
