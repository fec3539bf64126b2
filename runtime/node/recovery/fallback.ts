// The fallback rule: a resume that must skip newer, unusable checkpoints knows their output was committed, and says so.
import type { CompiledJob } from '../../../compiler/index';
import { sinkIdempotence } from '../../connectors/sink-idempotence';
import { setting } from '../../engine';
import { type LatestCheckpoint, describeCheckpoint } from './latest-checkpoint';

/**
 * Whether the job may resume from `latest.found` when newer completed checkpoints are unusable: their output was
 * committed, so the resume writes it again. Allowed when every sink is idempotent or the job sets
 * `weir.state-recovery.accept-replayed-output`; otherwise the error says what would repeat and the ways on.
 * Returns the notice to print (undefined when nothing was skipped).
 */
export function checkFallback(job: CompiledJob, latest: LatestCheckpoint): string | undefined {
  const { found, unusable } = latest;
  if (!found || unusable.length === 0) return undefined;
  const skipped = unusable.map((u) => `${describeCheckpoint(job.name, u.stored)}: ${u.reason}`).join('; ');
  const older = describeCheckpoint(job.name, found.stored);
  const sinks = sinkIdempotence(job.graph);
  const replaying = sinks.filter((s) => !s.idempotent);
  const ids = unusable.map((u) => u.stored.id).join(', ');
  if (replaying.length === 0)
    return `newer checkpoints are unusable (${skipped}); resuming from ${older}: every sink is idempotent (${sinks.map((s) => `${s.name}: ${s.connector}`).join(', ')}), so the rows replayed since then overwrite themselves`;
  if (setting(job.config, 'weir.state-recovery.accept-replayed-output') === 'true')
    return `newer checkpoints are unusable (${skipped}); resuming from ${older} as 'weir.state-recovery.accept-replayed-output' allows: the output committed by checkpoint${unusable.length === 1 ? '' : 's'} ${ids} is written again into ${replaying.map((s) => `${s.name} (${s.connector})`).join(', ')}`;
  throw new Error(
    `cannot resume job '${job.name}' without repeating committed output: the newest completed checkpoint${unusable.length === 1 ? ' is' : 's are'} unusable (${skipped}). ` +
      `The newest usable one is ${older} (${found.location}), but the output of checkpoint${unusable.length === 1 ? '' : 's'} ${ids} after it was already committed to ${replaying.map((s) => `${s.name} (${s.connector})`).join(', ')}, which ${replaying.length === 1 ? 'is' : 'are'} not idempotent: resuming from it would write that output again. ` +
      `Either repair the newer checkpoint (restore its files from a backup) and resume again, ` +
      `or accept the repeated output with -D weir.state-recovery.accept-replayed-output=true (or SET 'weir.state-recovery.accept-replayed-output' = 'true'), ` +
      `or start without state into a fresh output.`,
  );
}
