// Starting a job under Node: storage and connectors from the configuration, recovery resolved, progress shown.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { CompiledJob } from '../../compiler/index';
import { MemoryCheckpointStorage } from '../checkpoint/memory-storage';
import type { CheckpointStorage } from '../checkpoint/storage';
import { builtinConnectors } from '../connectors/builtin';
import { type EngineEnvironment, runJob, setting } from '../engine';
import type { JobHandle } from '../job';
import { registerNodeConnectors } from './connectors/index';
import { formatBytes, formatRate } from './format';
import { formatRestorePlan, restorePlan } from '../checkpoint/restore-plan';
import { FsCheckpointStorage, storagePath } from './fs-storage';
import { pickSnapshot, resolveRecovery } from './recovery/resume';
import { parseMemory } from '../../compiler/options';
import { HeapKeyedStateBackend } from '../state/heap-backend';
import { removeRocksdbFolders, rocksdbRoot } from './state/local-dir';
import { RocksDBKeyedStateBackend } from './state/rocksdb-backend';
import { workerTaskManagers } from './workers/worker-task-managers';

export interface StartJobOptions {
  readonly recovery?: { readonly kind: 'checkpoint' | 'savepoint'; readonly path: string };
  /** Snapshot folders earlier jobs of the same session restored from: one folder restores one job. */
  readonly taken?: Set<string>;
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
  const recovery = o.recovery
    ? await resolveRecovery(
        job,
        storage,
        { ...o.recovery, taken: o.taken ?? new Set(), others: o.others ?? [] },
        (m) => o.err(`[weir] ${m}`),
      )
    : undefined;
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
  const restoreEnv = recovery?.storage ? { ...env, storage: readThrough(storage, recovery.storage) } : env;
  const runner = await runJob(
    job,
    restoreEnv,
    recovery
      ? { restore: { metadata: recovery.metadata, location: recovery.location, claimed: recovery.claimed } }
      : {},
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
    checkpointLocation: (...a) => write.checkpointLocation(...a),
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
