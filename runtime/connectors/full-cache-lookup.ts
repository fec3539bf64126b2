// A lookup table read completely into memory from a bounded source (Flink's full caching of a lookup source).
import type { Row } from '../messages';
import { type StateKey, keySelector } from '../key-groups';
import type { ConnectorContext, LookupTable, SourceReader } from './connector';

/**
 * Reads every row of the table once, at open (as one split of one, so every subtask sees all rows), and
 * answers lookups from a map by key. The table MUST be bounded and append-only.
 * @example new FullCacheLookup(() => new FilesystemReader(table, schema), [0])
 */
export class FullCacheLookup implements LookupTable {
  private readonly rows = new Map<StateKey, Row[]>();
  private readonly select: (row: Row) => StateKey;
  private readonly nullKey: (row: Row) => boolean;

  constructor(
    private readonly reader: () => SourceReader,
    keys: readonly number[],
  ) {
    this.select = keySelector(keys);
    this.nullKey = (row) => keys.some((k) => row[k] === null || row[k] === undefined);
  }

  async open(ctx: ConnectorContext): Promise<void> {
    const reader = this.reader();
    await reader.open({ ...ctx, subtaskIndex: 0, parallelism: 1 }, undefined, []);
    try {
      for (;;) {
        const r = reader.poll(ctx.batchSize);
        if (r === 'end') break;
        if (r === 'idle') throw new Error('a table read into memory for lookups must be bounded');
        const rows = Array.isArray(r) ? r : r.rows;
        for (const row of rows) {
          if (this.nullKey(row)) continue; // NULL equals nothing
          const key = this.select(row);
          const list = this.rows.get(key);
          if (list) list.push(row);
          else this.rows.set(key, [row]);
        }
      }
    } finally {
      await reader.close?.();
    }
  }

  get(key: StateKey): readonly Row[] | undefined {
    return this.rows.get(key);
  }
}
