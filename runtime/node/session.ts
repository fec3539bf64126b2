// The SQL session: compiles statements and carries them out — SET, DDL, jobs, CHECKPOINT, SHOW, STOP JOB.
import { Compiler, type CompiledJob, type CompiledStatement } from '../../compiler/index';
import { formatDiagnostic } from '../../grammar/diagnostics';
import type { JobHandle } from '../job';
import { formatRecordCounts } from '../job-metrics';
import { unalignedSummary } from '../show';
import { explainRestore, startJob } from './environment';
import { NodeUdfLoader } from './udf-loader';
import { type SessionHost, executeStatement } from '../statements';

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
  private readonly udfLoader = new NodeUdfLoader();
  private readonly out: (line: string) => void;
  private readonly err: (line: string) => void;

  constructor(private readonly options: SessionOptions) {
    this.compiler = new Compiler({
      scriptName: options.scriptName,
      config: options.config,
      udfLoader: this.udfLoader,
    });
    this.out = options.out ?? ((l) => process.stdout.write(`${l}\n`));
    this.err = options.err ?? ((l) => process.stderr.write(`${l}\n`));
  }

  /**
   * Compiles the whole text first: if any statement has an error, nothing runs and every error is printed.
   * Returns false on errors (of the script, or of a statement that failed while running).
   */
  async runScript(file: string, text: string): Promise<boolean> {
    await this.udfLoader.preload(file, text);
    const result = this.compiler.compile(text);
    for (const d of result.diagnostics) this.err(formatDiagnostic(file, text, d));
    if (result.diagnostics.some((d) => d.severity === 'error')) return false;
    this.scriptJobs = result.statements.flatMap((s) => (s.kind === 'job' ? [s.job] : []));
    for (const s of result.statements) {
      // A graceful stop (Ctrl-C) ends the script: the statements after it do not run.
      if (this.interrupted) return true;
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

  /** Set by a graceful stop: the script runs no further statements. */
  private interrupted = false;

  interrupt(): void {
    this.interrupted = true;
  }

  execute(s: CompiledStatement): Promise<void> {
    return executeStatement(s, this.host());
  }

  /** The CLI's side of the statements: jobs start under Node, restored as the command line or SET asks. */
  private host(): SessionHost {
    return {
      interactive: this.options.interactive,
      catalog: this.compiler.catalog,
      jobs: () => this.jobs,
      out: this.out,
      err: this.err,
      startJob: async (job) => {
        const handle = await startJob(job, {
          recovery: this.recoveryFor(job.config),
          taken: this.taken,
          others: this.scriptJobs.filter((j) => j !== job),
          out: this.out,
          err: this.err,
          interactive: this.options.interactive,
        });
        this.jobs.push(handle);
        return handle;
      },
      explainRestore,
    };
  }

  /** Snapshot folders this session's jobs restored from. */
  private readonly taken = new Set<string>();
  /** The jobs of the script being run: a snapshot one of them restores is not another's by name. */
  private scriptJobs: CompiledJob[] = [];

  /** What a new job restores from: the command line's choice, or `execution.state-recovery.path`. */
  private recoveryFor(
    config: Readonly<Record<string, string>>,
  ): { kind: 'checkpoint' | 'savepoint'; path: string } | undefined {
    if (this.options.fromSavepoint) return { kind: 'savepoint', path: this.options.fromSavepoint };
    if (this.options.fromCheckpoint) return { kind: 'checkpoint', path: this.options.fromCheckpoint };
    const path = config['execution.state-recovery.path'];
    return path ? { kind: 'checkpoint', path } : undefined;
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
        unalignedSummary(j.checkpoints()) ?? '',
      ].filter(Boolean);
      this.err(
        `[weir] job '${j.name}' ${r.status.toLowerCase()}: ${formatRecordCounts(m)}, ${done} checkpoint${done === 1 ? '' : 's'}${extra.length ? `, ${extra.join(', ')}` : ''}`,
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
