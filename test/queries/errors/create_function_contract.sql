-- fail: 2:27: 'udfs/no-eval.js' is not a user function module: a scalar function needs an eval(...args) method
CREATE FUNCTION len_of AS 'udfs/no-eval.js' LANGUAGE JAVASCRIPT;
