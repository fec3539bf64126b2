// Starting a job under Node: storage and connectors from the configuration, recovery resolved, progress shown.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledJob } from '../../compiler/index';
import { MemoryCheckpointStorage } from '../checkpoint/memory-storage';
import { type CheckpointMetadata, stateFiles } from '../checkpoint/metadata';
import type { CheckpointStorage } from '../checkpoint/storage';
import { builtinConnectors } from '../connectors/builtin';
import { type EngineEnvironment, runJob, setting } from '../engine';
import type { JobHandle } from '../job';
import { registerNodeConnectors } from './connectors/index';
import { formatBytes, formatRate } from './format';
import { formatRestorePlan, restorePlan } from '../checkpoint/restore-plan';
import { FsCheckpointStorage, checkpointFolder, storagePath } from './fs-storage';
import { parseMemory } from '../../compiler/options';
import { HeapKeyedStateBackend } from '../state/heap-backend';
import { removeRocksdbFolders, rocksdbRoot } from './state/local-dir';
import { RocksDBKeyedStateBackend } from './state/rocksdb-backend';
import { workerTaskManagers } from './workers/worker-task-managers';

export interface StartJobOptions {
  readonly recovery?: { readonly kind: 'checkpoint' | 'savepoint'; readonly path: string };
  /** Snapshot folders earlier jobs of the same session restored from: one folder restores one job. */
  readonly claimed?: Set<string>;
  /**
   * The other jobs of the script: a snapshot that one of them restores is never given to this job for its
   * name alone (an INSERT added before an existing one takes the existing one's job name).
   */
  readonly others?: readonly CompiledJob[];
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly interactive: boolean;
  /** Extra engine settings (tests inject clocks, schedules and failures). */
  readonly engine?: Partial<EngineEnvironment>;
}

const memoryStorages = new Map<string, MemoryCheckpointStorage>();

export function storageFor(config: Readonly<Record<string, string>>): CheckpointStorage {
  if (setting(config, 'execution.checkpointing.storage') === 'jobmanager') {
    const cap = parseMemory(setting(config, 'state.checkpoint-storage.jobmanager.max-size')!)!;
    const key = String(cap);
    if (!memoryStorages.has(key)) memoryStorages.set(key, new MemoryCheckpointStorage(cap));
    return memoryStorages.get(key)!;
  }
  return new FsCheckpointStorage(setting(config, 'execution.checkpointing.dir')!);
}

/**
 * The newest checkpoint of a job whose files all pass their checksums; a corrupt one is reported and the
 * previous one is tried. Undefined when the job has none.
 */
export async function latestValidCheckpoint(
  storage: CheckpointStorage,
  jobName: string,
  warn: (message: string) => void,
): Promise<{ metadata: CheckpointMetadata; location: string } | undefined> {
  const problems: string[] = [];
  for (const c of await storage.list(jobName)) {
    try {
      const metadata = await storage.readMetadata(c.location);
      for (const op of metadata.operators)
        for (const s of op.subtasks) for (const f of stateFiles(s)) await storage.readState(c.location, f);
      if (problems.length) warn(`falling back to checkpoint ${c.id} of job '${jobName}'`);
      return { metadata, location: c.location };
    } catch (e) {
      const message = `checkpoint ${c.id} of job '${jobName}' is unusable: ${e instanceof Error ? e.message : String(e)}`;
      problems.push(message);
      warn(message);
    }
  }
  if (problems.length) throw new Error(`no usable checkpoint of job '${jobName}': ${problems.join('; ')}`);
  return undefined;
}

/**
 * The snapshot in `path` that restores `job`: `path` itself, or one of the folders in it (a savepoint
 * folder holds one per job). A snapshot goes to the job whose operators claim all of its state, so that
 * adding an INSERT or reordering statements (which renames jobs) still restores each job's own state;
 * failing that, to the job of its name (whose restore then reports what does not fit), unless one of the
 * script's `others` jobs restores it.
 */
async function pickSnapshot(
  job: CompiledJob,
  path: string,
  fs: FsCheckpointStorage,
  claimed: Set<string>,
  others: readonly CompiledJob[] = [],
): Promise<{ location: string; metadata: CheckpointMetadata } | undefined> {
  const base = checkpointFolder(path);
  let folders: string[];
  if (existsSync(join(base, '_metadata'))) folders = [base];
  else {
    if (!existsSync(base))
      throw new Error(`no savepoint or checkpoint at ${base}: the folder does not exist`);
    folders = readdirSync(base)
      .map((n) => join(base, n))
      .filter((d) => existsSync(join(d, '_metadata')));
    if (folders.length === 0)
      throw new Error(`no savepoint or checkpoint in ${base}: no folder with a _metadata file`);
  }
  const candidates: { location: string; metadata: CheckpointMetadata }[] = [];
  for (const location of folders)
    if (!claimed.has(location)) candidates.push({ location, metadata: await fs.readMetadata(location) });
  /** Operators of `j` that would restore from `c`; 0 when the restore would fail. */
  const restores = (c: (typeof candidates)[number], j: CompiledJob): number => {
    const ignore = setting(j.config, 'execution.state-recovery.ignore-unclaimed-state') === 'true';
    const plan = restorePlan(c.metadata, j, ignore);
    return plan.problems.length === 0 ? plan.rows.filter((x) => x.status === 'restored').length : 0;
  };
  const fits = candidates
    .map((c) => ({ c, restored: restores(c, job) }))
    .filter((x) => x.restored > 0)
    .sort(
      (a, b) =>
        Number(b.c.metadata.jobName === job.name) - Number(a.c.metadata.jobName === job.name) ||
        b.restored - a.restored ||
        b.c.metadata.completionTime - a.c.metadata.completionTime,
    );
  const unfit = candidates.filter((c) => !others.some((o) => restores(c, o) > 0));
  const pick =
    fits[0]?.c ??
    unfit.find((c) => c.metadata.jobName === job.name) ??
    (folders.length === 1 ? unfit[0] : undefined);
  if (pick) claimed.add(pick.location);
  return pick;
}

async function resolveRecovery(job: CompiledJob, storage: CheckpointStorage, o: StartJobOptions) {
  const r = o.recovery;
  if (!r) return undefined;
  const warn = (m: string) => o.err(`[weir] ${m}`);
  if (r.kind === 'checkpoint' && r.path === 'latest') {
    const found = await latestValidCheckpoint(storage, job.name, warn);
    if (!found)
      warn(
        `no retained checkpoint of job '${job.name}' under ${setting(job.config, 'execution.checkpointing.dir')}: starting from the beginning`,
      );
    else
      warn(
        `job '${job.name}' resumes from checkpoint ${found.metadata.checkpointId} (${found.location})${found.metadata.inFlightBytes ? `, replaying ${formatBytes(found.metadata.inFlightBytes)} of in-flight data` : ''}`,
      );
    return found;
  }
  const fs = new FsCheckpointStorage('/');
  const found = await pickSnapshot(job, r.path, fs, o.claimed ?? new Set(), o.others);
  if (!found) {
    warn(`nothing in ${storagePath(r.path)} belongs to job '${job.name}': it starts without state`);
    return undefined;
  }
  const { location, metadata } = found;
  for (const op of metadata.operators)
    for (const s of op.subtasks) for (const f of stateFiles(s)) await fs.readState(location, f);
  warn(`job '${job.name}' restores from ${metadata.kind} ${location}`);
  return { metadata, location, storage: fs };
}

/** EXPLAIN RESTORE FROM 'path': what restoring the job from `path` would do, without running anything. */
export async function explainRestore(job: CompiledJob, path: string): Promise<string> {
  const found = await pickSnapshot(job, path, new FsCheckpointStorage('/'), new Set());
  if (!found)
    return `== Restore from ${storagePath(path)} ==\nNothing there belongs to job '${job.name}': it would start without state.`;
  const ignore = setting(job.config, 'execution.state-recovery.ignore-unclaimed-state') === 'true';
  return formatRestorePlan(restorePlan(found.metadata, job, ignore), found.location, formatBytes);
}

export async function startJob(job: CompiledJob, o: StartJobOptions): Promise<JobHandle> {
  const storage = storageFor(job.config);
  const recovery = await resolveRecovery(job, storage, o);
  const env: EngineEnvironment = {
    connectors: registerNodeConnectors(builtinConnectors()),
    storage,
    stateBackend: stateBackendFactory(job),
    print: (line, stderr) => (stderr ? o.err(line) : o.out(line)),
    log: (m) => o.err(`[weir] ${m}`),
    // Parallelism > 1 runs on worker threads (weir.workers); injected clocks and schedules stay in this thread.
    ...(o.engine ? {} : { taskManagers: workerTaskManagers }),
    ...o.engine,
  };
  // A restore from another location reads its files through the storage that found them.
  const restoreEnv =
    recovery && 'storage' in recovery && recovery.storage
      ? { ...env, storage: readThrough(storage, recovery.storage) }
      : env;
  const runner = await runJob(
    job,
    restoreEnv,
    recovery ? { restore: { metadata: recovery.metadata, location: recovery.location } } : {},
  );
  // In the shell the prompt owns the terminal: SHOW JOBS tells the same.
  if (process.stderr.isTTY && !o.interactive && !o.engine) showProgress(runner);
  return runner;
}

/**
 * Creates each stateful subtask's backend; rocksdb ones get a fresh folder under
 * `state.backend.rocksdb.localdir`/<job>. What a crashed run left there is removed first.
 */
export function stateBackendFactory(
  job: Pick<CompiledJob, 'name' | 'config'>,
  clean = true,
): NonNullable<EngineEnvironment['stateBackend']> {
  const root = rocksdbRoot(job);
  // Task manager threads pass clean = false: the job master cleaned the folder before starting them.
  if (clean) removeRocksdbFolders(job);
  return (kind, ctx) =>
    kind === 'rocksdb'
      ? new RocksDBKeyedStateBackend({
          range: ctx.range,
          dir: join(root, `${ctx.uid}-${ctx.subtask}-${randomUUID().slice(0, 8)}`),
          name: `${ctx.uid}-${ctx.subtask}`,
          incremental: ctx.incremental,
          cacheEntries: Number(setting(ctx.config, 'weir.state.rocksdb.cache-entries')),
          writeBufferSize: parseMemory(setting(ctx.config, 'state.backend.rocksdb.writebuffer.size')!)!,
        })
      : new HeapKeyedStateBackend(ctx.range, ctx.incremental);
}

/** Writes go to the job's storage; reads of a restored location come from where it was found. */
function readThrough(write: CheckpointStorage, read: CheckpointStorage): CheckpointStorage {
  return {
    kind: write.kind,
    writeState: (...a) => write.writeState(...a),
    readState: async (location, handle) => {
      try {
        return await write.readState(location, handle);
      } catch {
        return read.readState(location, handle);
      }
    },
    commit: (...a) => write.commit(...a),
    list: (...a) => write.list(...a),
    readMetadata: (...a) => write.readMetadata(...a),
    discard: (...a) => write.discard(...a),
    discardAll: (...a) => write.discardAll(...a),
    savepoint: (...a) => write.savepoint(...a),
  };
}

/** A live line on the terminal: records/s, records in and out, last completed checkpoint. */
function showProgress(job: JobHandle): void {
  let last = job.metrics().recordsIn;
  let lastTime = Date.now();
  const timer = setInterval(() => {
    const m = job.metrics();
    const now = Date.now();
    const rate = ((m.recordsIn - last) * 1000) / Math.max(1, now - lastTime);
    last = m.recordsIn;
    lastTime = now;
    process.stderr.write(
      `\r\x1b[K[${job.name}] ${formatRate(rate)} records/s · in ${m.recordsIn} · out ${m.recordsOut} · checkpoint ${m.lastCheckpoint ?? '-'}${m.restarts ? ` · restarts ${m.restarts}` : ''}`,
    );
  }, 1000);
  timer.unref();
  void job.done.then(() => {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  });
}
