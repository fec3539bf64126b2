// Where a starting job's state comes from: a savepoint or checkpoint folder it is pointed at, or `latest`.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledJob } from '../../../compiler/index';
import type { CompletedCheckpoint } from '../../checkpoint/coordinator';
import type { CheckpointMetadata } from '../../checkpoint/metadata';
import { restorePlan } from '../../checkpoint/restore-plan';
import type { CheckpointStorage } from '../../checkpoint/storage';
import { setting } from '../../engine';
import { FsCheckpointStorage, checkpointFolder, storagePath } from '../fs-storage';
import { formatBytes } from '../format';
import { claimRun, claims, completedAt } from './claim';
import { checkFallback } from './fallback';
import { describeCheckpoint, findLatestCheckpoint, verifyCheckpoint } from './latest-checkpoint';

export interface Recovery {
  readonly metadata: CheckpointMetadata;
  readonly location: string;
  /** The storage the snapshot was found through, when it is not the job's own. */
  readonly storage?: CheckpointStorage;
  /** Checkpoints of an earlier run this run takes over (claim mode), oldest first. */
  readonly claimed: readonly CompletedCheckpoint[];
}

export interface RecoveryRequest {
  readonly kind: 'checkpoint' | 'savepoint';
  /** A folder, or `latest` (checkpoints only). */
  readonly path: string;
  /** Snapshot folders earlier jobs of the session restored from: one folder restores one job. */
  readonly taken: Set<string>;
  /** The script's other jobs (see pickSnapshot). */
  readonly others: readonly CompiledJob[];
}

/** Resolves what `job` restores from; undefined: it starts without state. Prints what it chose on `warn`. */
export async function resolveRecovery(
  job: CompiledJob,
  storage: CheckpointStorage,
  r: RecoveryRequest,
  warn: (message: string) => void,
): Promise<Recovery | undefined> {
  if (r.kind === 'checkpoint' && r.path === 'latest') return resolveLatest(job, storage, warn);
  const fs = new FsCheckpointStorage('/');
  const found = await pickSnapshot(job, r.path, fs, r.taken, r.others);
  if (!found) {
    warn(`nothing in ${storagePath(r.path)} belongs to job '${job.name}': it starts without state`);
    return undefined;
  }
  const { location, metadata } = found;
  await verifyCheckpoint(fs, location);
  const claim = claims(job, metadata.kind);
  warn(
    `job '${job.name}' restores from ${metadata.kind} ${location}${claim ? ' (claimed: deleted once newer checkpoints subsume it)' : ''}`,
  );
  return { metadata, location, storage: fs, claimed: claim ? [completedAt(location, metadata)] : [] };
}

/** `--from-checkpoint latest`: the newest usable checkpoint of the job name over its runs, by the fallback rule. */
async function resolveLatest(
  job: CompiledJob,
  storage: CheckpointStorage,
  warn: (message: string) => void,
): Promise<Recovery | undefined> {
  if (storage instanceof FsCheckpointStorage) {
    // What runs that died left unfinished: never a completed checkpoint, never a live run's file.
    const removed = await storage.discardOrphans(job.name);
    if (removed.length > 0)
      warn(
        `removed ${removed.length} unfinished checkpoint file${removed.length === 1 ? '' : 's'} of job '${job.name}' left by runs that died`,
      );
  }
  const latest = await findLatestCheckpoint(storage, job.name);
  const { found, unusable } = latest;
  if (!found) {
    if (unusable.length > 0)
      throw new Error(
        `no usable checkpoint of job '${job.name}': ${unusable.map((u) => `${describeCheckpoint(job.name, u.stored)} is unusable: ${u.reason}`).join('; ')}`,
      );
    warn(
      `no retained checkpoint of job '${job.name}' under ${setting(job.config, 'execution.checkpointing.dir')}: starting from the beginning`,
    );
    return undefined;
  }
  const notice = checkFallback(job, latest);
  if (notice) warn(notice);
  const claim = claims(job, 'checkpoint');
  const claimed = claim ? await claimRun(storage, latest) : [];
  warn(
    `job '${job.name}' resumes from ${describeCheckpoint(job.name, found.stored)}, completed ${new Date(found.metadata.completionTime).toISOString()} (${found.location})${claim ? '' : ' (not claimed)'}${found.metadata.inFlightBytes ? `, replaying ${formatBytes(found.metadata.inFlightBytes)} of in-flight data` : ''}`,
  );
  return { metadata: found.metadata, location: found.location, claimed };
}

/**
 * The snapshot in `path` that restores `job`: `path` itself, or one of the folders in it (a savepoint
 * folder holds one per job). A snapshot goes to the job whose operators claim all of its state, so that
 * adding an INSERT or reordering statements (which renames jobs) still restores each job's own state;
 * failing that, to the job of its name (whose restore then reports what does not fit), unless one of the
 * script's `others` jobs restores it.
 */
export async function pickSnapshot(
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
