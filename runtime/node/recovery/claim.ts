// Claim mode (Flink's `execution.state-recovery.claim-mode`): a resumed run takes over the checkpoints it restores.
import type { CompiledJob } from '../../../compiler/index';
import type { CompletedCheckpoint } from '../../checkpoint/coordinator';
import type { CheckpointMetadata } from '../../checkpoint/metadata';
import type { CheckpointStorage, StoredCheckpoint } from '../../checkpoint/storage';
import { setting } from '../../engine';
import type { LatestCheckpoint } from './latest-checkpoint';

/**
 * Whether restoring a snapshot of `kind` claims it: the setting when given; else CLAIM for a retained checkpoint
 * (so that `state.checkpoints.num-retained` holds over any number of resumes) and NO_CLAIM for a savepoint (it
 * belongs to the user). Flink's own default is NO_CLAIM for both.
 */
export function claims(job: CompiledJob, kind: 'checkpoint' | 'savepoint'): boolean {
  const mode = setting(job.config, 'execution.state-recovery.claim-mode')?.toUpperCase();
  return mode === undefined ? kind === 'checkpoint' : mode === 'CLAIM';
}

/**
 * The checkpoints a resume from `latest.found` claims: every completed checkpoint of the run it belongs to,
 * oldest first and the restored one last (unusable ones too: retention deletes them with the rest).
 */
export async function claimRun(
  storage: CheckpointStorage,
  latest: LatestCheckpoint,
): Promise<CompletedCheckpoint[]> {
  const found = latest.found;
  if (!found) return [];
  const run = found.stored.jobId;
  // The run's checkpoints and those it had claimed from earlier runs (a kill can come between a checkpoint and
  // the subsumption of a claimed one); oldest first, the restored one last: retention keeps it until the run's
  // own checkpoints replace it.
  const inherited = new Set(found.metadata.claimed ?? []);
  const ofRun = latest.all
    .filter((c) => (c.jobId === run || inherited.has(c.location)) && c.location !== found.location)
    .sort((a, b) => a.completionTime - b.completionTime);
  ofRun.push(found.stored);
  const claimed: CompletedCheckpoint[] = [];
  for (const c of ofRun) {
    const metadata =
      c.location === found.location ? found.metadata : await metadataOrStub(storage, c, found.metadata);
    claimed.push(completedAt(c.location, metadata));
  }
  return claimed;
}

/** A snapshot on disk as the coordinator's retention holds it. */
export function completedAt(location: string, metadata: CheckpointMetadata): CompletedCheckpoint {
  return {
    id: metadata.checkpointId,
    location,
    size: metadata.stateSize,
    duration: metadata.durationMs,
    metadata,
  };
}

/** A claimed checkpoint's `_metadata`; for one that cannot be read, a stand-in that lists no files. */
async function metadataOrStub(
  storage: CheckpointStorage,
  c: StoredCheckpoint,
  like: CheckpointMetadata,
): Promise<CheckpointMetadata> {
  try {
    return await storage.readMetadata(c.location);
  } catch {
    return { ...like, checkpointId: c.id, operators: [], sourceOffsets: {}, stateSize: 0 };
  }
}
