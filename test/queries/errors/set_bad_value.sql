-- fail: 2:38: 'execution.checkpointing.mode': 'SOMETIMES' is not one of 'EXACTLY_ONCE', 'AT_LEAST_ONCE'
SET 'execution.checkpointing.mode' = 'SOMETIMES';

CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');
