-- fail: 5:1: unexpected ')': expected a type such as BIGINT or STRING, or AS <expression>
CREATE TABLE clicks (
  user_id BIGINT,
  url
) WITH ('connector' = 'datagen');
