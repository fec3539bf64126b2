// count_char(s, c): how many times the character c occurs in s (Nexmark q14's CountChar, as a weir JavaScript UDF).
export default {
  returns: 'BIGINT',
  params: ['STRING', 'STRING'],
  eval(s, c) {
    if (s === null || c === null) return null;
    let n = 0;
    for (let i = 0; i < s.length; i++) if (s[i] === c) n++;
    return n;
  },
};
