-- fail: 5:23: a processing-time temporal join: connector 'datagen' cannot be looked up (processing-time temporal joins read a bounded 'filesystem' table or ask a 'postgres' one)
CREATE TABLE clicks (user_id BIGINT, p AS PROCTIME()) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE users (user_id BIGINT, name STRING) WITH ('connector' = 'datagen');
SELECT c.user_id, u.name
FROM clicks AS c JOIN users FOR SYSTEM_TIME AS OF c.p AS u ON c.user_id = u.user_id;
