// Operator translation: the job-graph operator (spec, name, uid descriptor, input edges) for each kind of logical node.
import { rexToString } from '../explain/rex';
import type { LogicalNode } from '../logical/plan';
import { type Rex, hasAsyncUdf } from '../rex';
import type { JobEdge, OperatorSpec } from './job-graph';
import { aggString, columnNames, renderAs, windowString } from './operator-names';
import { FORWARD, GLOBAL } from './partitioning';
import { translateJoin } from './translate-join';
import { translateOverAggregate, translateRank } from './translate-rank';
import { translateTemporalJoin } from './translate-temporal-join';
import { describeAggs, describeFields } from './uid';

/** What translating a node needs from the graph being built. */
export interface Translator {
  /** The sink's table name (`collect` for a collecting sink): part of every uid descriptor. */
  readonly sinkName: string;
  /** Adds the operators computing `n` (or reuses a source part already added) and returns the last one's id. */
  translate(n: LogicalNode): number;
  /** Adds one operator over `inputs` and returns its id. */
  add(
    spec: OperatorSpec,
    name: string,
    descriptor: string,
    inputs: JobEdge[],
    node: LogicalNode,
    stateful: boolean,
  ): number;
}

/** Adds the operator computing `n` itself, after translating its inputs, and returns its id. */
export function translateNode(n: LogicalNode, t: Translator): number {
  switch (n.kind) {
    case 'scan':
      return t.add(
        { kind: 'source', table: n.table },
        `Source(table=[${n.table.name}], connector=[${n.table.connector}])`,
        `source|${n.table.name}|${n.table.connector}`,
        [],
        n,
        false,
      );
    case 'watermarkAssigner': {
      const input = t.translate(n.input);
      const cols = columnNames(n.input);
      return t.add(
        { kind: 'watermarkAssigner', rowtimeIndex: n.rowtimeIndex, watermark: n.watermark },
        `WatermarkAssigner(rowtime=[${cols[n.rowtimeIndex]}], watermark=[${rexToString(n.watermark, cols)}])`,
        `watermark|${t.sinkName}`,
        [{ source: input, partitioning: FORWARD }],
        n,
        false,
      );
    }
    case 'filter':
    case 'project': {
      // Project over Filter, Filter alone or Project alone: one Calc.
      let condition: Rex | undefined;
      let projection: readonly Rex[] | undefined;
      let below: LogicalNode;
      if (n.kind === 'project') {
        projection = n.exprs;
        below = n.input;
        if (below.kind === 'filter') {
          condition = below.condition;
          below = below.input;
        }
      } else {
        condition = n.condition;
        below = n.input;
      }
      const input = t.translate(below);
      const cols = columnNames(below);
      const parts: string[] = [];
      if (projection)
        parts.push(
          `select=[${projection.map((e, i) => renderAs(rexToString(e, cols), n.schema[i]!.name)).join(', ')}]`,
        );
      if (condition) parts.push(`where=[${rexToString(condition, cols)}]`);
      return t.add(
        { kind: 'calc', ...(condition ? { condition } : {}), ...(projection ? { projection } : {}) },
        `${projection?.some(hasAsyncUdf) ? 'AsyncCalc' : 'Calc'}(${parts.join(', ')})`,
        `calc|${t.sinkName}`,
        [{ source: input, partitioning: FORWARD }],
        n,
        false,
      );
    }
    case 'aggregate': {
      const input = t.translate(n.input);
      const cols = columnNames(n.input);
      const keys = n.groupKeys;
      return t.add(
        { kind: 'groupAggregate', keys, aggs: n.aggs },
        `GroupAggregate(${keys.length ? `groupBy=[${keys.map((k) => cols[k]).join(', ')}], ` : ''}select=[${[...keys.map((k) => cols[k]!), ...n.aggs.map((a) => aggString(a, cols))].join(', ')}])`,
        `groupAggregate|${t.sinkName}|${describeFields(n.input.schema, keys)}|${describeAggs(n.aggs, n.input.schema)}`,
        [{ source: input, partitioning: keys.length ? { kind: 'hash', keys } : GLOBAL }],
        n,
        true,
      );
    }
    case 'windowTableFunction': {
      const input = t.translate(n.input);
      const w = n.window;
      return t.add(
        { kind: 'windowTableFunction', window: w },
        `WindowTableFunction(${windowString(w, columnNames(n.input))})`,
        `windowTableFunction|${t.sinkName}`,
        [{ source: input, partitioning: FORWARD }],
        n,
        false,
      );
    }
    case 'correlate': {
      const input = t.translate(n.input);
      return t.add(
        { kind: 'correlate', call: n.call, joinType: n.joinType },
        `Correlate(invocation=[${rexToString(n.call, columnNames(n.input))}], joinType=[${n.joinType}])`,
        `correlate|${t.sinkName}|${n.call.op}`,
        [{ source: input, partitioning: FORWARD }],
        n,
        false,
      );
    }
    case 'windowAggregate': {
      const input = t.translate(n.input);
      const cols = columnNames(n.input);
      const keys = n.groupKeys;
      // Keyed by the group keys other than window_start/window_end: all windows of a key meet (sessions merge).
      const windowKeys = keys.filter((_, pos) => pos !== n.windowStart && pos !== n.windowEnd);
      if (n.sliced) {
        const names = keys.map((_, pos) => n.schema[pos]!.name);
        return t.add(
          {
            kind: 'slicingWindowAggregate',
            window: n.window,
            keys,
            windowStart: n.windowStart,
            windowEnd: n.windowEnd,
            aggs: n.aggs,
          },
          `SlicingWindowAggregate(groupBy=[${names.join(', ')}], window=[${windowString(n.window, undefined)}], select=[${[...names, ...n.aggs.map((a) => aggString(a, cols))].join(', ')}])`,
          `slicingWindowAggregate|${t.sinkName}|${n.window.kind}|${n.window.size}|${describeFields(n.input.schema, windowKeys)}|${describeAggs(n.aggs, n.input.schema)}`,
          [{ source: input, partitioning: windowKeys.length ? { kind: 'hash', keys: windowKeys } : GLOBAL }],
          n,
          true,
        );
      }
      return t.add(
        {
          kind: 'windowAggregate',
          window: n.window,
          keys,
          windowStart: n.windowStart,
          windowEnd: n.windowEnd,
          aggs: n.aggs,
        },
        `WindowAggregate(groupBy=[${keys.map((k) => cols[k]).join(', ')}], window=[${n.window.kind}], select=[${[...keys.map((k) => cols[k]!), ...n.aggs.map((a) => aggString(a, cols))].join(', ')}])`,
        `windowAggregate|${t.sinkName}|${n.window.kind}|${n.window.size ?? n.window.gap}|${describeFields(n.input.schema, keys)}|${describeAggs(n.aggs, n.input.schema)}`,
        [{ source: input, partitioning: windowKeys.length ? { kind: 'hash', keys: windowKeys } : GLOBAL }],
        n,
        true,
      );
    }
    case 'join':
      return translateJoin(n, t);
    case 'rank':
      return translateRank(n, t);
    case 'over':
      return translateOverAggregate(n, t);
    case 'temporalJoin':
      return translateTemporalJoin(n, t);
    case 'changelogNormalize': {
      const input = t.translate(n.input);
      const cols = columnNames(n.input);
      return t.add(
        { kind: 'changelogNormalize', keys: n.keys, dropUpdateBefore: n.dropUpdateBefore },
        `ChangelogNormalize(key=[${n.keys.map((k) => cols[k]).join(', ')}]${n.dropUpdateBefore ? ', dropUpdateBefore' : ''})`,
        `changelogNormalize|${t.sinkName}|${describeFields(n.input.schema, n.keys)}|${n.input.schema.length}`,
        [{ source: input, partitioning: { kind: 'hash', keys: n.keys } }],
        n,
        true,
      );
    }
    case 'union': {
      const inputs = n.inputs.map((i) => t.translate(i));
      return t.add(
        { kind: 'union', inputs: inputs.length },
        `Union(all=[true], inputs=[${inputs.length}])`,
        `union|${t.sinkName}`,
        inputs.map((source) => ({ source, partitioning: FORWARD })),
        n,
        false,
      );
    }
    case 'sink': {
      const input = t.translate(n.input);
      const target = n.target.kind === 'table' ? `table=[${n.target.table.name}]` : 'collect';
      return t.add(
        { kind: 'sink', target: n.target },
        `Sink(${target}, fields=[${columnNames(n).join(', ')}])`,
        `sink|${t.sinkName}`,
        [{ source: input, partitioning: FORWARD }],
        n,
        false,
      );
    }
  }
}
