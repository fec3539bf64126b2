// Savepoints: 1M keys in one keyed operator on hashmap and rocksdb; time to write one, to restore it on either backend, its size.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckpointMetadata, METADATA_FORMAT_VERSION } from '../runtime/checkpoint/metadata';
import { keyGroupOf } from '../runtime/key-groups';
import { formatBytes, formatDuration, renderTable } from '../runtime/node/format';
import { FsCheckpointStorage } from '../runtime/node/fs-storage';
import { RocksDBKeyedStateBackend } from '../runtime/node/state/rocksdb-backend';
import type { KeyedStateBackend } from '../runtime/state/backend';
import { HeapKeyedStateBackend } from '../runtime/state/heap-backend';
import { StateKeyRefs } from '../runtime/state/key-refs';
import { decodeKeyGroups, encodeKeyGroups } from '../runtime/state/snapshot-format';
import { WEIR_VERSION } from '../runtime/version';
import { record } from './results';

const KEYS = Number(process.env.WEIR_BENCH_SAVEPOINT_KEYS ?? 1_000_000);
const MAX_PARALLELISM = 128;
const RANGE = { start: 0, end: MAX_PARALLELISM - 1 };
const TABLE = 'groups';
const UID = 'groupAggregate-bench';
const SAMPLE = 10_000;

type Kind = 'hashmap' | 'rocksdb';
/** A group aggregate's accumulator, as the GROUP BY operator keeps it: count, a column, [sum, n]. */
type Value = [number, number, [number, number]];

const value = (k: number): Value => [1 + (k % 7), k % 1000, [k * 31, 1 + (k % 7)]];

function backend(kind: Kind, dir: string, name: string): KeyedStateBackend {
  return kind === 'rocksdb'
    ? new RocksDBKeyedStateBackend({
        range: RANGE,
        dir: join(dir, name),
        name,
        incremental: false,
        cacheEntries: 131072,
        writeBufferSize: 64 * 1024 * 1024,
      })
    : new HeapKeyedStateBackend(RANGE, false);
}

/** Keys 0..n-1 through `prefetch` and `put`, 1,024 per batch, as an operator's task writes them. */
async function fill(b: KeyedStateBackend, n: number): Promise<void> {
  const t = b.table<Value>(TABLE);
  const refs = new StateKeyRefs();
  for (let i = 0; i < n; i += 1024) {
    refs.clear();
    for (let k = i; k < Math.min(n, i + 1024); k++) refs.add(keyGroupOf(k, MAX_PARALLELISM), k);
    await b.prefetch?.(refs);
    for (let j = 0; j < refs.length; j++)
      t.put(refs.keyGroups[j]!, refs.keys[j]!, value(refs.keys[j] as number));
  }
  // rocksdb: what the cache still holds reaches RocksDB (a scan writes pending changes first), so the
  // savepoint below is timed on a settled database, as after a barrier.
  for await (const _ of t.scan(0)) break;
}

interface Written {
  readonly location: string;
  readonly bytes: number;
  /** The synchronous part (`snapshot()`), encoding (reading the state included), writing (fsync, CRC-32). */
  readonly syncMs: number;
  readonly encodeMs: number;
  readonly writeMs: number;
}

/** A savepoint of `b` into its own folder under `root`, `_metadata` included (so `weir savepoint inspect` reads it). */
async function writeSavepoint(b: KeyedStateBackend, root: string, n: number): Promise<Written> {
  const storage = new FsCheckpointStorage(root);
  const target = storage.savepoint(root, `bench-${b.kind}`, 1);
  const t0 = performance.now();
  const s = b.snapshot(1, true, true);
  const t1 = performance.now();
  if (s.format !== 'canonical') throw new Error(`${b.kind}: a savepoint must be canonical`);
  const data = await encodeKeyGroups(s.keyGroups());
  s.release();
  const t2 = performance.now();
  const keyed = await target.writeState(`${UID}-0.state`, data);
  const t3 = performance.now();
  const now = Date.now();
  const metadata: CheckpointMetadata = {
    formatVersion: METADATA_FORMAT_VERSION,
    jobName: `bench-${b.kind}`,
    checkpointId: 1,
    kind: 'savepoint',
    weirVersion: WEIR_VERSION,
    snapshotType: 'full',
    mode: 'EXACTLY_ONCE',
    backend: b.kind,
    maxParallelism: MAX_PARALLELISM,
    triggerTime: now - Math.round(t3 - t0),
    completionTime: now,
    durationMs: Math.round(t3 - t0),
    sourceOffsets: {},
    operators: [
      {
        uid: UID,
        name: `GroupAggregate(bench, ${n} keys)`,
        kind: 'groupAggregate',
        parallelism: 1,
        subtasks: [{ subtask: 0, keyGroupRange: RANGE, keyed }],
      },
    ],
    stateSize: keyed.size,
  };
  await target.commit(metadata);
  return {
    location: target.location,
    bytes: keyed.size,
    syncMs: t1 - t0,
    encodeMs: t2 - t1,
    writeMs: t3 - t2,
  };
}

interface Restored {
  /** Reading `_metadata` and the file, size and CRC-32 verified. */
  readonly readMs: number;
  readonly decodeMs: number;
  /** `backend.restore(groups)` (rocksdb: written into RocksDB). */
  readonly loadMs: number;
}

/** Restores the savepoint at `location` into a fresh `kind` backend and checks every entry and a sample of reads. */
async function restore(kind: Kind, location: string, dir: string, n: number): Promise<Restored> {
  const storage = new FsCheckpointStorage(dir);
  const b = backend(kind, dir, `restore-${kind}`);
  try {
    const t0 = performance.now();
    const m = await storage.readMetadata(location);
    const handle = m.operators[0]!.subtasks[0]!.keyed!;
    const data = await storage.readState(location, handle);
    const t1 = performance.now();
    const groups = decodeKeyGroups(data, handle.path);
    const t2 = performance.now();
    await b.restore(groups);
    const t3 = performance.now();
    await verify(b, n);
    return { readMs: t1 - t0, decodeMs: t2 - t1, loadMs: t3 - t2 };
  } finally {
    await b.dispose();
  }
}

const same = (a: Value | undefined, k: number): boolean => {
  const e = value(k);
  return a !== undefined && a[0] === e[0] && a[1] === e[1] && a[2][0] === e[2][0] && a[2][1] === e[2][1];
};

/** Every key group scanned (count and values), then SAMPLE keys read as an operator reads them (prefetch, get). */
async function verify(b: KeyedStateBackend, n: number): Promise<void> {
  const t = b.table<Value>(TABLE);
  let seen = 0;
  for (let kg = RANGE.start; kg <= RANGE.end; kg++)
    for await (const [k, v] of t.scan(kg)) {
      if (!same(v, k as number))
        throw new Error(`${b.kind}: key ${String(k)} restored as ${JSON.stringify(v)}`);
      seen++;
    }
  if (seen !== n) throw new Error(`${b.kind}: ${seen} keys restored, expected ${n}`);
  const refs = new StateKeyRefs();
  const step = Math.max(1, Math.floor(n / SAMPLE));
  for (let k = 0; k < n; k += step) refs.add(keyGroupOf(k, MAX_PARALLELISM), k);
  await b.prefetch?.(refs);
  for (let j = 0; j < refs.length; j++)
    if (!same(t.get(refs.keyGroups[j]!, refs.keys[j]!), refs.keys[j] as number))
      throw new Error(`${b.kind}: key ${String(refs.keys[j])} reads back wrong after the restore`);
}

interface Row {
  readonly from: Kind;
  readonly written: Written;
  readonly restored: Record<Kind, Restored>;
}

async function round(n: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const from of ['hashmap', 'rocksdb'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'weir-bench-savepoint-'));
    try {
      const b = backend(from, dir, `source-${from}`);
      let written: Written;
      try {
        await fill(b, n);
        written = await writeSavepoint(b, join(dir, 'savepoints'), n);
      } finally {
        await b.dispose();
      }
      const restored = {} as Record<Kind, Restored>;
      for (const into of ['hashmap', 'rocksdb'] as const)
        restored[into] = await restore(into, written.location, dir, n);
      rows.push({ from, written, restored });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

export async function savepointBench(): Promise<void> {
  // A small round first, so that neither backend's figures pay for the JIT warming up.
  await round(Math.min(KEYS, 50_000));
  const rows = await round(KEYS);
  const total = (r: Restored) => r.readMs + r.decodeMs + r.loadMs;
  const ms = (x: number) => formatDuration(x);
  console.log(
    `${KEYS.toLocaleString('en-US')} keys in one keyed operator (key groups 0-127), one canonical file; restores verified (every entry, ${SAMPLE.toLocaleString('en-US')} reads)`,
  );
  const table = renderTable(
    ['taken on', 'write savepoint', 'size', 'restore → hashmap', 'restore → rocksdb'],
    rows.map((r) => [
      r.from,
      ms(r.written.syncMs + r.written.encodeMs + r.written.writeMs),
      formatBytes(r.written.bytes),
      ms(total(r.restored.hashmap)),
      ms(total(r.restored.rocksdb)),
    ]),
  );
  // renderTable's last line counts rows, as for a query result: not wanted here.
  console.log(table.split('\n').slice(0, -1).join('\n'));
  for (const r of rows)
    record({
      workload: `savepoint, ${KEYS} keys`,
      engine: `weir ${r.from === 'hashmap' ? 'heap' : r.from}`,
      ckptP50Ms: r.written.syncMs + r.written.encodeMs + r.written.writeMs,
      ckptBytes: r.written.bytes,
      note: `restore: heap ${ms(total(r.restored.hashmap))}, rocksdb ${ms(total(r.restored.rocksdb))} (target <= 1 s)`,
    });
  console.log('\nwhere the time goes:');
  for (const r of rows) {
    const w = r.written;
    console.log(
      `  ${r.from.padEnd(7)} write:   snapshot() ${w.syncMs.toFixed(1)} ms, read + encode ${ms(w.encodeMs)}, write + fsync + CRC ${ms(w.writeMs)}`,
    );
    for (const into of ['hashmap', 'rocksdb'] as const) {
      const x = r.restored[into];
      console.log(
        `  ${r.from.padEnd(7)} → ${into.padEnd(7)} read + verify ${ms(x.readMs)}, decode ${ms(x.decodeMs)}, load ${ms(x.loadMs)}`,
      );
    }
  }
}
