-- fail: 9:45: CASE branches have no common type: STRING and TIMESTAMP(3) *ROWTIME*
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT CASE WHEN user_id > 10 THEN url ELSE ts END AS x FROM clicks;
