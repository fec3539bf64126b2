// Incremental checkpoints: 1M keys, then 1% of them updated; bytes and time of a full vs an incremental snapshot.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCheckpointStorage } from '../runtime/checkpoint/memory-storage';
import type { KeyedStateBackend, StateFileWriter } from '../runtime/state/backend';
import { StateKeyRefs } from '../runtime/state/key-refs';
import { HeapKeyedStateBackend } from '../runtime/state/heap-backend';
import { encodeKeyGroups } from '../runtime/state/snapshot-format';
import { keyGroupOf } from '../runtime/key-groups';
import { RocksDBKeyedStateBackend } from '../runtime/node/state/rocksdb-backend';
import { record } from './results';

const KEYS = Number(process.env.WEIR_BENCH_KEYS ?? 1_000_000);
const CHANGED = Math.round(KEYS / 100);
const RANGE = { start: 0, end: 127 };

/** One snapshot: bytes written and milliseconds for the synchronous and asynchronous parts. */
interface Taken {
  bytes: number;
  files: number;
  syncMs: number;
  asyncMs: number;
}

async function take(b: KeyedStateBackend, id: number): Promise<Taken> {
  const storage = new MemoryCheckpointStorage(4 * 1024 ** 3);
  let bytes = 0;
  let files = 0;
  const writer: StateFileWriter = async (name, data, shared) => {
    bytes += data.length;
    files++;
    return storage.writeState({ name: 'bench', id: 'run' }, id, name, data, shared);
  };
  const t0 = performance.now();
  const s = b.snapshot(id);
  const t1 = performance.now();
  if (s.format === 'native') await s.write(writer);
  else await writer(`s-${id}`, await encodeKeyGroups(s.keyGroups()), true);
  s.release();
  const t2 = performance.now();
  b.notifyCheckpointComplete?.(id);
  return { bytes, files, syncMs: t1 - t0, asyncMs: t2 - t1 };
}

/** Writes `count` keys starting at `from` (value: [key, round]), loading them first as an operator's task would. */
async function write(b: KeyedStateBackend, from: number, count: number, step: number, round: number) {
  const t = b.table<[number, number]>('counts');
  const refs = new StateKeyRefs();
  for (let i = 0; i < count; i += 1024) {
    refs.clear();
    for (let j = i; j < Math.min(count, i + 1024); j++) {
      const k = from + j * step;
      refs.add(keyGroupOf(k, 128), k);
    }
    await b.prefetch?.(refs);
    for (let j = 0; j < refs.length; j++)
      t.put(refs.keyGroups[j]!, refs.keys[j]!, [refs.keys[j] as number, round]);
  }
}

async function run(kind: 'hashmap' | 'rocksdb'): Promise<[Taken, Taken]> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-incremental-'));
  const b: KeyedStateBackend =
    kind === 'rocksdb'
      ? new RocksDBKeyedStateBackend({
          range: RANGE,
          dir,
          name: 'bench-0',
          incremental: true,
          cacheEntries: 131072,
          writeBufferSize: 64 * 1024 * 1024,
        })
      : new HeapKeyedStateBackend(RANGE, true);
  try {
    await write(b, 0, KEYS, 1, 1);
    const full = await take(b, 1);
    // 1% of the keys, spread over the whole key space.
    await write(b, 0, CHANGED, 100, 2);
    const incremental = await take(b, 2);
    return [full, incremental];
  } finally {
    await b.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function incrementalBench(): Promise<void> {
  console.log(`${KEYS.toLocaleString('en-US')} keys, then ${CHANGED.toLocaleString('en-US')} (1%) updated`);
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2).padStart(8)} MiB`;
  for (const kind of ['rocksdb', 'hashmap'] as const) {
    const [full, inc] = await run(kind);
    const line = (label: string, t: Taken) =>
      console.log(
        `${kind.padEnd(8)} ${label} ${mib(t.bytes)} in ${String(t.files).padStart(3)} files, sync ${t.syncMs.toFixed(1).padStart(6)} ms, async ${t.asyncMs.toFixed(0).padStart(5)} ms`,
      );
    line('full       ', full);
    line('incremental', inc);
    console.log(
      `${kind.padEnd(8)} incremental / full = ${((inc.bytes / full.bytes) * 100).toFixed(2)}% of the bytes  (target <= 10%)`,
    );
    for (const [label, t] of [
      ['full', full],
      ['incremental', inc],
    ] as const)
      record({
        workload: `${label} snapshot, ${KEYS} keys${label === 'incremental' ? ', 1% changed' : ''}`,
        engine: `weir ${kind === 'hashmap' ? 'heap' : kind}`,
        ckptP50Ms: t.syncMs + t.asyncMs,
        ckptBytes: t.bytes,
        note: `${t.files} files; sync ${t.syncMs.toFixed(1)} ms${label === 'incremental' ? `; ${((inc.bytes / full.bytes) * 100).toFixed(2)}% of full (target <= 10%)` : ''}`,
      });
  }
}
