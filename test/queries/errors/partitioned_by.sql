-- fail: 6:18: not supported: PARTITIONED BY (partitioned filesystem tables)
CREATE TABLE daily (
  user_id BIGINT,
  url STRING,
  dt STRING
) PARTITIONED BY (dt) WITH (
  'connector' = 'filesystem',
  'path' = 'out/daily',
  'format' = 'json'
);
