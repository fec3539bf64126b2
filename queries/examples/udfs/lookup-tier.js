// lookup_tier(id): an async scalar function (Flink's AsyncScalarFunction) — here a pretend remote lookup.
// weir awaits a batch's calls together (at most table.exec.async-scalar.max-concurrent-operations at once).
export default {
  returns: 'STRING',
  params: ['BIGINT'],
  async eval(id) {
    if (id === null) return null;
    await new Promise((resolve) => setTimeout(resolve, id % 3));
    return ['bronze', 'silver', 'gold'][id % 3];
  },
};
