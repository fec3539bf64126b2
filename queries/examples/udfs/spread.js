// spread(x): an aggregate function (Flink's AggregateFunction) — 'n=<count> sum=<sum> max=<max>' of its values.
// The accumulator is plain data (it is keyed state: snapshotted with msgpack). retract makes it usable over an
// updating input (a GROUP BY's results); max needs the multiset of values to retract correctly.
export default {
  kind: 'aggregate',
  returns: 'STRING',
  createAccumulator() {
    return { n: 0, sum: 0, counts: {} };
  },
  accumulate(acc, x) {
    if (x === null) return;
    acc.n += 1;
    acc.sum += x;
    acc.counts[x] = (acc.counts[x] ?? 0) + 1;
  },
  retract(acc, x) {
    if (x === null) return;
    acc.n -= 1;
    acc.sum -= x;
    if (--acc.counts[x] === 0) delete acc.counts[x];
  },
  merge(acc, other) {
    acc.n += other.n;
    acc.sum += other.sum;
    for (const [x, c] of Object.entries(other.counts)) acc.counts[x] = (acc.counts[x] ?? 0) + c;
  },
  getValue(acc) {
    if (acc.n === 0) return null;
    const max = Math.max(...Object.keys(acc.counts).map(Number));
    return `n=${acc.n} sum=${acc.sum} max=${max}`;
  },
};
