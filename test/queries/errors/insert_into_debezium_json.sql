-- fail: 4:13: table 'changes': format 'debezium-json' can only be read; write updates with 'format' = 'changelog-json'
CREATE TABLE items (id BIGINT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE changes (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = 'out/changes', 'format' = 'debezium-json');
INSERT INTO changes SELECT id, name FROM items;
