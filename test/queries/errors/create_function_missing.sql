-- fail: 2:27: cannot load 'udfs/missing.js': no such file
CREATE FUNCTION len_of AS 'udfs/missing.js' LANGUAGE JAVASCRIPT;
