// One job running in the worker: the engine's runner plus what the page shows (results, operators, barriers, failures).
import type { CompiledJob } from '../../../compiler/index';
import type { CheckpointMetadata } from '../../../runtime/checkpoint/metadata';
import type { CheckpointStorage } from '../../../runtime/checkpoint/storage';
import { formatCell } from '../../../runtime/connectors/values';
import { type JobRunner, runJob, setting } from '../../../runtime/engine';
import type { StreamTask } from '../../../runtime/task/stream-task';
import { ExactnessCheck } from './exactness';
import { type Pacer } from './paced-reader';
import type { JobFigures, OperatorFigures, ResultsFigures } from './protocol';
import { pageConnectors } from './page-connectors';
import { JobResults } from './results-sink';

export interface PlaygroundJobOptions {
  readonly storage: CheckpointStorage;
  readonly pacer: Pacer;
  readonly pasted: ReadonlyMap<string, string>;
  readonly restore?: { readonly metadata: CheckpointMetadata; readonly location: string };
  readonly print: (line: string) => void;
  readonly log: (message: string) => void;
}

/** Rows of the view sent to the page at most. */
const SHOWN_ROWS = 200;
/** Views up to this many distinct rows are sorted before they are shown. */
const SORTED_ROWS = 20_000;

export class PlaygroundJob {
  /** The running attempt's tasks (seen through the engine's schedule hook). */
  private tasks: readonly StreamTask[] = [];
  private failNext = false;
  /** Per checkpoint id, the tasks (chain-subtask keys) that acknowledged it, with the ms since its trigger. */
  private readonly acks = new Map<number, Map<string, number>>();
  readonly exactness: ExactnessCheck;

  private constructor(
    readonly job: CompiledJob,
    readonly results: JobResults | undefined,
    private readonly o: PlaygroundJobOptions,
  ) {
    this.exactness = new ExactnessCheck(this);
  }

  runner!: JobRunner;
  private readonly started = performance.now();
  private ended: number | undefined;

  get name(): string {
    return this.job.name;
  }

  /** A line in the page's console, as the engine's own messages. */
  log(message: string): void {
    this.o.log(message);
  }

  get storage(): CheckpointStorage {
    return this.o.storage;
  }

  get pasted(): ReadonlyMap<string, string> {
    return this.o.pasted;
  }

  /** The snapshot the job started from, if any (the shadow run starts there too). */
  get restoredFrom(): PlaygroundJobOptions['restore'] {
    return this.o.restore;
  }

  static async start(job: CompiledJob, o: PlaygroundJobOptions): Promise<PlaygroundJob> {
    const sink = job.graph.operators.find((op) => op.spec.kind === 'sink');
    const target = sink?.spec.kind === 'sink' ? sink.spec.target : undefined;
    const shown = target && (target.kind !== 'table' || target.table.connector !== 'blackhole');
    const results =
      sink && shown
        ? new JobResults(
            target.kind === 'table' ? target.table.name : 'SELECT',
            sink.schema.map((f) => f.name),
            sink.schema.map((f) => f.type),
            setting(job.config, 'execution.checkpointing.mode')!.toUpperCase() === 'EXACTLY_ONCE',
          )
        : undefined;
    const pj = new PlaygroundJob(job, results, o);
    pj.runner = await runJob(
      job,
      {
        connectors: pageConnectors({ pasted: o.pasted, pacer: o.pacer, results }),
        storage: o.storage,
        print: (line) => o.print(line),
        log: o.log,
        schedule: (tasks) => (pj.tasks = tasks),
        beforeStep: (task) => pj.maybeFail(task),
        onAcknowledge: (key, id) => {
          const s = pj.acks.get(id) ?? new Map<string, number>();
          const trigger = pj.runner.checkpoints().find((c) => c.id === id)?.triggerTime ?? Date.now();
          s.set(key, Date.now() - trigger);
          pj.acks.set(id, s);
          pj.acks.delete(id - 16);
        },
      },
      o.restore ? { restore: o.restore } : {},
    );
    void pj.runner.done.then(() => (pj.ended = performance.now()));
    return pj;
  }

  /** The next step of the job's first stateful task (or its last task) throws: the job fails over. */
  fail(): void {
    this.failNext = true;
    this.exactness.afterFailure();
  }

  private maybeFail(task: StreamTask): void {
    if (!this.failNext) return;
    const target =
      this.tasks.find((t) => t.members.some((m) => m.ctx.operator.stateful)) ?? this.tasks.at(-1);
    if (task !== target) return;
    this.failNext = false;
    throw new Error('a task failure injected from the page');
  }

  async cancel(): Promise<void> {
    this.exactness.stop();
    await this.runner.cancel();
  }

  figures(at: number): JobFigures {
    const r = this.runner;
    const m = r.metrics();
    const ops = new Map<
      string,
      { recordsIn: number; recordsOut: number; stateEntries: number; watermark: number }
    >();
    for (const t of this.tasks)
      for (const member of t.members) {
        const uid = member.ctx.operator.uid;
        const f = ops.get(uid) ?? { recordsIn: 0, recordsOut: 0, stateEntries: 0, watermark: Infinity };
        f.recordsIn += member.ctx.metrics.recordsIn;
        f.recordsOut += member.ctx.metrics.recordsOut;
        f.stateEntries += member.ctx.state?.numEntries() ?? 0;
        f.watermark = Math.min(f.watermark, member.ctx.metrics.watermark);
        ops.set(uid, f);
      }
    const operators: OperatorFigures[] = [...ops].map(([uid, f]) => ({
      uid,
      recordsIn: f.recordsIn,
      recordsOut: f.recordsOut,
      stateEntries: f.stateEntries,
      watermark: Number.isFinite(f.watermark) ? f.watermark : null,
    }));
    const checkpoints = r.checkpoints();
    const newest = checkpoints.at(-1);
    return {
      name: this.name,
      id: r.id,
      status: r.status(),
      mode: setting(this.job.config, 'execution.checkpointing.mode')!,
      restarts: m.restarts,
      recordsIn: m.recordsIn,
      recordsOut: m.recordsOut,
      operators,
      checkpoints: checkpoints.slice(-50).map((c) => ({ ...c })),
      ...(newest
        ? {
            barrier: {
              id: newest.id,
              inProgress: newest.status === 'IN_PROGRESS',
              acked: [...(this.acks.get(newest.id) ?? [])].map(([task, ms]) => ({ task, ms })),
            },
          }
        : {}),
      ...(this.results ? { results: this.resultFigures(this.results) } : {}),
      exactness: this.exactness.figures(),
      at,
      elapsedMs: (this.ended ?? performance.now()) - this.started,
    };
  }

  private resultFigures(res: JobResults): ResultsFigures {
    const counts = { '+I': 0, '-U': 0, '+U': 0, '-D': 0 };
    let missing = 0;
    let total = 0;
    const entries: { row: readonly unknown[]; n: number }[] = [];
    const distinct = res.views.reduce((n, v) => n + (v ? v.rows.size : 0), 0);
    for (const v of res.views) {
      if (!v) continue;
      for (const k of ['+I', '-U', '+U', '-D'] as const) counts[k] += v.counts[k];
      missing += v.missingRetractions;
      total += v.size;
      // A large view is shown by its first rows as they come; a small one sorted (keys differ per subtask).
      let taken = 0;
      for (const e of v.rows.values()) {
        if (distinct > SORTED_ROWS && taken++ >= SHOWN_ROWS) break;
        entries.push(e);
      }
    }
    const shown = distinct <= SORTED_ROWS ? entries.sort((a, b) => compareRows(a.row, b.row)) : entries;
    return {
      table: res.table,
      columns: res.columns,
      rows: shown.slice(0, SHOWN_ROWS).map((e) => ({
        row: e.row.map((v, i) => formatCell(v, res.types[i])),
        n: e.n,
      })),
      total,
      counts,
      missingRetractions: missing,
    };
  }
}

/** Rows in column order: numbers by value, everything else as text; NULL first. */
function compareRows(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null || x === undefined) return -1;
    if (y === null || y === undefined) return 1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
