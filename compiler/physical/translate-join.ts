// Join translation: equality keys pick the exchange; rowtimes bounding both sides make it an interval join.
import { rexToString } from '../explain/rex';
import type { JoinNode } from '../logical/plan';
import { type Rex, andAll, conjuncts, inputRef } from '../rex';
import { T } from '../types';
import type { JobEdge } from './job-graph';
import { intervalBounds } from './interval-bounds';
import { columnNames } from './operator-names';
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
  // Append-only inputs whose rowtimes bound each other from both sides: an interval join, whose state the
  // watermark bounds (Flink's IntervalJoin; the bounds come from the INPUT schemas' time attributes).
  const b =
    n.left.changelog === 'append' && n.right.changelog === 'append'
      ? intervalBounds(rest, n.left.schema, n.right.schema)
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
