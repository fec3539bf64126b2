// Temporal join translation: event time → a keyed two-input TemporalJoin; processing time → a LookupJoin chained to its left input.
import { rexToString } from '../explain/rex';
import type { TemporalJoinNode } from '../logical/plan';
import { type Rex, andAll, conjuncts, inputRefs } from '../rex';
import { T } from '../types';
import { columnNames } from './operator-names';
import { FORWARD } from './partitioning';
import type { Translator } from './translate';
import { equiKeys } from './translate-join';
import { describeFields, tablesOf } from './uid';

/**
 * The lookup keys of a processing-time join: conjuncts `<expression over left columns> = <right column>`
 * (either way round), and the rest of the condition.
 */
export function lookupKeys(
  condition: Rex,
  leftWidth: number,
): { leftKeys: Rex[]; rightKeys: number[]; rest?: Rex } {
  const leftKeys: Rex[] = [];
  const rightKeys: number[] = [];
  const rest: Rex[] = [];
  const leftOnly = (r: Rex) => [...inputRefs(r)].every((i) => i < leftWidth);
  for (const c of conjuncts(condition)) {
    if (c.kind === 'call' && c.op === '=') {
      const [a, b] = c.args as [Rex, Rex];
      const pair =
        b.kind === 'inputRef' && b.index >= leftWidth && leftOnly(a)
          ? ([a, b.index] as const)
          : a.kind === 'inputRef' && a.index >= leftWidth && leftOnly(b)
            ? ([b, a.index] as const)
            : undefined;
      if (pair) {
        leftKeys.push(pair[0]);
        rightKeys.push(pair[1] - leftWidth);
        continue;
      }
    }
    rest.push(c);
  }
  return { leftKeys, rightKeys, rest: andAll(rest, T.boolean()) };
}

/** Adds the operator computing `n` after its inputs, and returns its id. */
export function translateTemporalJoin(n: TemporalJoinNode, t: Translator): number {
  const width = n.left.schema.length;
  const cols = [...columnNames(n.left), ...columnNames(n.right)];
  const left = t.translate(n.left);
  if (n.time === 'rowtime') {
    const right = t.translate(n.right);
    const { leftKeys, rightKeys, rest } = equiKeys(n.condition, width);
    const keyText = leftKeys.map((k, i) => `${cols[k]} = ${cols[width + rightKeys[i]!]}`);
    return t.add(
      {
        kind: 'temporalJoin',
        joinType: n.joinType,
        leftKeys,
        rightKeys,
        ...(rest ? { condition: rest } : {}),
        leftTime: n.leftTime,
        rightTime: n.rightTime,
        leftWidth: width,
        rightWidth: n.right.schema.length,
      },
      `TemporalJoin(joinType=[${n.joinType}], keys=[${keyText.join(', ')}], asOf=[${cols[n.leftTime]}], version=[${cols[width + n.rightTime]}]${rest ? `, where=[${rexToString(rest, cols)}]` : ''})`,
      `temporalJoin|${t.sinkName}|${n.joinType}|${describeFields(n.left.schema, leftKeys)}|${describeFields(n.right.schema, rightKeys)}|${tablesOf(n.left)}|${n.table.name}`,
      [
        { source: left, partitioning: { kind: 'hash', keys: leftKeys } },
        { source: right, partitioning: { kind: 'hash', keys: rightKeys } },
      ],
      n,
      true,
    );
  }
  // The analyzer made sure there is at least one lookup key.
  const { leftKeys, rightKeys, rest } = lookupKeys(n.condition, width);
  const keyText = leftKeys.map((k, i) => `${rexToString(k, cols)} = ${cols[width + rightKeys[i]!]}`);
  return t.add(
    {
      kind: 'lookupJoin',
      joinType: n.joinType,
      table: n.table,
      leftKeys,
      rightKeys,
      ...(rest ? { condition: rest } : {}),
      leftWidth: width,
      rightWidth: n.right.schema.length,
    },
    `LookupJoin(table=[${n.table.name}], joinType=[${n.joinType}], lookup=[${keyText.join(', ')}]${rest ? `, where=[${rexToString(rest, cols)}]` : ''})`,
    `lookupJoin|${t.sinkName}|${n.joinType}|${n.table.name}|${describeFields(n.right.schema, rightKeys)}`,
    [{ source: left, partitioning: FORWARD }],
    n,
    false,
  );
}
