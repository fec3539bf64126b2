// entryBatches over a real rocksdb-native iterator: every entry once and in order, an early stop closes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import RocksDB from 'rocksdb-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryBatches } from '../../runtime/node/state/rocksdb-scan';

const dir = mkdtempSync(join(tmpdir(), 'weir-scan-'));
const db = new RocksDB(join(dir, 'db'));
const N = 5000;
const key = (i: number) => Buffer.from(`k${String(i).padStart(6, '0')}`);

beforeAll(async () => {
  await db.ready();
  const w = db.write({ capacity: N });
  for (let i = 0; i < N; i++) w.tryPut(key(i), Buffer.from(String(i)));
  await w.flush();
  w.destroy();
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('entryBatches', () => {
  it('yields every entry once, in key order, over many native reads', async () => {
    const seen: string[] = [];
    let batches = 0;
    for await (const batch of entryBatches(db.iterator({ capacity: 64 }))) {
      batches++;
      for (const e of batch) seen.push(`${e.key.toString()}=${e.value.toString()}`);
    }
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => `${key(i).toString()}=${i}`));
    expect(batches).toBeGreaterThan(N / 64 / 2);
  });

  it('ends at once on an empty range', async () => {
    const it = entryBatches(db.iterator({ gte: Buffer.from('x'), lt: Buffer.from('y') }));
    expect((await it.next()).done).toBe(true);
  });

  it('closes the iterator when the loop stops early, so the database still closes', async () => {
    const other = new RocksDB(join(dir, 'other'));
    await other.ready();
    const w = other.write({ capacity: N });
    for (let i = 0; i < N; i++) w.tryPut(key(i), Buffer.from('v'));
    await w.flush();
    w.destroy();
    let n = 0;
    for await (const batch of entryBatches(other.iterator({ capacity: 16 }))) {
      n += batch.length;
      if (n >= 32) break;
    }
    expect(n).toBeGreaterThanOrEqual(32);
    await expect(other.close()).resolves.toBeUndefined();
  });
});
