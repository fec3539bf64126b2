// Pending window ends: which keys have a window ending when, smallest end first (timers of window operators).
import type { StateKey } from '../key-groups';
import type { StateKeyRefs } from '../state/key-refs';

/**
 * Pending window ends → the keys with a window ending there (and their key groups), smallest end first.
 * Not state: rebuilt from the keyed state in `open`. An end whose keys all left stays until it is popped.
 */
export class PendingEnds {
  private readonly heap: number[] = [];
  private readonly byEnd = new Map<number, Map<StateKey, number>>();

  add(end: number, key: StateKey, keyGroup: number): void {
    let keys = this.byEnd.get(end);
    if (keys === undefined) {
      keys = new Map();
      this.byEnd.set(end, keys);
      this.push(end);
    }
    keys.set(key, keyGroup);
  }

  remove(end: number, key: StateKey): void {
    this.byEnd.get(end)?.delete(key);
  }

  /** Adds every key with a pending end ≤ `limit`. */
  keysUpTo(limit: number, into: StateKeyRefs): void {
    for (const [end, keys] of this.byEnd) if (end <= limit) for (const [k, kg] of keys) into.add(kg, k);
  }

  /** The smallest pending end, if any. */
  peek(): number | undefined {
    return this.heap[0];
  }

  /** Removes the smallest end and returns its keys. */
  pop(): [end: number, keys: Map<StateKey, number>] {
    const h = this.heap;
    const end = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]! < h[m]!) m = l;
        if (r < h.length && h[r]! < h[m]!) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    const keys = this.byEnd.get(end)!;
    this.byEnd.delete(end);
    return [end, keys];
  }

  private push(end: number): void {
    const h = this.heap;
    h.push(end);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (h[p]! <= h[i]!) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
}
