-- fail: 4:42: function count_char expects STRING as argument 2, got INT
CREATE TABLE t (s STRING) WITH ('connector' = 'datagen');
CREATE FUNCTION count_char AS '../../../queries/nexmark/udfs/count-char.js' LANGUAGE JAVASCRIPT;
SELECT count_char(s, 'a'), count_char(s, 1) FROM t;
