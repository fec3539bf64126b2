// Ctrl-C and SIGTERM: the first stops every job with a final checkpoint (sinks commit) and says how to resume; a second aborts.
import type { JobHandle } from '../../job';

export interface GracefulStopOptions {
  /** The running jobs when the signal comes. */
  readonly jobs: () => readonly JobHandle[];
  /** The command that resumes these jobs, e.g. `weir run q.sql --from-checkpoint latest`. */
  readonly resumeCommand: string;
  readonly err: (line: string) => void;
  /** Called once the first signal arrived (the script stops starting statements). */
  readonly onStop?: () => void;
  /** Ends the process at once (the second signal); default: process.exit. */
  readonly abort?: (code: number) => void;
}

export interface GracefulStop {
  /** Whether a signal came (the exit status then is 130 for SIGINT, 143 for SIGTERM). */
  readonly signal: NodeJS.Signals | undefined;
  /**
   * After a signal: stops the running jobs not stopped yet (one started while the signal came) and resolves once
   * every job stopped and the resume command was printed; without a signal it resolves at once.
   */
  settle(): Promise<void>;
  /** Stops a signal from here on (the first one) by hand: the shell's Ctrl-C comes through readline. */
  stop(signal: NodeJS.Signals): void;
  dispose(): void;
}

/** Exit status for a run ended by `signal`: 128 + its number, as shells report it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : 130;
}

/** Shell-quotes an argument when it needs it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * Installs SIGINT and SIGTERM handlers. The first signal stops each running job with a final checkpoint (its
 * completion commits the sinks' output; the job's checkpoints are kept) and prints, per job, where it stopped and
 * the command that resumes it; a second signal ends the process at once.
 */
export function installGracefulStop(o: GracefulStopOptions): GracefulStop {
  let signal: NodeJS.Signals | undefined;
  const handled = new Set<JobHandle>();
  const stopping: Promise<void>[] = [];
  const abort = o.abort ?? ((code: number) => process.exit(code));

  /** Stops the running jobs not stopped yet; returns how many it stopped. */
  const stopRunning = (): number => {
    const running = o
      .jobs()
      .filter((j) => !handled.has(j) && (j.status() === 'RUNNING' || j.status() === 'RESTARTING'));
    for (const j of running) {
      handled.add(j);
      stopping.push(stopOne(j, o.err));
    }
    return running.length;
  };

  const stop = (sig: NodeJS.Signals): void => {
    if (signal !== undefined) {
      o.err(`[weir] ${sig} again: aborting at once (uncommitted output is replayed when the jobs resume)`);
      abort(signalExitCode(sig));
      return;
    }
    signal = sig;
    o.onStop?.();
    const n = o.jobs().filter((j) => j.status() === 'RUNNING' || j.status() === 'RESTARTING').length;
    if (n > 0)
      o.err(
        `[weir] ${sig}: stopping ${n} job${n === 1 ? '' : 's'} with a final checkpoint (${sig === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again aborts at once)`,
      );
    stopRunning();
  };
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  let settled: Promise<void> | undefined;
  return {
    get signal() {
      return signal;
    },
    settle() {
      if (signal === undefined) return Promise.resolve();
      stopRunning();
      settled ??= Promise.all(stopping).then(() => {
        if (handled.size > 0) o.err(`[weir] resume with: ${o.resumeCommand}`);
      });
      return settled;
    },
    stop,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

async function stopOne(job: JobHandle, err: (line: string) => void): Promise<void> {
  try {
    const c = await job.stopWithCheckpoint();
    err(
      `[weir] job '${job.name}' (job id ${job.id}) stopped at checkpoint ${c.id} (${c.location}); its output up to there is committed`,
    );
  } catch (e) {
    const latest = job
      .checkpoints()
      .filter((c) => c.status === 'COMPLETED')
      .at(-1);
    err(
      `[weir] job '${job.name}' (job id ${job.id}) stopped without a final checkpoint (${e instanceof Error ? e.message : String(e)}); ${latest ? `it resumes from checkpoint ${latest.id}` : 'it has no checkpoint: it starts from the beginning'}`,
    );
  }
}
