-- fail: 8:3: option 'number-of-rows' is given twice
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '10',
  'number-of-rows' = '20'
);
