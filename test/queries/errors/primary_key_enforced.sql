-- fail: 5:3: PRIMARY KEY must be declared NOT ENFORCED: weir (like Flink) does not check keys
CREATE TABLE users (
  user_id BIGINT,
  name STRING,
  PRIMARY KEY (user_id)
) WITH ('connector' = 'print');
