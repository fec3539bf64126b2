-- fail: 7:22: option 'number-of-rows': 'many' is not an integer
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = 'many'
);
