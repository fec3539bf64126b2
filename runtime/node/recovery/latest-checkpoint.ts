// `--from-checkpoint latest`: the newest completed checkpoint of a job name over all its runs whose files pass their checksums.
import { type CheckpointMetadata, stateFiles } from '../../checkpoint/metadata';
import type { CheckpointStorage, StoredCheckpoint } from '../../checkpoint/storage';

export interface UsableCheckpoint {
  readonly metadata: CheckpointMetadata;
  readonly location: string;
  readonly stored: StoredCheckpoint;
}

export interface LatestCheckpoint {
  /** The newest usable one; undefined when the job name has none. */
  readonly found: UsableCheckpoint | undefined;
  /** Completed checkpoints newer than `found` that cannot be used, newest first, each with why. */
  readonly unusable: readonly { readonly stored: StoredCheckpoint; readonly reason: string }[];
  /** Every completed checkpoint of the job name, newest first. */
  readonly all: readonly StoredCheckpoint[];
}

/** Reads `_metadata` and every state file it lists (sizes and checksums); throws naming what is wrong. */
export async function verifyCheckpoint(
  storage: CheckpointStorage,
  location: string,
): Promise<CheckpointMetadata> {
  const metadata = await storage.readMetadata(location);
  for (const op of metadata.operators)
    for (const s of op.subtasks) for (const f of stateFiles(s)) await storage.readState(location, f);
  return metadata;
}

/** Tries the job name's completed checkpoints newest first (by completion time, over all runs). */
export async function findLatestCheckpoint(
  storage: CheckpointStorage,
  jobName: string,
): Promise<LatestCheckpoint> {
  const all = await storage.list(jobName);
  const unusable: { stored: StoredCheckpoint; reason: string }[] = [];
  for (const stored of all) {
    try {
      const metadata = await verifyCheckpoint(storage, stored.location);
      return { found: { metadata, location: stored.location, stored }, unusable, all };
    } catch (e) {
      unusable.push({ stored, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { found: undefined, unusable, all };
}

/** `checkpoint 7 of job 'q-1' (run 3f2a…)`. */
export function describeCheckpoint(jobName: string, c: StoredCheckpoint): string {
  return `checkpoint ${c.id} of job '${jobName}'${c.jobId ? ` (run ${c.jobId})` : ''}`;
}
