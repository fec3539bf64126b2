-- fail: 5:17: WATERMARK FOR 'user_id': the column must be a TIMESTAMP(3) or TIMESTAMP_LTZ(3), but it is BIGINT
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  WATERMARK FOR user_id AS user_id - 5
) WITH ('connector' = 'datagen');
