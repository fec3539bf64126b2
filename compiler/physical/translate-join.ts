// Join translation: equality keys pick the exchange; rowtimes bounding both sides make it an interval join.
import { rexToString } from '../explain/rex';
import type { JoinNode, LogicalNode } from '../logical/plan';
import { windowColumnsOf } from '../logical/window-columns';
import { type Rex, andAll, conjuncts, inputRef } from '../rex';
import { type Field, T } from '../types';
import type { JobEdge } from './job-graph';
import { intervalBounds } from './interval-bounds';
import { columnNames, windowString } from './operator-names';
import { GLOBAL } from './partitioning';
import type { Translator } from './translate';
import { describeFields, tablesOf } from './uid';

/** Adds the join operator for `n`, after translating both inputs, and returns its id. */
export function translateJoin(n: JoinNode, t: Translator): number {
  const left = t.translate(n.left);
  const right = t.translate(n.right);
  const width = n.left.schema.length;
  const { leftKeys, rightKeys, rest } = equiKeys(n.condition, width);
  const cols = [...columnNames(n.left), ...columnNames(n.right)];
  const hashed = leftKeys.length > 0;
  const keyText = leftKeys.map((k, i) => `${cols[k]} = ${cols[width + rightKeys[i]!]}`);
  const edges: JobEdge[] = [
    { source: left, partitioning: hashed ? { kind: 'hash', keys: leftKeys } : GLOBAL },
    { source: right, partitioning: hashed ? { kind: 'hash', keys: rightKeys } : GLOBAL },
  ];
  // Equal window bounds of two windowed inputs: a window join, whose state the watermark bounds (Flink's WindowJoin).
  if (n.window) {
    const w = n.window;
    return t.add(
      {
        kind: 'windowJoin',
        joinType: n.joinType,
        leftKeys,
        rightKeys,
        ...(rest ? { condition: rest } : {}),
        leftWidth: width,
        rightWidth: n.right.schema.length,
        leftEnd: w.leftEnd,
        rightEnd: w.rightEnd,
      },
      `WindowJoin(joinType=[${n.joinType}], window=[${windowString(w.window, undefined)}], keys=[${keyText.join(', ')}]${rest ? `, where=[${rexToString(rest, cols)}]` : ''})`,
      `windowJoin|${t.sinkName}|${n.joinType}|${describeFields(n.left.schema, leftKeys)}|${describeFields(n.right.schema, rightKeys)}|${tablesOf(n.left)}|${tablesOf(n.right)}`,
      edges,
      n,
      true,
    );
  }
  // Append-only inputs whose rowtimes bound each other from both sides: an interval join, whose state the
  // watermark bounds (Flink's IntervalJoin; the bounds come from the INPUT schemas' time attributes).
  const b =
    n.left.changelog === 'append' && n.right.changelog === 'append'
      ? intervalBounds(rest, withWindowEndTime(n.left), withWindowEndTime(n.right))
      : undefined;
  if (b) {
    const fields = [...n.left.schema, ...n.right.schema];
    const col = (i: number) => rexToString(inputRef(i, fields[i]!.type), cols);
    const bound = (ms: number, inclusive: boolean) => `${ms}${inclusive ? '' : ' (exclusive)'}`;
    return t.add(
      {
        kind: 'intervalJoin',
        joinType: n.joinType,
        leftKeys,
        rightKeys,
        leftTime: b.leftTime,
        rightTime: b.rightTime,
        lowerBound: b.lowerBound,
        lowerInclusive: b.lowerInclusive,
        upperBound: b.upperBound,
        upperInclusive: b.upperInclusive,
        ...(b.rest ? { condition: b.rest } : {}),
        leftWidth: width,
        rightWidth: n.right.schema.length,
      },
      `IntervalJoin(joinType=[${n.joinType}], keys=[${keyText.join(', ')}], windowBounds=[leftTime=${col(b.leftTime)}, rightTime=${col(width + b.rightTime)}, leftLowerBound=${bound(b.lowerBound, b.lowerInclusive)}, leftUpperBound=${bound(b.upperBound, b.upperInclusive)}]${b.rest ? `, where=[${rexToString(b.rest, cols)}]` : ''})`,
      `intervalJoin|${t.sinkName}|${n.joinType}|${describeFields(n.left.schema, leftKeys)}|${describeFields(n.right.schema, rightKeys)}|${tablesOf(n.left)}|${tablesOf(n.right)}`,
      edges,
      n,
      true,
    );
  }
  return t.add(
    {
      kind: 'join',
      joinType: n.joinType,
      leftKeys,
      rightKeys,
      ...(rest ? { condition: rest } : {}),
      leftWidth: width,
      rightWidth: n.right.schema.length,
    },
    `Join(joinType=[${n.joinType}], ${hashed ? `keys=[${keyText.join(', ')}]` : 'keys=[]'}${rest ? `, where=[${rexToString(rest, cols)}]` : ''})`,
    `join|${t.sinkName}|${n.joinType}|${describeFields(n.left.schema, leftKeys)}|${describeFields(n.right.schema, rightKeys)}|${tablesOf(n.left)}|${tablesOf(n.right)}`,
    edges,
    n,
    true,
  );
}

/** Splits a join condition into equality keys (left column = right column) and the rest. */
export function equiKeys(
  condition: Rex | undefined,
  leftWidth: number,
): { leftKeys: number[]; rightKeys: number[]; rest?: Rex } {
  const leftKeys: number[] = [];
  const rightKeys: number[] = [];
  const rest: Rex[] = [];
  for (const c of condition ? conjuncts(condition) : []) {
    if (
      c.kind === 'call' &&
      c.op === '=' &&
      c.args[0]!.kind === 'inputRef' &&
      c.args[1]!.kind === 'inputRef'
    ) {
      const [a, b] = [c.args[0]!.index, c.args[1]!.index];
      if (a < leftWidth && b >= leftWidth) {
        leftKeys.push(a);
        rightKeys.push(b - leftWidth);
        continue;
      }
      if (b < leftWidth && a >= leftWidth) {
        leftKeys.push(b);
        rightKeys.push(a - leftWidth);
        continue;
      }
    }
    rest.push(c);
  }
  return { leftKeys, rightKeys, rest: andAll(rest, T.boolean()) };
}

/**
 * `n`'s schema, with the window_end column of an event-time window aggregate (or window join) typed as a rowtime:
 * its rows are emitted when the watermark reaches window_end − 1 and not before, so window_end is never behind the
 * watermark, and an interval join may bound its state by it (Nexmark q7 joins bids with window maxima by
 * `B.dateTime BETWEEN B1.window_end - INTERVAL '10' SECOND AND B1.window_end`). Flink plans that as a regular join.
 */
function withWindowEndTime(n: LogicalNode): readonly Field[] {
  const w = windowColumnsOf(n);
  if (!w || w.end < 0 || !w.aggregated || w.window.timeAttribute !== 'rowtime') return n.schema;
  return n.schema.map((f, i) =>
    i === w.end && f.type.kind === 'TIMESTAMP' ? { ...f, type: { ...f.type, timeAttribute: 'rowtime' } } : f,
  );
}
