// Stable operator uids: derived from what an operator is (its table, kind, keys, aggregates), not where it sits.
import { type AggCall, type LogicalNode, inputsOf } from '../logical/plan';
import { typeToString, type Field } from '../types';

/** FNV-1a over the string, twice with different seeds: 16 hex digits. */
export function stableHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
    b ^= b >>> 15;
  }
  return a.toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/**
 * Hands out uids `<kind>-<hash of descriptor>`; an identical descriptor seen again within the job
 * gets `#2`, `#3`… appended before hashing, in graph order.
 */
export class UidAssigner {
  private readonly seen = new Map<string, number>();

  uid(kind: string, descriptor: string): string {
    const n = (this.seen.get(descriptor) ?? 0) + 1;
    this.seen.set(descriptor, n);
    return `${kind}-${stableHash(n === 1 ? descriptor : `${descriptor}#${n}`)}`;
  }
}

/** Keys as `name TYPE` (names of computed columns are positional and so left out). */
export function describeFields(schema: readonly Field[], keys: readonly number[]): string {
  return keys
    .map((k) => `${schema[k]!.name.startsWith('$f') ? '' : schema[k]!.name} ${typeToString(schema[k]!.type)}`)
    .join(',');
}

export function describeAggs(aggs: readonly AggCall[], schema: readonly Field[]): string {
  return aggs
    .map(
      (a) =>
        `${a.fn}${a.distinct ? ' DISTINCT' : ''}(${a.args.map((i) => typeToString(schema[i]!.type)).join(',')})${a.filterArg !== undefined ? 'F' : ''}`,
    )
    .join(',');
}

/** The tables a subtree reads, sorted: part of a join's identity. */
export function tablesOf(n: LogicalNode): string {
  const out = new Set<string>();
  const walk = (x: LogicalNode): void => {
    if (x.kind === 'scan') out.add(x.table.name);
    for (const i of inputsOf(x)) walk(i);
  };
  walk(n);
  return [...out].sort().join('+');
}
