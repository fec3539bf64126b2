// Stable operator uids: derived from what an operator is (its table, kind, keys, aggregates), not where it sits.

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
