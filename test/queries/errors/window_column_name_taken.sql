-- fail: 14:25: TUMBLE adds the columns window_start, window_end and window_time, but 'per_second' already has a column 'window_start': rename it in 'per_second' (e.g. window_start AS w_start)
CREATE TABLE clicks (
  user_id BIGINT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen');

CREATE VIEW per_second AS
SELECT user_id, window_start, window_end, window_time, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND))
GROUP BY user_id, window_start, window_end, window_time;

SELECT window_start, window_end, SUM(n) AS n
FROM TABLE(TUMBLE(TABLE per_second, DESCRIPTOR(window_time), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
