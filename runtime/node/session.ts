// The SQL session: compiles statements and carries them out — SET, DDL, jobs, CHECKPOINT, SHOW, STOP JOB.
import { Compiler, explainJob, type CompiledJob, type CompiledStatement } from '../../compiler/index';
import { formatDiagnostic } from '../../grammar/diagnostics';
import type { JobHandle } from '../job';
import { explainRestore, startJob } from './environment';
import { formatBytes, formatDuration } from './format';
import { showStatement } from '../show';

export interface SessionOptions {
  readonly config?: Readonly<Record<string, string>>;
  readonly fromCheckpoint?: string;
  readonly fromSavepoint?: string;
  /** An interactive shell prints confirmations; a script run stays quiet but for results. */
  readonly interactive: boolean;
  readonly scriptName?: string;
  /** Where results and messages go (default: the process's stdout/stderr). */
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

export class Session {
  readonly compiler: Compiler;
  readonly jobs: JobHandle[] = [];
  private readonly out: (line: string) => void;
  private readonly err: (line: string) => void;

  constructor(private readonly options: SessionOptions) {
    this.compiler = new Compiler({ scriptName: options.scriptName, config: options.config });
    this.out = options.out ?? ((l) => process.stdout.write(`${l}\n`));
    this.err = options.err ?? ((l) => process.stderr.write(`${l}\n`));
  }

  /**
   * Compiles the whole text first: if any statement has an error, nothing runs and every error is printed.
   * Returns false on errors (of the script, or of a statement that failed while running).
   */
  async runScript(file: string, text: string): Promise<boolean> {
    const result = this.compiler.compile(text);
    for (const d of result.diagnostics) this.err(formatDiagnostic(file, text, d));
    if (result.diagnostics.some((d) => d.severity === 'error')) return false;
    this.scriptJobs = result.statements.flatMap((s) => (s.kind === 'job' ? [s.job] : []));
    for (const s of result.statements) {
      try {
        await this.execute(s);
      } catch (e) {
        this.err(
          `${file}:${s.span.line}:${s.span.column}: error: ${e instanceof Error ? e.message : String(e)}`,
        );
        return false;
      }
    }
    return true;
  }

  async execute(s: CompiledStatement): Promise<void> {
    const info = (msg: string) => {
      if (this.options.interactive) this.out(`[INFO] ${msg}`);
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
        info('Execute statement succeeded.');
        return;
      case 'explain':
        if (s.restoreFrom !== undefined) {
          this.out(await explainRestore(s.job, s.restoreFrom));
          return;
        }
        this.out(explainJob(s.job, s.verbose));
        return;
      case 'job': {
        const recovery = this.recoveryFor(s.job.name, s.job.config);
        const handle = await startJob(s.job, {
          recovery,
          claimed: this.claimed,
          others: this.scriptJobs.filter((j) => j !== s.job),
          out: this.out,
          err: this.err,
          interactive: this.options.interactive,
        });
        this.jobs.push(handle);
        if (
          this.options.interactive ||
          s.job.graph.operators.some((o) => o.spec.kind === 'sink' && o.spec.target.kind === 'collect')
        ) {
          this.err(`[INFO] Job '${handle.name}' started (id ${handle.id}).`);
        }
        return;
      }
      case 'checkpoint': {
        const running = this.running();
        if (running.length === 0) throw new Error('CHECKPOINT: no job is running');
        for (const job of running) {
          const c = await job.triggerCheckpoint();
          this.out(
            `Checkpoint ${c.id} of job '${job.name}' completed: ${c.location} (${formatBytes(c.size)}, ${formatDuration(c.duration)})`,
          );
        }
        return;
      }
      case 'savepoint': {
        const running = this.running();
        if (running.length === 0) throw new Error('SAVEPOINT: no job is running');
        for (const job of running) {
          const c = await job.triggerSavepoint(s.path);
          this.out(
            `Savepoint of job '${job.name}' completed: ${c.location} (${formatBytes(c.size)}, ${formatDuration(c.duration)})`,
          );
        }
        return;
      }
      case 'show':
        this.out(showStatement(s.what, this.compiler.catalog, this.jobs));
        return;
      case 'stopJob': {
        const job = this.jobs.find((j) => j.name === s.job || j.id === s.job);
        if (!job)
          throw new Error(
            `STOP JOB: no job named '${s.job}' (jobs: ${this.jobs.map((j) => j.name).join(', ') || 'none'})`,
          );
        if (s.withSavepoint) {
          const c = await job.stopWithSavepoint();
          this.out(
            `Job '${job.name}' stopped with savepoint ${c.location} (${formatBytes(c.size)}, ${formatDuration(c.duration)}).`,
          );
          return;
        }
        await job.cancel();
        this.out(`Job '${job.name}' stopped.`);
        return;
      }
    }
  }

  /** Snapshot folders this session's jobs restored from. */
  private readonly claimed = new Set<string>();
  /** The jobs of the script being run: a snapshot one of them restores is not another's by name. */
  private scriptJobs: CompiledJob[] = [];

  private running(): JobHandle[] {
    return this.jobs.filter((j) => j.status() === 'RUNNING' || j.status() === 'RESTARTING');
  }

  /** What a new job restores from: the command line's choice, or `execution.state-recovery.path`. */
  private recoveryFor(
    jobName: string,
    config: Readonly<Record<string, string>>,
  ): { kind: 'checkpoint' | 'savepoint'; path: string } | undefined {
    if (this.options.fromSavepoint) return { kind: 'savepoint', path: this.options.fromSavepoint };
    if (this.options.fromCheckpoint) return { kind: 'checkpoint', path: this.options.fromCheckpoint };
    const path = config['execution.state-recovery.path'];
    return path ? { kind: 'checkpoint', path } : undefined;
    void jobName;
  }

  /** Waits for every job started by the session, printing each one's summary; true when one failed. */
  async awaitJobs(): Promise<boolean> {
    let failed = false;
    for (const j of this.jobs) {
      const r = await j.done;
      const m = j.metrics();
      const done = j.checkpoints().filter((c) => c.status === 'COMPLETED').length;
      const extra = [
        m.lateRecords ? `${m.lateRecords} late records dropped` : '',
        m.badRecords ? `${m.badRecords} bad records skipped` : '',
        m.restarts ? `${m.restarts} restart${m.restarts === 1 ? '' : 's'}` : '',
      ].filter(Boolean);
      this.err(
        `[weir] job '${j.name}' ${r.status.toLowerCase()}: ${m.recordsIn} records in, ${m.recordsOut} out, ${done} checkpoint${done === 1 ? '' : 's'}${extra.length ? `, ${extra.join(', ')}` : ''}`,
      );
      if (r.status === 'FAILED') {
        failed = true;
        this.err(`Job '${j.name}' failed: ${r.error}`);
      }
    }
    return failed;
  }

  async close(): Promise<void> {
    for (const j of this.jobs) if (j.status() === 'RUNNING') await j.cancel();
  }
}
