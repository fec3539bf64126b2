// digits(x): a table function — one row per decimal digit of x: the digit and its position from the right.
export default {
  kind: 'table',
  returns: 'ROW<digit INT, pos INT>',
  *eval(x) {
    if (x === null) return;
    const s = String(Math.abs(x));
    for (let i = 0; i < s.length; i++) yield { digit: Number(s[i]), pos: s.length - 1 - i };
  },
};
