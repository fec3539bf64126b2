-- fail: 6:19: unknown column 'day' in PARTITIONED BY
CREATE TABLE daily (
  user_id BIGINT,
  url STRING,
  dt STRING
) PARTITIONED BY (day) WITH (
  'connector' = 'filesystem',
  'path' = 'out/daily',
  'format' = 'json'
);
