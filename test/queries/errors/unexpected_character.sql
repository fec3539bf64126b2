-- fail: 7:48: unexpected '=': expected an expression
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING
) WITH ('connector' = 'datagen');

SELECT user_id, url FROM clicks WHERE user_id == 3;
