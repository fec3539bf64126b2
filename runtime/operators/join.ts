// Regular (unbounded) join: INNER, LEFT, RIGHT, FULL, with retractions; both sides kept in keyed state.
import { compilePredicate } from '../../compiler/codegen/compile-rex';
import type { JoinType } from '../../compiler/logical/plan';
import type { Rex } from '../../compiler/rex';
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import { BatchBuilder, type RecordBatch, type Row, RowKind, isAccumulate } from '../messages';
import type { OperatorContext, Output, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';
import { sweepExpired } from '../state/ttl';
import {
  type SideEntries,
  type SideRows,
  appendRow,
  asMultiset,
  cloneSide,
  emptyRows,
  isFlat,
  listedRows,
  sizeOf,
} from './side-rows';

export class JoinOperator implements StreamOperator {
  private tables!: [KeyedTable<SideRows>, KeyedTable<SideRows>];
  private readonly selectors: [(r: Row) => StateKey, (r: Row) => StateKey];
  /** Whether a row has a NULL join key: it matches nothing (NULL = NULL is not true), though it is kept. */
  private readonly nullKey: [(r: Row) => boolean, (r: Row) => boolean];
  private readonly condition: ((row: Row) => boolean) | undefined;
  /** Whether unmatched rows of side 0 (left) / side 1 (right) are emitted padded with NULLs. */
  private readonly preserve: [boolean, boolean];
  private maxParallelism = 128;
  /** `table.exec.state.ttl` in ms (0: never): a side's rows under a key expire this long after their last change. */
  private ttl = 0;
  private sweep = 0;
  /** Per side: whether its input is insert-only (its rows are kept as a list, without identities). */
  private appendOnly: [boolean, boolean] = [false, false];
  private ctx!: OperatorContext;

  constructor(
    joinType: JoinType,
    leftKeys: readonly number[],
    rightKeys: readonly number[],
    condition: Rex | undefined,
    private readonly leftWidth: number,
    private readonly rightWidth: number,
  ) {
    this.selectors = [keySelector(leftKeys), keySelector(rightKeys)];
    const hasNull = (keys: readonly number[]) => (r: Row) =>
      keys.some((k) => r[k] === null || r[k] === undefined);
    this.nullKey = [hasNull(leftKeys), hasNull(rightKeys)];
    this.condition = condition ? compilePredicate(condition) : undefined;
    this.preserve = [joinType === 'LEFT' || joinType === 'FULL', joinType === 'RIGHT' || joinType === 'FULL'];
  }

  open(ctx: OperatorContext): void {
    this.tables = [ctx.state!.table<SideRows>('left'), ctx.state!.table<SideRows>('right')];
    this.maxParallelism = ctx.maxParallelism;
    this.ttl = ctx.stateTtl;
    this.appendOnly = [!(ctx.inputUpdating[0] ?? true), !(ctx.inputUpdating[1] ?? true)];
    this.ctx = ctx;
  }

  private joined(side: number, row: Row, other: Row | null): Row {
    const l = side === 0 ? row : other;
    const r = side === 0 ? other : row;
    const out: Row = l ? l.slice() : new Array(this.leftWidth).fill(null);
    if (r) for (const v of r) out.push(v);
    else for (let i = 0; i < this.rightWidth; i++) out.push(null);
    return out;
  }

  /** `joined(side, row, o)` for the other side's row `o` kept flat at `entries[i … i+w-1]`. */
  private joinedFlat(side: number, row: Row, entries: unknown[], i: number, w: number): Row {
    if (side === 0) {
      const out: Row = row.slice();
      for (let j = 0; j < w; j++) out.push(entries[i + j]);
      return out;
    }
    const out: Row = entries.slice(i, i + w);
    for (const v of row) out.push(v);
    return out;
  }

  /** Whether `row` (on `side`) and `other` satisfy the non-equi part of the condition. */
  private matches(side: number, row: Row, other: Row): boolean {
    return this.condition === undefined || this.condition(this.joined(side, row, other));
  }

  /** Rows of `rows` matching `row`, with multiplicities. */
  private matchCount(side: number, row: Row, others: SideRows | undefined): number {
    if (!others) return 0;
    const entries = others[0];
    let n = 0;
    if (Array.isArray(entries)) {
      for (const o of listedRows(entries)) if (this.matches(side, row, o)) n++;
    } else for (const [o, c] of entries.values()) if (this.matches(side, row, o)) n += c;
    return n;
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    if (call.kind === 'batch')
      addRowKeys(call.batch.rows, this.selectors[call.input]!, this.maxParallelism, into);
  }

  processBatch(input: number, batch: RecordBatch, out: Output): void {
    const side = input;
    const other = 1 - side;
    const b = new BatchBuilder();
    const now = this.ttl > 0 ? this.ctx.clock.now() : 0;
    const mine = this.tables[side];
    const theirs = this.tables[other];
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!;
      const add = batch.kinds === undefined || isAccumulate(batch.kinds[i]!);
      const key = this.selectors[side](row);
      const kg = keyGroupOf(key, this.maxParallelism);
      let others = this.nullKey[side](row) ? undefined : theirs.get(kg, key);
      if (others !== undefined && this.expired(others, now)) {
        theirs.delete(kg, key);
        others = undefined;
      }
      // 1. This side's state.
      let rows = mine.getMutable(kg, key, cloneSide);
      if (rows !== undefined && this.expired(rows, now)) {
        mine.delete(kg, key);
        rows = undefined;
      }
      if (add) {
        if (!rows) {
          const entries: SideEntries = this.appendOnly[side]
            ? emptyRows(side === 0 ? this.leftWidth : this.rightWidth)
            : new Map();
          rows = this.ttl > 0 ? [entries, now] : [entries];
          mine.put(kg, key, rows);
        }
        const entries = rows[0];
        if (Array.isArray(entries)) appendRow(rows, row);
        else {
          const id = JSON.stringify(row);
          const e = entries.get(id);
          entries.set(id, e ? [e[0], e[1] + 1] : [row, 1]);
        }
      } else {
        if (!rows) continue; // retracting what was never added: nothing joined it
        const entries = asMultiset(rows);
        const id = JSON.stringify(row);
        const e = entries.get(id);
        if (!e) continue;
        if (e[1] <= 1) {
          entries.delete(id);
          if (entries.size === 0) mine.delete(kg, key);
        } else entries.set(id, [e[0], e[1] - 1]);
      }
      if (this.ttl > 0 && rows !== undefined && sizeOf(rows[0]) > 0) rows[1] = now;
      // 2. Joined output for this row.
      let matched = 0;
      if (others) {
        const entries = others[0];
        if (isFlat(entries) && this.condition === undefined && !this.preserve[other]) {
          // Every stored row matches and no padded row changes: join straight from the flat fields.
          const flat = entries as unknown[];
          const w = flat[0] as number;
          const kind = add ? RowKind.Insert : RowKind.Delete;
          for (let i = 1; i < flat.length; i += w) b.add(this.joinedFlat(side, row, flat, i, w), kind);
          matched += (flat.length - 1) / w;
        } else if (Array.isArray(entries)) {
          for (const o of listedRows(entries)) matched += this.joinWith(side, row, add, o, 1, rows, b);
        } else for (const [o, c] of entries.values()) matched += this.joinWith(side, row, add, o, c, rows, b);
      }
      if (matched === 0 && this.preserve[side])
        b.add(this.joined(side, row, null), add ? RowKind.Insert : RowKind.Delete);
    }
    out.emit(b.take());
  }

  /**
   * Emits `row` (on `side`) joined with `o` (`c` times) if they match, with the other side's padded rows
   * that stop or start being unmatched in an outer join. Returns the matches (0 or `c`).
   */
  private joinWith(
    side: number,
    row: Row,
    add: boolean,
    o: Row,
    c: number,
    rows: SideRows | undefined,
    b: BatchBuilder,
  ): number {
    if (!this.matches(side, row, o)) return 0;
    const other = 1 - side;
    // 3. The other side's rows that were unmatched (padded) or become unmatched.
    if (this.preserve[other]) {
      const otherMatches = this.matchCount(other, o, rows && sizeOf(rows[0]) ? rows : undefined);
      const wasUnmatched = add ? otherMatches === 1 : false;
      const becomesUnmatched = !add && otherMatches === 0;
      if (wasUnmatched) for (let k = 0; k < c; k++) b.add(this.joined(other, o, null), RowKind.Delete);
      for (let k = 0; k < c; k++) b.add(this.joined(side, row, o), add ? RowKind.Insert : RowKind.Delete);
      if (becomesUnmatched) for (let k = 0; k < c; k++) b.add(this.joined(other, o, null), RowKind.Insert);
    } else {
      for (let k = 0; k < c; k++) b.add(this.joined(side, row, o), add ? RowKind.Insert : RowKind.Delete);
    }
    return c;
  }

  processWatermark(): void {}

  private expired(rows: SideRows, now: number): boolean {
    return this.ttl > 0 && rows[1] !== undefined && now - rows[1] > this.ttl;
  }

  /** State TTL: a background sweep over both sides. */
  processProcessingTime(now: number): void {
    if (this.ttl <= 0) return;
    this.sweep = sweepExpired(this.tables, this.ctx.keyGroupRange, this.sweep, (rows) =>
      this.expired(rows, now),
    );
  }
}
