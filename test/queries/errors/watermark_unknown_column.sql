-- fail: 5:17: unknown column 'event_tme' in WATERMARK FOR; did you mean 'event_time'?
CREATE TABLE clicks (
  user_id BIGINT,
  event_time TIMESTAMP(3),
  WATERMARK FOR event_tme AS event_time - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen');
