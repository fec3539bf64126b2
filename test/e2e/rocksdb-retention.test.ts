// RocksDB incremental checkpoints with one retained: subsuming a checkpoint deletes the shared SST files no
// retained checkpoint lists (after compactions replaced them), never one the latest needs; the latest
// restores in a new `weir run --from-checkpoint latest`, also after a SIGKILL left RocksDB's working folders.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crc32Hex } from '../../runtime/checkpoint/crc32';
import { type CheckpointMetadata, type StateFileHandle, stateFiles } from '../../runtime/checkpoint/metadata';
import {
  checkpointFoldersOf,
  type RunResult,
  WEIR_BIN,
  crashScript,
  prng,
  runWeir,
  writeInputs,
  expectSameCommittedOutput,
} from './crash-harness';

const JOBS = ['job-1', 'job-2'];
const SEED = 11;
// Frequent checkpoints (small batches keep barriers close behind the data: some ten per job), each flushing
// the 64 KB memtable to a new level-0 SST that later checkpoints share until RocksDB compacts level 0
// (every fourth file) into one that replaces them.
const ROCKSDB = `SET 'state.backend.type' = 'rocksdb';
SET 'state.checkpoints.num-retained' = '1';
SET 'state.backend.rocksdb.writebuffer.size' = '64kb';
SET 'weir.batch-size' = '128';`;

/** The crash test's inputs and script, and a third orders file (the retention test holds it back). */
function writeJob(dir: string, settings: string): void {
  writeInputs(dir, 100_000, 10_000, SEED);
  const rnd = prng(SEED + 1);
  const more: string[] = [];
  for (let i = 100_000; i < 120_000; i++) {
    const o = { id: i, customer_id: Math.floor(rnd() * 12_000), amount: Math.floor(rnd() * 1000), ts: i };
    more.push(JSON.stringify(o));
  }
  writeFileSync(join(dir, 'data/orders/part-3.jsonl'), more.join('\n') + '\n');
  writeFileSync(join(dir, 'job.sql'), crashScript('50ms', settings));
}

/** A checkpoint file's location: private ones in `<job id>/chk-<n>/`, shared ones in `../../shared/`. */
function fileOf(chkDir: string, f: StateFileHandle): string {
  return join(chkDir, f.path);
}

function filesOf(m: CheckpointMetadata): StateFileHandle[] {
  return m.operators.flatMap((o) => o.subtasks.flatMap((s) => [...stateFiles(s)]));
}

/** What is wrong with a checkpoint's files on disk: missing, another size, (with `crc`) another checksum. */
function problems(chkDir: string, m: CheckpointMetadata, crc: boolean): string[] {
  const out: string[] = [];
  for (const f of filesOf(m)) {
    const path = fileOf(chkDir, f);
    if (!existsSync(path)) out.push(`${f.path}: missing`);
    else if (statSync(path).size !== f.size)
      out.push(`${f.path}: ${statSync(path).size} bytes, not ${f.size}`);
    else if (crc && crc32Hex(readFileSync(path)) !== f.checksum) out.push(`${f.path}: checksum differs`);
  }
  return out;
}

/** Completed checkpoints of a job on disk (a `_metadata` file), newest first. */
function completedOnDisk(dir: string, job: string): { id: number; dir: string }[] {
  const jobDir = join(dir, '.weir/checkpoints', job);
  if (!existsSync(jobDir)) return [];
  return checkpointFoldersOf(jobDir)
    .map((n) => ({ n, m: /chk-(\d+)$/.exec(n) }))
    .filter((x) => x.m && existsSync(join(jobDir, x.n, '_metadata')))
    .map((x) => ({ id: Number(x.m![1]), dir: join(jobDir, x.n) }))
    .sort((a, b) => b.id - a.id);
}

function readMetadata(chkDir: string): CheckpointMetadata | undefined {
  try {
    return JSON.parse(readFileSync(join(chkDir, '_metadata'), 'utf8')) as CheckpointMetadata;
  } catch {
    return undefined; // deleted (subsumed) between listing and reading
  }
}

/**
 * Watches a running job's checkpoint folder: records every completed checkpoint's `_metadata` it sees, and
 * at every look checks that the newest completed checkpoint lists only files that exist with their size
 * (a checkpoint found incomplete is a violation unless a newer one completed meanwhile and subsumed it).
 */
class Watcher {
  readonly seen = new Map<string, Map<number, CheckpointMetadata>>(JOBS.map((j) => [j, new Map()]));
  readonly violations: string[] = [];
  looks = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly dir: string) {
    this.timer = setInterval(() => this.look(), 10);
  }

  look(): void {
    this.looks++;
    for (const job of JOBS) {
      const newest = completedOnDisk(this.dir, job)[0];
      if (!newest) continue;
      const seen = this.seen.get(job)!;
      const m = seen.get(newest.id) ?? readMetadata(newest.dir);
      if (!m) continue;
      seen.set(newest.id, m);
      const wrong = problems(newest.dir, m, false);
      if (wrong.length === 0) continue;
      const now = completedOnDisk(this.dir, job)[0];
      if (now?.id === newest.id && existsSync(join(newest.dir, '_metadata')))
        this.violations.push(`${job} chk-${newest.id}, the newest checkpoint: ${wrong.join('; ')}`);
    }
  }

  /** Checkpoint ids seen per job. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.seen].map(([j, s]) => [j, s.size]));
  }

  stop(): void {
    clearInterval(this.timer);
    this.look();
  }
}

/** `weir run` in `dir`, watched; `killWhen` (asked at every look) SIGKILLs it when it says so. */
async function watchedRun(
  dir: string,
  args: readonly string[],
  killWhen?: (w: Watcher) => boolean,
): Promise<{ result: RunResult; watcher: Watcher }> {
  const watcher = new Watcher(dir);
  const child: ChildProcess = spawn(process.execPath, [WEIR_BIN, 'run', 'job.sql', ...args], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const killer = killWhen
    ? setInterval(() => {
        if (killWhen(watcher)) child.kill('SIGKILL');
      }, 10)
    : undefined;
  const result = await new Promise<RunResult>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  if (killer) clearInterval(killer);
  watcher.stop();
  return { result, watcher };
}

/** RocksDB's working folders of a job's subtasks under the default `state.backend.rocksdb.localdir`. */
function localDirs(dir: string, job: string): string[] {
  const root = join(dir, '.weir/rocksdb', job);
  return existsSync(root) ? readdirSync(root) : [];
}

/** Shared SST paths (as `_metadata` lists them) of a checkpoint. */
function sharedOf(m: CheckpointMetadata): Set<string> {
  return new Set(
    filesOf(m)
      .filter((f) => f.path.startsWith('../../shared/'))
      .map((f) => f.path),
  );
}

/** SST names (RocksDB's own, e.g. `000042.sst`) per subtask of a checkpoint. */
function sstNames(m: CheckpointMetadata): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const o of m.operators)
    for (const s of o.subtasks)
      if (s.native)
        out.set(
          `${o.uid}/${s.subtask}`,
          new Set(s.native.files.map((f) => f.name).filter((n) => n.endsWith('.sst'))),
        );
  return out;
}

describe('rocksdb checkpoints: subsumed ones are deleted, the latest restores', () => {
  let reference = '';

  beforeAll(async () => {
    // The failure-free result, on the heap backend: an oracle independent of RocksDB.
    reference = mkdtempSync(join(tmpdir(), 'weir-ref-'));
    writeJob(reference, '');
    const ref = await runWeir(reference, ['run', 'job.sql']);
    expect(ref.code, ref.stderr).toBe(0);
  }, 120_000);

  it('deleting subsumed checkpoints keeps every file of the latest; unreferenced shared SSTs are gone; the latest restores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-rocks-retain-'));
    writeJob(dir, ROCKSDB);
    // The last orders file arrives only for the restored run.
    mkdirSync(join(dir, 'later'));
    renameSync(join(dir, 'data/orders/part-3.jsonl'), join(dir, 'later/part-3.jsonl'));
    const { result, watcher } = await watchedRun(dir, []);
    expect(result.code, result.stderr).toBe(0);
    console.log(
      `rocksdb retention: checkpoints seen ${JSON.stringify(watcher.counts())} over ${watcher.looks} looks`,
    );
    expect(watcher.violations).toEqual([]);

    for (const job of JOBS) {
      const seen = [...watcher.seen.get(job)!].sort((a, b) => a[0] - b[0]);
      expect(seen.length, `${job}: checkpoints seen`).toBeGreaterThanOrEqual(4);
      // One retained: only the final checkpoint is left, and it is the newest one seen.
      const onDisk = completedOnDisk(dir, job);
      expect(
        onDisk.map((c) => c.id),
        `${job}: completed checkpoints on disk`,
      ).toEqual([seen[seen.length - 1]![0]]);
      const latest = readMetadata(onDisk[0]!.dir)!;
      expect(latest.backend).toBe('rocksdb');
      expect(problems(onDisk[0]!.dir, latest, true), `${job}: files of chk-${latest.checkpointId}`).toEqual(
        [],
      );

      // SST files were shared: a later checkpoint listed a file an earlier one had uploaded.
      const sharedCounts = new Map<string, number>();
      for (const [, m] of seen)
        for (const p of sharedOf(m)) sharedCounts.set(p, (sharedCounts.get(p) ?? 0) + 1);
      expect(
        [...sharedCounts.values()].some((n) => n >= 2),
        `${job}: some SST listed by two checkpoints`,
      ).toBe(true);
      // Compaction happened: an SST a checkpoint listed is gone from a later checkpoint of that subtask.
      let compacted = 0;
      for (let i = 1; i < seen.length; i++) {
        const before = sstNames(seen[i - 1]![1]);
        const after = sstNames(seen[i]![1]);
        for (const [subtask, names] of before)
          for (const n of names) if (!after.get(subtask)?.has(n)) compacted++;
      }
      expect(compacted, `${job}: SSTs compacted away between checkpoints`).toBeGreaterThan(0);

      // Shared files that the latest does not list were deleted with the checkpoints that listed them...
      const keep = sharedOf(latest);
      const dropped = [...sharedCounts.keys()].filter((p) => !keep.has(p));
      expect(dropped.length, `${job}: shared SSTs no longer referenced`).toBeGreaterThan(0);
      const chkDir = onDisk[0]!.dir;
      expect(
        dropped.filter((p) => existsSync(join(chkDir, p))),
        `${job}: unreferenced shared SSTs still on disk`,
      ).toEqual([]);
      // ...and nothing else is left in shared/ (a failure-free run abandons no upload).
      expect(
        readdirSync(join(chkDir, '../../shared'))
          .map((n) => `../../shared/${n}`)
          .sort(),
        `${job}: shared/`,
      ).toEqual([...keep].sort());
      // The job ended: its subtasks' RocksDB working folders were removed.
      expect(localDirs(dir, job), `${job}: RocksDB working folders left`).toEqual([]);
    }

    // The latest checkpoint restores in a new process, which then reads the last orders file.
    renameSync(join(dir, 'later/part-3.jsonl'), join(dir, 'data/orders/part-3.jsonl'));
    const restored = await runWeir(dir, ['run', 'job.sql', '--from-checkpoint', 'latest']);
    expect(restored.code, restored.stderr).toBe(0);
    for (const job of JOBS)
      expect(restored.stderr).toMatch(new RegExp(`job '${job}' resumes from checkpoint \\d+`));
    expectSameCommittedOutput(dir, reference);
    for (const job of JOBS) expect(localDirs(dir, job), `${job}: RocksDB working folders left`).toEqual([]);
  }, 180_000);

  it('after a SIGKILL the RocksDB working folders are left behind; the restart clears them and resumes exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-rocks-kill-'));
    writeJob(dir, ROCKSDB);
    // Killed once both jobs have completed three checkpoints (so subsumption has deleted files).
    const { result, watcher } = await watchedRun(dir, [], (w) => JOBS.every((j) => w.seen.get(j)!.size >= 3));
    expect(result.signal, `the run was to be killed; it ended with ${result.code}: ${result.stderr}`).toBe(
      'SIGKILL',
    );
    expect(watcher.violations).toEqual([]);
    const latest = new Map<string, number>();
    for (const job of JOBS) {
      // What a crash leaves: the subtasks' RocksDB folders, and a newest checkpoint with all its files.
      expect(localDirs(dir, job).length, `${job}: RocksDB working folders after the kill`).toBeGreaterThan(0);
      const newest = completedOnDisk(dir, job)[0]!;
      expect(newest, `${job}: a completed checkpoint`).toBeDefined();
      expect(problems(newest.dir, readMetadata(newest.dir)!, true), `${job}: chk-${newest.id}`).toEqual([]);
      latest.set(job, newest.id);
    }

    const { result: restarted, watcher: w2 } = await watchedRun(dir, ['--from-checkpoint', 'latest']);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(w2.violations).toEqual([]);
    for (const job of JOBS) {
      expect(restarted.stderr).toContain(`job '${job}' resumes from checkpoint ${latest.get(job)} `);
      expect(localDirs(dir, job), `${job}: RocksDB working folders left`).toEqual([]);
      // Every checkpoint still on disk (the restored one is not the new run's to delete) lists only
      // files that exist, intact.
      for (const c of completedOnDisk(dir, job))
        expect(problems(c.dir, readMetadata(c.dir)!, true), `${job}: chk-${c.id}`).toEqual([]);
      // Shared files the restarted run's own earlier checkpoints listed, and no checkpoint on disk lists,
      // were deleted.
      const listed = new Set(completedOnDisk(dir, job).flatMap((c) => [...sharedOf(readMetadata(c.dir)!)]));
      const newest = completedOnDisk(dir, job)[0]!;
      const stale = [...w2.seen.get(job)!.values()]
        .flatMap((m) => [...sharedOf(m)])
        .filter((p) => !listed.has(p) && existsSync(join(newest.dir, p)));
      expect(stale, `${job}: unreferenced shared SSTs of the restarted run`).toEqual([]);
    }
    expectSameCommittedOutput(dir, reference);
  }, 180_000);
});
