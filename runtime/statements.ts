// Carrying out compiled statements (SET, DDL, EXPLAIN, jobs, CHECKPOINT, SAVEPOINT, SHOW, STOP JOB): the CLI's and the playground's.
import type { Catalog } from '../compiler/catalog';
import type { CompiledJob, CompiledStatement } from '../compiler/compile';
import { explainJob } from '../compiler/explain/plan';
import type { CompletedCheckpoint } from './checkpoint/coordinator';
import { formatBytes, formatDuration } from './format';
import type { JobHandle } from './job';
import { showStatement } from './show';

/** What a session provides the statements with: where jobs run and where messages go. */
export interface SessionHost {
  /** An interactive shell prints confirmations; a script run stays quiet but for results. */
  readonly interactive: boolean;
  readonly catalog: Catalog;
  /** Every job the session started, in order. */
  jobs(): readonly JobHandle[];
  out(line: string): void;
  err(line: string): void;
  /** Starts a job (restoring it as the session decides); the host keeps it in `jobs()`. */
  startJob(job: CompiledJob): Promise<JobHandle>;
  /** EXPLAIN RESTORE FROM 'path': what restoring the job from `path` would do. */
  explainRestore(job: CompiledJob, path: string): Promise<string>;
  /** Told of each savepoint taken (the playground keeps them for download). */
  savepointTaken?(c: CompletedCheckpoint): void;
}

function running(host: SessionHost): JobHandle[] {
  return host.jobs().filter((j) => j.status() === 'RUNNING' || j.status() === 'RESTARTING');
}

/**
 * Carries out one compiled statement; throws (with a message for the user) when it cannot.
 * @example await executeStatement(compiler.compile('CHECKPOINT;').statements[0]!, host)
 */
export async function executeStatement(s: CompiledStatement, host: SessionHost): Promise<void> {
  const info = (msg: string) => {
    if (host.interactive) host.out(`[INFO] ${msg}`);
  };
  switch (s.kind) {
    case 'set':
      info(`'${s.key}' = '${s.value}'`);
      return;
    case 'reset':
      info(s.key ? `'${s.key}' reset` : 'all configuration reset');
      return;
    case 'createTable':
    case 'createView':
    case 'drop':
    case 'createFunction':
    case 'dropFunction':
      info('Execute statement succeeded.');
      return;
    case 'explain':
      if (s.restoreFrom !== undefined) {
        host.out(await host.explainRestore(s.job, s.restoreFrom));
        return;
      }
      host.out(explainJob(s.job, s.verbose));
      return;
    case 'job': {
      const handle = await host.startJob(s.job);
      if (
        host.interactive ||
        s.job.graph.operators.some((o) => o.spec.kind === 'sink' && o.spec.target.kind === 'collect')
      ) {
        host.err(`[INFO] Job '${handle.name}' started (id ${handle.id}).`);
      }
      return;
    }
    case 'checkpoint': {
      const jobs = running(host);
      if (jobs.length === 0) throw new Error('CHECKPOINT: no job is running');
      for (const job of jobs) {
        const c = await job.triggerCheckpoint();
        host.out(
          `Checkpoint ${c.id} of job '${job.name}' completed: ${c.location} (${formatBytes(c.size)}, ${formatDuration(c.duration)})`,
        );
      }
      return;
    }
    case 'savepoint': {
      const jobs = running(host);
      if (jobs.length === 0) throw new Error('SAVEPOINT: no job is running');
      for (const job of jobs) {
        const c = await job.triggerSavepoint(s.path);
        host.savepointTaken?.(c);
        host.out(
          `Savepoint of job '${job.name}' completed: ${c.location} (${formatBytes(c.size)}, ${formatDuration(c.duration)})`,
        );
      }
      return;
    }
    case 'show':
      host.out(showStatement(s.what, host.catalog, host.jobs()));
      return;
    case 'stopJob': {
      const jobs = host.jobs();
      const job = jobs.find((j) => j.name === s.job || j.id === s.job);
      if (!job)
        throw new Error(
          `STOP JOB: no job named '${s.job}' (jobs: ${jobs.map((j) => j.name).join(', ') || 'none'})`,
        );
      if (s.withSavepoint) {
        const c = await job.stopWithSavepoint();
        host.savepointTaken?.(c);
        host.out(
          `Job '${job.name}' stopped with savepoint ${c.location} (${formatBytes(c.size)}, ${formatDuration(c.duration)}).`,
        );
        return;
      }
      await job.cancel();
      host.out(`Job '${job.name}' stopped.`);
      return;
    }
  }
}
