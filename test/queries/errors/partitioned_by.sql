-- fail: 6:18: not supported: PARTITIONED BY on a 'print' table (only 'filesystem' tables are partitioned)
CREATE TABLE daily (
  user_id BIGINT,
  url STRING,
  dt STRING
) PARTITIONED BY (dt) WITH (
  'connector' = 'print'
);
