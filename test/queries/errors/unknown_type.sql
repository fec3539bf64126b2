-- fail: 4:7: unknown type 'STRNG'; did you mean 'STRING'?
CREATE TABLE clicks (
  user_id BIGINT,
  url STRNG
) WITH ('connector' = 'datagen');
