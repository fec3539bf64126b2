-- fail: 5:3: duplicate column 'user_id'
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  user_id INT
) WITH ('connector' = 'datagen');
