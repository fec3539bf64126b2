// The playground's SQL session in the worker: the statements of `weir run`/`weir sql`, on the core runtime only.
import { Compiler, explainJobJson, type CompiledJob } from '../../../compiler/index';
import { MemoryCheckpointStorage } from '../../../runtime/checkpoint/memory-storage';
import { formatRestorePlan, restorePlan } from '../../../runtime/checkpoint/restore-plan';
import { setting } from '../../../runtime/engine';
import { formatBytes } from '../../../runtime/format';
import { unalignedSummary } from '../../../runtime/show';
import { type SessionHost, executeStatement } from '../../../runtime/statements';
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
        await executeStatement(s, this.host());
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

  /** The page's side of the statements (shared with the CLI: runtime/statements.ts). */
  private host(): SessionHost {
    return {
      interactive: true,
      catalog: this.compiler.catalog,
      jobs: () => this.jobs.map((j) => j.runner),
      out: (l) => this.out(l),
      err: (l) => this.err(l),
      startJob: async (job) => (await this.start(job)).runner,
      explainRestore: async (job, path) => {
        const found = await this.shelf.find(path);
        const ignore = setting(job.config, 'execution.state-recovery.ignore-unclaimed-state') === 'true';
        return formatRestorePlan(restorePlan(found.metadata, job, ignore), found.location, formatBytes);
      },
      savepointTaken: (c) => {
        this.shelf.add(c.location);
        this.post({ type: 'savepoint', location: c.location, size: c.size });
      },
    };
  }

  private async start(job: CompiledJob): Promise<PlaygroundJob> {
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
    void pj.runner.done.then((r) => {
      const m = pj.runner.metrics();
      const done = pj.runner.checkpoints().filter((c) => c.status === 'COMPLETED').length;
      const unaligned = unalignedSummary(pj.runner.checkpoints());
      this.err(
        `[weir] job '${pj.name}' ${r.status.toLowerCase()}: ${m.recordsIn} records in, ${m.recordsOut} out, ${done} checkpoint${done === 1 ? '' : 's'}${m.restarts ? `, ${m.restarts} restart${m.restarts === 1 ? '' : 's'}` : ''}${unaligned ? `, ${unaligned}` : ''}`,
      );
      if (r.status === 'FAILED') this.err(`Job '${pj.name}' failed: ${r.error}`);
    });
    return pj;
  }
}
