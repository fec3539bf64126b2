-- fail: 4:13: table 'copy' (filesystem, format 'json') only takes inserts, but this query produces updates (the changelog source 'items', filesystem)
CREATE TABLE items (id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'filesystem', 'path' = 'items.jsonl', 'format' = 'debezium-json');
CREATE TABLE copy (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = 'out/copy', 'format' = 'json');
INSERT INTO copy SELECT id, name FROM items;
