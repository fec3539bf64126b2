-- fail: 2:27: cannot load 'udfs/throws-on-load.js': Error: the configuration file udfs.json is missing
CREATE FUNCTION len_of AS 'udfs/throws-on-load.js' LANGUAGE JAVASCRIPT;
