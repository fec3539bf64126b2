// A module that does not match the UDF contract: a scalar function without eval.
export default {
  returns: 'BIGINT',
  evaluate(s) {
    return s.length;
  },
};
