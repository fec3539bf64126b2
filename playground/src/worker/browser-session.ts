// The playground's SQL session in the worker: the statements of `weir run`/`weir sql`, on the core runtime only.
import {
  Compiler,
  explainJob,
  explainJobJson,
  type CompiledJob,
  type CompiledStatement,
} from '../../../compiler/index';
import { MemoryCheckpointStorage } from '../../../runtime/checkpoint/memory-storage';
import { formatRestorePlan, restorePlan } from '../../../runtime/checkpoint/restore-plan';
import { setting } from '../../../runtime/engine';
import { formatBytes, formatDuration } from '../../../runtime/format';
import { showStatement } from '../../../runtime/show';
import { Pacer } from './paced-reader';
import { PlaygroundJob } from './playground-job';
import type { FromWorker } from './protocol';
import { SavepointShelf } from './savepoint-shelf';

/** Defaults of the page: in-memory checkpoint storage (the jobmanager storage of Flink). */
const PAGE_CONFIG: Readonly<Record<string, string>> = { 'execution.checkpointing.storage': 'jobmanager' };

export class BrowserSession {
  private compiler = new Compiler({ scriptName: 'playground', config: PAGE_CONFIG });
  readonly jobs: PlaygroundJob[] = [];
  /** One storage for the page's life: savepoints outlive the runs that took them. */
  readonly storage = new MemoryCheckpointStorage(512 * 1024 * 1024);
  readonly shelf = new SavepointShelf(this.storage);
  readonly pacer: Pacer;
  pasted = new Map<string, string>();

  constructor(
    private readonly post: (m: FromWorker) => void,
    rate: number,
  ) {
    this.pacer = new Pacer(rate);
  }

  private out(text: string): void {
    this.post({ type: 'log', level: 'out', text });
  }

  private err(text: string): void {
    this.post({ type: 'log', level: 'err', text });
  }

  /** As `weir run`: a fresh session; the whole script compiles first, and nothing runs if any statement has an error. */
  async runScript(text: string, config: Readonly<Record<string, string>> = {}): Promise<boolean> {
    await this.reset(config);
    return this.runStatements(text);
  }

  /** As a line of `weir sql`: statements run in the current session. */
  async runStatements(text: string): Promise<boolean> {
    const result = this.compiler.compile(text);
    for (const d of result.diagnostics)
      this.err(`${d.span.line}:${d.span.column}: ${d.severity}: ${d.message}`);
    if (result.diagnostics.some((d) => d.severity === 'error')) return false;
    for (const s of result.statements) {
      try {
        await this.execute(s);
      } catch (e) {
        this.err(`${s.span.line}:${s.span.column}: error: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    }
    return true;
  }

  async reset(config: Readonly<Record<string, string>> = {}): Promise<void> {
    for (const j of this.jobs) await j.cancel();
    this.jobs.length = 0;
    this.compiler = new Compiler({ scriptName: 'playground', config: { ...PAGE_CONFIG, ...config } });
  }

  running(): PlaygroundJob[] {
    return this.jobs.filter((j) => j.runner.status() === 'RUNNING' || j.runner.status() === 'RESTARTING');
  }

  private async execute(s: CompiledStatement): Promise<void> {
    switch (s.kind) {
      case 'set':
        this.out(`[INFO] '${s.key}' = '${s.value}'`);
        return;
      case 'reset':
        this.out(`[INFO] ${s.key ? `'${s.key}' reset` : 'all configuration reset'}`);
        return;
      case 'createTable':
      case 'createView':
      case 'drop':
        this.out('[INFO] Execute statement succeeded.');
        return;
      case 'explain': {
        if (s.restoreFrom !== undefined) {
          const found = await this.shelf.find(s.restoreFrom);
          const ignore = setting(s.job.config, 'execution.state-recovery.ignore-unclaimed-state') === 'true';
          this.out(
            formatRestorePlan(restorePlan(found.metadata, s.job, ignore), found.location, formatBytes),
          );
          return;
        }
        this.out(explainJob(s.job, s.verbose));
        return;
      }
      case 'job':
        await this.start(s.job);
        return;
      case 'checkpoint': {
        const running = this.running();
        if (running.length === 0) throw new Error('CHECKPOINT: no job is running');
        for (const job of running) {
          const c = await job.runner.triggerCheckpoint();
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
          const dir = s.path ?? setting(job.job.config, 'execution.checkpointing.savepoint-dir')!;
          const c = await job.runner.triggerSavepoint(running.length > 1 ? `${dir}/${job.name}` : dir);
          this.shelf.add(s.path ?? dir, c.location);
          this.post({ type: 'savepoint', location: c.location, size: c.size });
          this.out(
            `Savepoint of job '${job.name}' completed: ${c.location} (${formatBytes(c.size)}, ${formatDuration(c.duration)})`,
          );
        }
        return;
      }
      case 'show':
        this.out(
          showStatement(
            s.what,
            this.compiler.catalog,
            this.jobs.map((j) => j.runner),
          ),
        );
        return;
      case 'stopJob': {
        const job = this.jobs.find((j) => j.name === s.job || j.runner.id === s.job);
        if (!job)
          throw new Error(
            `STOP JOB: no job named '${s.job}' (jobs: ${this.jobs.map((j) => j.name).join(', ') || 'none'})`,
          );
        if (s.withSavepoint) {
          const c = await job.runner.stopWithSavepoint();
          this.shelf.add(setting(job.job.config, 'execution.checkpointing.savepoint-dir')!, c.location);
          this.post({ type: 'savepoint', location: c.location, size: c.size });
          this.out(`Job '${job.name}' stopped with savepoint ${c.location} (${formatBytes(c.size)}).`);
          return;
        }
        await job.runner.cancel();
        this.out(`Job '${job.name}' stopped.`);
        return;
      }
    }
  }

  private async start(job: CompiledJob): Promise<void> {
    const path = job.config['execution.state-recovery.path'] ?? job.config['execution.savepoint.path'];
    const restore = path ? await this.shelf.find(path) : undefined;
    if (restore)
      this.err(`[weir] job '${job.name}' restores from ${restore.metadata.kind} ${restore.location}`);
    const pj = await PlaygroundJob.start(job, {
      storage: this.storage,
      pacer: this.pacer,
      pasted: this.pasted,
      restore,
      print: (line) => this.out(line),
      log: (m) => this.err(`[weir] ${m}`),
    });
    this.jobs.push(pj);
    this.post({ type: 'job', name: pj.name, id: pj.runner.id, plan: explainJobJson(job) });
    this.err(`[INFO] Job '${pj.name}' started (id ${pj.runner.id}).`);
    void pj.runner.done.then((r) => {
      const m = pj.runner.metrics();
      const done = pj.runner.checkpoints().filter((c) => c.status === 'COMPLETED').length;
      this.err(
        `[weir] job '${pj.name}' ${r.status.toLowerCase()}: ${m.recordsIn} records in, ${m.recordsOut} out, ${done} checkpoint${done === 1 ? '' : 's'}${m.restarts ? `, ${m.restarts} restart${m.restarts === 1 ? '' : 's'}` : ''}`,
      );
      if (r.status === 'FAILED') this.err(`Job '${pj.name}' failed: ${r.error}`);
    });
  }
}
