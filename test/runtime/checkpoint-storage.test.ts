// Checkpoint storage: checksummed state files, atomic `_metadata`, fallback to an older checkpoint, retention.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileScript } from '../../compiler/index';
import type { CompiledJob } from '../../compiler/index';
import { ManualClock, yieldNow } from '../../runtime/clock';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { type CheckpointMetadata, METADATA_FORMAT_VERSION } from '../../runtime/checkpoint/metadata';
import type { CheckpointStorage, JobRun } from '../../runtime/checkpoint/storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import { runJob } from '../../runtime/engine';
import { findLatestCheckpoint } from '../../runtime/node/recovery/latest-checkpoint';
import { FsCheckpointStorage } from '../../runtime/node/fs-storage';

let dir = '';
const R: JobRun = { name: 'j', id: '0123456789abcdef0123456789abcdef' };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-chk-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const bytes = (n: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** A `_metadata` document naming one keyed state file. */
function metadata(id: number, keyed?: { path: string; size: number; checksum: string }): CheckpointMetadata {
  return {
    formatVersion: METADATA_FORMAT_VERSION,
    jobName: 'j',
    jobId: R.id,
    checkpointId: id,
    kind: 'checkpoint',
    snapshotType: 'full',
    mode: 'EXACTLY_ONCE',
    backend: 'hashmap',
    maxParallelism: 128,
    triggerTime: 0,
    completionTime: id,
    durationMs: 1,
    sourceOffsets: {},
    operators: [
      {
        uid: 'agg-1',
        name: 'GroupAggregate',
        kind: 'groupAggregate',
        parallelism: 1,
        subtasks: [{ subtask: 0, keyGroupRange: { start: 0, end: 127 }, ...(keyed ? { keyed } : {}) }],
      },
    ],
    stateSize: keyed?.size ?? 0,
  };
}

/** Writes a complete checkpoint (one state file, then `_metadata`); returns its location. */
async function writeCheckpoint(storage: CheckpointStorage, id: number): Promise<string> {
  const handle = await storage.writeState(R, id, 'agg-1-0.state', bytes(1000, id));
  return storage.commit(R, metadata(id, handle));
}

describe('FsCheckpointStorage', () => {
  it('round trips a state file with size and CRC-32 in its handle', async () => {
    const s = new FsCheckpointStorage(dir);
    const data = bytes(4096);
    const handle = await s.writeState(R, 1, 'op-0.state', data);
    expect(handle).toEqual({
      path: 'op-0.state',
      size: 4096,
      checksum: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    const location = s.checkpointLocation(R, 1);
    expect(Buffer.from(await s.readState(location, handle))).toEqual(Buffer.from(data));
    // The well-known CRC-32 check value.
    const check = await s.writeState(R, 1, 'check.state', new TextEncoder().encode('123456789'));
    expect(check.checksum).toBe('cbf43926');
    expect(fs.readdirSync(location).sort()).toEqual(['check.state', 'op-0.state']);
  });

  it('names the file and says "checksum" when a byte is flipped', async () => {
    const s = new FsCheckpointStorage(dir);
    const handle = await s.writeState(R, 1, 'op-0.state', bytes(1000));
    const file = path.join(s.checkpointLocation(R, 1), 'op-0.state');
    const raw = fs.readFileSync(file);
    raw[500] ^= 0x01;
    fs.writeFileSync(file, raw);
    await expect(s.readState(s.checkpointLocation(R, 1), handle)).rejects.toThrow(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is corrupt: checksum`),
    );
  });

  it('names the file and says "truncated" when the file is shorter than recorded, and when it is missing', async () => {
    const s = new FsCheckpointStorage(dir);
    const handle = await s.writeState(R, 1, 'op-0.state', bytes(1000));
    const file = path.join(s.checkpointLocation(R, 1), 'op-0.state');
    fs.truncateSync(file, 999);
    const error = await s.readState(s.checkpointLocation(R, 1), handle).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('truncated');
    expect((error as Error).message).toContain('999 bytes, _metadata says 1000');
    fs.rmSync(file);
    await expect(s.readState(s.checkpointLocation(R, 1), handle)).rejects.toThrow(
      `${file} cannot be read: ENOENT`,
    );
  });

  it('writes _metadata only at commit, atomically, leaving no .tmp behind; list ignores unfinished folders', async () => {
    const s = new FsCheckpointStorage(dir);
    const handle = await s.writeState(R, 1, 'op-0.state', bytes(100));
    const chk1 = s.checkpointLocation(R, 1);
    expect(fs.readdirSync(chk1)).toEqual(['op-0.state']); // no _metadata yet, no temporary file left
    expect(await s.list('j')).toEqual([]);
    await expect(s.readMetadata(chk1)).rejects.toThrow(`no checkpoint at ${chk1}`);

    const location = await s.commit(R, metadata(1, handle));
    expect(location).toBe(chk1);
    expect(fs.readdirSync(chk1).sort()).toEqual(['_metadata', 'op-0.state']);
    const written = JSON.parse(fs.readFileSync(path.join(chk1, '_metadata'), 'utf8')) as CheckpointMetadata;
    expect({ ...written, checksum: undefined }).toEqual({ ...metadata(1, handle), checksum: undefined });
    expect(written.checksum).toMatch(/^[0-9a-f]{8}$/);

    // Folders without _metadata (an unfinished checkpoint) and foreign folders are not checkpoints.
    await s.writeState(R, 2, 'op-0.state', bytes(100));
    fs.mkdirSync(path.join(dir, 'j', 'savepoint-x'));
    fs.mkdirSync(path.join(dir, 'j', R.id, 'chk-abc'));
    await writeCheckpoint(s, 10);
    expect(await s.list('j')).toEqual([
      { id: 10, location: s.checkpointLocation(R, 10), jobId: R.id, completionTime: 10 },
      { id: 1, location: chk1, jobId: R.id, completionTime: 1 },
    ]);
    expect(await s.list('other-job')).toEqual([]);
    for (const f of fs.readdirSync(path.join(dir, 'j'), { recursive: true }))
      expect(String(f)).not.toMatch(/\.tmp$/);
  });

  it('reads _metadata from the folder or the file, and rejects a corrupt one by name', async () => {
    const s = new FsCheckpointStorage(`file://${dir}`);
    const location = await writeCheckpoint(s, 3);
    expect((await s.readMetadata(location)).checkpointId).toBe(3);
    expect((await s.readMetadata(path.join(location, '_metadata'))).checkpointId).toBe(3);
    fs.writeFileSync(path.join(location, '_metadata'), '{"formatVersion": 1, "jobName"');
    await expect(s.readMetadata(location)).rejects.toThrow(`${path.join(location, '_metadata')} is corrupt`);
    fs.writeFileSync(path.join(location, '_metadata'), '{"formatVersion": 99}');
    await expect(s.readMetadata(location)).rejects.toThrow('unsupported metadata format version 99');
  });

  it('discards one checkpoint (its _metadata first) and all of a job', async () => {
    const s = new FsCheckpointStorage(dir);
    await writeCheckpoint(s, 1);
    await writeCheckpoint(s, 2);
    await s.discard(s.checkpointLocation(R, 1));
    expect(fs.existsSync(s.checkpointLocation(R, 1))).toBe(false);
    expect((await s.list('j')).map((c) => c.id)).toEqual([2]);
    await s.discard(s.checkpointLocation(R, 7)); // absent: no error
    await s.discardAll(R);
    expect(fs.existsSync(path.join(dir, 'j', R.id))).toBe(false);
  });
});

describe('MemoryCheckpointStorage', () => {
  it('round trips state files and lists only committed checkpoints, newest first', async () => {
    const s = new MemoryCheckpointStorage();
    const data = bytes(300);
    const handle = await s.writeState(R, 1, 'op-0.state', data);
    data[0] = 99; // the storage keeps its own copy
    expect(await s.list('j')).toEqual([]);
    const location = await s.commit(R, metadata(1, handle));
    expect(location).toBe(`memory://j/${R.id}/chk-1`);
    expect(await s.readState(location, handle)).toEqual(bytes(300));
    await writeCheckpoint(s, 2);
    expect((await s.list('j')).map((c) => c.id)).toEqual([2, 1]);
    expect((await s.readMetadata(`${location}/_metadata`)).checkpointId).toBe(1);
  });

  it('names the file and says checksum/truncated when the file does not match its handle', async () => {
    const s = new MemoryCheckpointStorage();
    const handle = await s.writeState(R, 1, 'op-0.state', bytes(300));
    const loc = `memory://j/${R.id}/chk-1`;
    await expect(s.readState(loc, { ...handle, checksum: '00000000' })).rejects.toThrow(
      `${loc}/op-0.state: checksum mismatch (the file is corrupt or truncated)`,
    );
    await expect(s.readState(loc, { ...handle, size: 301 })).rejects.toThrow(/op-0\.state: .*truncated/);
    await expect(s.readState(loc, { ...handle, path: 'nope.state' })).rejects.toThrow(
      `${loc}/nope.state: missing`,
    );
  });

  it('refuses to grow past its cap, naming the setting', async () => {
    const s = new MemoryCheckpointStorage(1000);
    await s.writeState(R, 1, 'a', bytes(600));
    await expect(s.writeState(R, 1, 'b', bytes(600))).rejects.toThrow(
      "'state.checkpoint-storage.jobmanager.max-size'",
    );
    await s.discard(s.checkpointLocation(R, 1));
    await s.writeState(R, 2, 'b', bytes(600));
  });
});

describe('findLatestCheckpoint', () => {
  const storages: [string, () => CheckpointStorage][] = [
    ['filesystem', () => new FsCheckpointStorage(dir)],
    ['jobmanager', () => new MemoryCheckpointStorage()],
  ];

  for (const [kind, make] of storages) {
    it(`returns the newest checkpoint when it is intact (${kind})`, async () => {
      const s = make();
      expect((await findLatestCheckpoint(s, 'j')).found).toBeUndefined();
      await writeCheckpoint(s, 1);
      await writeCheckpoint(s, 2);
      const latest = await findLatestCheckpoint(s, 'j');
      expect(latest.found?.metadata.checkpointId).toBe(2);
      expect(latest.unusable).toEqual([]);
    });
  }

  it('orders checkpoints of several runs by completion time, not by id', async () => {
    const s = new FsCheckpointStorage(dir);
    const other: JobRun = { name: 'j', id: 'fedcba9876543210fedcba9876543210' };
    await writeCheckpoint(s, 5); // run R, completed at 5
    const h = await s.writeState(other, 2, 'agg-1-0.state', bytes(1000, 2));
    await s.commit(other, { ...metadata(2, h), jobId: other.id, completionTime: 9 });
    const latest = await findLatestCheckpoint(s, 'j');
    expect(latest.found?.stored).toEqual({
      id: 2,
      location: s.checkpointLocation(other, 2),
      jobId: other.id,
      completionTime: 9,
    });
    expect(latest.all.map((c) => c.jobId)).toEqual([other.id, R.id]);
  });

  it('skips a newest checkpoint whose state file is corrupt, saying why', async () => {
    const s = new FsCheckpointStorage(dir);
    await writeCheckpoint(s, 1);
    const newest = await writeCheckpoint(s, 2);
    const file = path.join(newest, 'agg-1-0.state');
    const raw = fs.readFileSync(file);
    raw[10] ^= 0xff;
    fs.writeFileSync(file, raw);
    const latest = await findLatestCheckpoint(s, 'j');
    expect(latest.found?.metadata.checkpointId).toBe(1);
    expect(latest.found?.location).toBe(s.checkpointLocation(R, 1));
    expect(latest.unusable.map((u) => u.stored.id)).toEqual([2]);
    expect(latest.unusable[0]!.reason).toContain(file);
    expect(latest.unusable[0]!.reason).toContain('checksum');
  });

  it('skips a truncated state file, an unreadable _metadata and one whose own checksum fails', async () => {
    const s = new FsCheckpointStorage(dir);
    await writeCheckpoint(s, 3);
    const four = await writeCheckpoint(s, 4);
    const five = await writeCheckpoint(s, 5);
    const six = await writeCheckpoint(s, 6);
    fs.truncateSync(path.join(six, 'agg-1-0.state'), 10);
    fs.writeFileSync(path.join(five, '_metadata'), 'not json');
    // Unreadable: ordered by the file's time instead of its completion time.
    fs.utimesSync(path.join(five, '_metadata'), 0.005, 0.005);
    const m4 = path.join(four, '_metadata');
    fs.writeFileSync(m4, fs.readFileSync(m4, 'utf8').replace('"stateSize": 1000', '"stateSize": 1001'));
    const latest = await findLatestCheckpoint(s, 'j');
    expect(latest.found?.metadata.checkpointId).toBe(3);
    expect(latest.unusable[0]!.reason).toMatch(/truncated/);
    expect(latest.unusable[1]!.reason).toMatch(/not valid JSON/);
    expect(latest.unusable[2]!.reason).toMatch(/_metadata is corrupt: checksum/);
  });

  it('treats a corrupt file in memory storage the same way', async () => {
    const s = new MemoryCheckpointStorage();
    await writeCheckpoint(s, 1);
    // Checkpoint 2's _metadata records a checksum its file does not have.
    const handle = await s.writeState(R, 2, 'agg-1-0.state', bytes(1000, 2));
    await s.commit(R, metadata(2, { ...handle, checksum: 'deadbeef' }));
    const latest = await findLatestCheckpoint(s, 'j');
    expect(latest.found?.location).toBe(`memory://j/${R.id}/chk-1`);
    expect(latest.unusable[0]!.reason).toContain(`memory://j/${R.id}/chk-2/agg-1-0.state: checksum mismatch`);
  });
});

describe('checkpoint retention through the engine', () => {
  /** FsCheckpointStorage that records finished discards, so the test knows when subsumption is done. */
  class WatchedStorage extends FsCheckpointStorage {
    readonly discarded: number[] = [];
    override async discard(location: string, unreferenced?: readonly string[]): Promise<void> {
      await super.discard(location, unreferenced);
      this.discarded.push(Number(/chk-(\d+)$/.exec(location)![1]));
    }
  }

  function compile(sql: string): CompiledJob {
    const r = compileScript(sql, { scriptName: 'retain' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const s = r.statements.find((x) => x.kind === 'job');
    if (!s || s.kind !== 'job') throw new Error('no job');
    return s.job;
  }

  async function until(cond: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await yieldNow();
    }
  }

  it('keeps exactly the num-retained newest completed checkpoints, during the run and after cancel', async () => {
    const job = compile(`
      SET 'execution.checkpointing.interval' = '1 s';
      SET 'state.checkpoints.num-retained' = '2';
      SET 'execution.checkpointing.dir' = '${dir}';
      SET 'execution.checkpointing.externalized-checkpoint-retention' = 'RETAIN_ON_CANCELLATION';
      CREATE TABLE clicks (user_id INT, page_id INT) WITH (
        'connector' = 'datagen', 'rows-per-second' = '500', 'fields.user_id.min' = '1', 'fields.user_id.max' = '20');
      CREATE TABLE out_t (user_id INT, clicks BIGINT) WITH ('connector' = 'blackhole');
      INSERT INTO out_t SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id;
    `);
    const storage = new WatchedStorage(dir);
    const clock = new ManualClock(1_000_000);
    const logs: string[] = [];
    const runner = await runJob(job, {
      connectors: builtinConnectors(),
      storage,
      clock,
      print: () => {},
      log: (m) => logs.push(m),
    });
    const folders = () =>
      fs
        .readdirSync(path.join(dir, job.name, runner.id))
        .filter((n) => n.startsWith('chk-'))
        .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));

    for (let n = 1; n <= 5; n++) {
      clock.advance(1000); // the periodic trigger fires
      await until(
        () => runner.checkpoints().some((c) => c.id === n && c.status === 'COMPLETED'),
        `checkpoint ${n}`,
      );
      if (n > 2) await until(() => storage.discarded.includes(n - 2), `discard of checkpoint ${n - 2}`);
      const expected = n === 1 ? ['chk-1'] : [`chk-${n - 1}`, `chk-${n}`];
      expect(folders()).toEqual(expected);
      expect((await storage.list(job.name)).map((c) => c.id)).toEqual(
        expected.map((f) => Number(f.slice(4))).reverse(),
      );
      // The retained checkpoints are complete and pass their checksums.
      const found = (await findLatestCheckpoint(storage, job.name)).found;
      expect(found?.metadata.checkpointId).toBe(n);
      expect(
        found?.metadata.operators.find((o) => o.kind === 'groupAggregate')?.subtasks[0]?.keyed,
      ).toBeDefined();
    }
    expect(runner.metrics().recordsIn).toBeGreaterThan(2000);
    expect(runner.checkpoints().map((c) => c.status)).toEqual(Array(5).fill('COMPLETED'));

    await runner.cancel();
    expect((await runner.done).status).toBe('CANCELED');
    expect(folders()).toEqual(['chk-4', 'chk-5']);
    for (const f of folders())
      expect(fs.existsSync(path.join(dir, job.name, runner.id, f, '_metadata'))).toBe(true);
    expect(logs.filter((l) => l.includes('could not delete'))).toEqual([]);
  });
});
