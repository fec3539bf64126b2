-- fail: 10:1: unexpected 'GRUOP': expected ';' to end the statement; did you mean 'GROUP'?
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING
) WITH ('connector' = 'datagen');

SELECT user_id, COUNT(*) AS n
FROM clicks
WHERE url <> ''
GRUOP BY user_id;
