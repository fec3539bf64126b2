-- fail: 4:3: unexpected 'url': expected ',' or ')'
CREATE TABLE clicks (
  user_id BIGINT
  url STRING
) WITH ('connector' = 'datagen');
