// OVER translation: a RankNode becomes a Rank (Top-N), a Deduplicate or a WindowRank operator, as Flink plans it;
// an Over node of aggregates an OverAggregate.
import { type OverNode, type RankNode, rankStrategy, windowDeduplication } from '../logical/plan';
import type { OperatorSpec, Partitioning } from './job-graph';
import { columnNames, rankString } from './operator-names';
import { GLOBAL } from './partitioning';
import type { Translator } from './translate';
import { describeAggs, describeFields } from './uid';

/** Adds the operator of a Top-N, hash-partitioned by its PARTITION BY columns (all on one subtask without). */
export function translateRank(n: RankNode, t: Translator): number {
  const input = t.translate(n.input);
  const cols = columnNames(n.input);
  const strategy = rankStrategy(n);
  const range = { rankStart: n.rankStart, rankEnd: n.rankEnd, outputRankNumber: n.outputRankNumber };
  let spec: OperatorSpec;
  let keys = n.partitionKeys;
  if (strategy.kind === 'deduplicate') {
    spec = {
      kind: 'deduplicate',
      keys,
      keepLastRow: strategy.keepLastRow,
      timeIndex: n.orderKeys[0]!.index,
      timeAttribute: strategy.timeAttribute,
    };
  } else if (strategy.kind === 'window') {
    const w = n.window!;
    // Keyed by the partition columns other than the window bounds: a key's windows share its state entry.
    keys = n.partitionKeys.filter((k) => k !== w.startIndex && k !== w.endIndex);
    spec = {
      kind: 'windowRank',
      partitionKeys: n.partitionKeys,
      keys,
      orderKeys: n.orderKeys,
      ...range,
      windowEndIndex: w.endIndex,
      timeAttribute: w.spec.timeAttribute,
      lastWinsTies: windowDeduplication(n) === 'last',
    };
  } else {
    spec = { kind: 'rank', partitionKeys: keys, orderKeys: n.orderKeys, ...range };
  }
  const partitioning: Partitioning = keys.length ? { kind: 'hash', keys } : GLOBAL;
  const order = n.orderKeys.map((k) => `${k.descending ? '-' : '+'}${k.index}`).join(',');
  return t.add(
    spec,
    rankString(n, cols),
    `${spec.kind}|${t.sinkName}|${describeFields(n.input.schema, n.partitionKeys)}|${order}|${n.rankStart}-${n.rankEnd}`,
    [{ source: input, partitioning }],
    n,
    true,
  );
}

/** Adds the OverAggregate of an Over node (the analyzer lets only aggregate calls on a time attribute get here). */
export function translateOverAggregate(n: OverNode, t: Translator): number {
  if (n.calls.some((c) => c.fn === 'ROW_NUMBER'))
    throw new Error('a ROW_NUMBER without a Top-N filter reached the job graph');
  const input = t.translate(n.input);
  const timeIndex = n.orderKeys[0]!.index;
  const time = n.input.schema[timeIndex]!.type;
  const aggs = n.calls.map((c) => ({
    fn: c.fn as Exclude<typeof c.fn, 'ROW_NUMBER'>,
    args: c.args,
    distinct: false,
    type: c.type,
    name: c.name,
  }));
  const keys = n.partitionKeys;
  return t.add(
    {
      kind: 'overAggregate',
      partitionKeys: keys,
      timeIndex,
      timeAttribute:
        (time.kind === 'TIMESTAMP' || time.kind === 'TIMESTAMP_LTZ') && time.timeAttribute === 'proctime'
          ? 'proctime'
          : 'rowtime',
      frame: n.frame,
      aggs,
    },
    rankString(n, columnNames(n.input)),
    `overAggregate|${t.sinkName}|${describeFields(n.input.schema, keys)}|${n.frame.unit}${n.frame.preceding ?? ''}|${describeAggs(aggs, n.input.schema)}`,
    [{ source: input, partitioning: keys.length ? { kind: 'hash', keys } : GLOBAL }],
    n,
    true,
  );
}
