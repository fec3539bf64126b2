-- fail: 7:3: unknown option 'rows-per-secnd' for connector 'datagen'; did you mean 'rows-per-second'?
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING
) WITH (
  'connector' = 'datagen',
  'rows-per-secnd' = '100'
);
