// The `datagen` source: per column a sequence or seeded random values; rows-per-second paced on the clock.
import { SequenceSplit } from './sequence-split';
import type { TableDef } from '../../compiler/catalog';
import type { Field, SqlType } from '../../compiler/types';
import type { Row } from '../messages';
import type { ConnectorContext, SourceReader } from './connector';

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

interface ColumnGen {
  (row: number): unknown;
}

function columnGen(
  f: Field,
  index: number,
  o: Readonly<Record<string, string>>,
  seed: number,
): { gen: ColumnGen; end?: number } {
  const opt = (k: string) => o[`fields.${f.name}.${k}`];
  const t: SqlType = f.type;
  const nullRate = Number(opt('null-rate') ?? 0);
  const wrap = (g: ColumnGen): ColumnGen =>
    nullRate > 0 ? (r) => (mix(seed + 7919 * index, r * 31 + 1) < nullRate ? null : g(r)) : g;
  if (opt('kind') === 'sequence') {
    const start = Number(opt('start') ?? 0);
    const end = opt('end') !== undefined ? Number(opt('end')) : undefined;
    return { gen: wrap((r) => start + r), ...(end !== undefined ? { end: end - start + 1 } : {}) };
  }
  const rnd = (r: number) => mix(seed + 104729 * (index + 1), r);
  switch (t.kind) {
    case 'BOOLEAN':
      return { gen: wrap((r) => rnd(r) < 0.5) };
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT': {
      const min = Number(opt('min') ?? 0);
      const max = Number(
        opt('max') ?? (t.kind === 'TINYINT' ? 127 : t.kind === 'SMALLINT' ? 32767 : 2147483647),
      );
      return { gen: wrap((r) => min + Math.floor(rnd(r) * (max - min + 1))) };
    }
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL': {
      const min = Number(opt('min') ?? 0);
      const max = Number(opt('max') ?? 1000);
      return { gen: wrap((r) => min + rnd(r) * (max - min)) };
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const maxPast = Number(opt('max-past') ?? 0);
      return { gen: wrap((r) => 1_700_000_000_000 + r * 1 - Math.floor(rnd(r) * maxPast)) };
    }
    default: {
      const len = Number(opt('length') ?? 10);
      const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
      return {
        gen: wrap((r) => {
          let s = '';
          for (let i = 0; i < len; i++)
            s += alphabet[Math.floor(mix(seed + index * 131 + i, r) * alphabet.length)];
          return s;
        }),
      };
    }
  }
}

export class DatagenReader implements SourceReader {
  private readonly gens: ColumnGen[];
  private readonly total: number;
  private readonly rate: number;
  private splits = 1;
  private seq!: SequenceSplit;
  private startTime = 0;
  private ctx!: ConnectorContext;

  constructor(table: TableDef) {
    const o = table.options;
    const seed = Number(o['seed'] ?? 0);
    const physical = table.physical.map((i) => table.columns[i]!);
    const cols = physical.map((f, i) => columnGen(f, i, o, seed));
    this.gens = cols.map((c) => c.gen);
    const ends = cols.flatMap((c) => (c.end !== undefined ? [c.end] : []));
    const rows = o['number-of-rows'] !== undefined ? Number(o['number-of-rows']) : Infinity;
    this.total = Math.min(rows, ...ends);
    this.rate = Number(o['rows-per-second'] ?? 10000);
  }

  open(ctx: ConnectorContext, restored: unknown, all: readonly unknown[] = []): void {
    this.ctx = ctx;
    this.splits = ctx.parallelism;
    this.seq = new SequenceSplit(ctx.subtaskIndex, ctx.parallelism, this.total, 'datagen source');
    this.seq.restore(restored, all);
    this.startTime = ctx.clock.now();
  }

  poll(max: number): Row[] | 'idle' | 'end' {
    let n = Math.min(max, this.seq.remaining());
    if (n <= 0) return 'end';
    if (this.rate > 0) {
      // Pace on the clock: this split may have produced rate/splits rows per second since it started.
      const allowed =
        Math.floor(((this.ctx.clock.now() - this.startTime) / 1000) * (this.rate / this.splits)) + 1;
      n = Math.min(n, allowed - this.emittedSinceStart);
      if (n <= 0) return 'idle';
    }
    const t = this.seq.take(n);
    const rows = Array.isArray(t) ? t : Array.from({ length: t.count }, (_, i) => t.first + i * t.stride);
    this.emittedSinceStart += n;
    return rows.map((r) => this.gens.map((g) => g(r)));
  }

  private emittedSinceStart = 0;

  offset(): unknown {
    return this.seq.offset();
  }
}
