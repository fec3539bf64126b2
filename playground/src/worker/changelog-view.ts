// A changelog applied to a table: a multiset of rows (+I/+U add a row, -U/-D remove one), with counts per kind.
import { RowKind, type RecordBatch, type Row } from '../../../runtime/messages';

export type KindCounts = { '+I': number; '-U': number; '+U': number; '-D': number };

/**
 * The materialized result of a changelog. Rows are keyed by their JSON text; a row present twice is a
 * duplicate (what an at-least-once restart shows). MUST stay cheap per row: it sits in the sink's hot path.
 */
export class ChangelogView {
  readonly rows = new Map<string, { row: Row; n: number }>();
  counts: KindCounts = { '+I': 0, '-U': 0, '+U': 0, '-D': 0 };
  missingRetractions = 0;
  /** Rows present, duplicates counted. */
  size = 0;

  apply(batch: RecordBatch): void {
    const { rows, kinds } = batch;
    for (let i = 0; i < rows.length; i++) {
      const kind = kinds ? kinds[i]! : RowKind.Insert;
      const row = rows[i]!;
      const key = JSON.stringify(row);
      const e = this.rows.get(key);
      if (kind === RowKind.Insert || kind === RowKind.UpdateAfter) {
        if (kind === RowKind.Insert) this.counts['+I']++;
        else this.counts['+U']++;
        if (e) e.n++;
        else this.rows.set(key, { row, n: 1 });
        this.size++;
      } else {
        if (kind === RowKind.UpdateBefore) this.counts['-U']++;
        else this.counts['-D']++;
        if (!e) {
          this.missingRetractions++;
          continue;
        }
        this.size--;
        if (--e.n === 0) this.rows.delete(key);
      }
    }
  }

  /** The view as JSON-able data (stored in checkpoints by the exactly-once results sink). */
  snapshot(): { rows: [string, number][]; counts: KindCounts; missing: number } {
    return {
      rows: [...this.rows].map(([k, e]) => [k, e.n]),
      counts: { ...this.counts },
      missing: this.missingRetractions,
    };
  }

  restore(s: ReturnType<ChangelogView['snapshot']> | undefined): void {
    this.rows.clear();
    this.size = 0;
    this.counts = s ? { ...s.counts } : { '+I': 0, '-U': 0, '+U': 0, '-D': 0 };
    this.missingRetractions = s?.missing ?? 0;
    for (const [k, n] of s?.rows ?? []) {
      this.rows.set(k, { row: JSON.parse(k) as Row, n });
      this.size += n;
    }
  }
}

/** Rows by how many times each views holds them: `extra` more in `a` than in `b`, `missing` fewer. */
export function compareViews(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
): { extra: number; missing: number } {
  let extra = 0;
  let missing = 0;
  for (const [k, n] of a) {
    const m = b.get(k) ?? 0;
    if (n > m) extra += n - m;
    else missing += m - n;
  }
  for (const [k, m] of b) if (!a.has(k)) missing += m;
  return { extra, missing };
}
