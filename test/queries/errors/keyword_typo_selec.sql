-- fail: 9:1: unexpected 'SELEC': expected SET, RESET, CREATE, DROP, INSERT, SELECT, '(', EXPLAIN, ...; did you mean 'SELECT'?
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELEC user_id, url FROM clicks;
