// The exactness counter: after a failure, the job's view at a checkpoint against a failure-free shadow run to the same offsets.
import type { CompiledJob } from '../../../compiler/index';
import type { JobStatus } from '../../../runtime/job';
import { runJob } from '../../../runtime/engine';
import { compareViews } from './changelog-view';
import { GatedReader, emittedOf } from './paced-reader';
import { pageConnectors } from './page-connectors';
import type { ExactnessFigures } from './protocol';
import { JobResults } from './results-sink';
import type { PlaygroundJob } from './playground-job';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const ended = (s: JobStatus) => s === 'FINISHED' || s === 'FAILED' || s === 'CANCELED';

/** The checked job as seen by the shadow: its own name (its checkpoints apart), no periodic checkpoints. */
function shadowJob(job: CompiledJob): CompiledJob {
  const config = { ...job.config };
  delete config['execution.checkpointing.interval'];
  return { ...job, name: `${job.name}-shadow`, config };
}

/** Where the compared views stand: a checkpoint (its id and the sources' offsets) or the end of a bounded job. */
type ComparePoint =
  | {
      readonly kind: 'checkpoint';
      readonly id: number;
      readonly offsets: Readonly<Record<string, readonly unknown[]>>;
    }
  | { readonly kind: 'end' };

export class ExactnessCheck {
  private checks = 0;
  private exact = 0;
  private last: ExactnessFigures['last'];
  private pending = false;
  private stopped = false;

  constructor(private readonly pj: PlaygroundJob) {}

  figures(): ExactnessFigures {
    return {
      checks: this.checks,
      exact: this.exact,
      pending: this.pending,
      ...(this.last ? { last: this.last } : {}),
    };
  }

  stop(): void {
    this.stopped = true;
  }

  /** Called when a failure is injected: once the job runs again (or has finished), checks its results. */
  afterFailure(): void {
    if (this.pending || !this.pj.results) return;
    this.pending = true;
    this.pj.results.keepCheckpointViews = true;
    void this.checkAfterRestart(this.pj.runner.metrics().restarts)
      .catch((e: unknown) =>
        this.pj.log(`the exactness check failed: ${e instanceof Error ? e.message : String(e)}`),
      )
      .finally(() => (this.pending = false));
  }

  private async checkAfterRestart(restartsBefore: number): Promise<void> {
    const r = this.pj.runner;
    const restarted = () => r.metrics().restarts > restartsBefore;
    while (!this.stopped && !(restarted() && r.status() === 'RUNNING')) {
      if (ended(r.status())) {
        // A bounded job that restarted and then ran to its end: compare the final results.
        if (restarted() && r.status() === 'FINISHED') await this.compare({ kind: 'end' });
        return;
      }
      await sleep(50);
    }
    // Let the restarted job replay what it lost and read on a little, then cut a checkpoint to compare at.
    await sleep(300);
    if (this.stopped) return;
    const c = r.status() === 'RUNNING' ? await r.triggerCheckpoint().catch(() => undefined) : undefined;
    if (c) await this.compare({ kind: 'checkpoint', id: c.id, offsets: c.metadata.sourceOffsets });
    else if (r.status() === 'FINISHED') await this.compare({ kind: 'end' });
  }

  /** Runs the shadow to the same point and compares its view with the job's. */
  private async compare(at: ComparePoint): Promise<void> {
    const results = this.pj.results!;
    const mine = at.kind === 'checkpoint' ? results.merged(at.id) : results.merged();
    const job = shadowJob(this.pj.job);
    // Readers are created in the engine's order: chains, their subtasks, then the chain's operators.
    const order: { uid: string; subtask: number }[] = [];
    for (const chain of job.graph.chains)
      for (let s = 0; s < chain.parallelism; s++)
        for (const opId of chain.operators) {
          const op = job.graph.operators[opId]!;
          if (op.spec.kind === 'source') order.push({ uid: op.uid, subtask: s });
        }
    const target = (i: number) => {
      const o = order[i % Math.max(1, order.length)];
      return at.kind === 'checkpoint' && o ? (emittedOf(at.offsets[o.uid]?.[o.subtask]) ?? 0) : Infinity;
    };
    const gates: GatedReader[] = [];
    const shadowResults = new JobResults(results.table, results.columns, results.types, true);
    shadowResults.keepCheckpointViews = true;
    const restore = this.pj.restoredFrom;
    const shadow = await runJob(
      job,
      {
        connectors: pageConnectors({
          pasted: this.pj.pasted,
          results: shadowResults,
          wrap: (reader) => {
            const i = gates.length;
            const gate = new GatedReader(reader, () => target(i));
            gates.push(gate);
            return gate;
          },
        }),
        // The page's storage, where a restored snapshot's files are; the shadow's own checkpoints go under its name.
        storage: this.pj.storage,
        print: () => {},
        log: () => {},
      },
      restore ? { restore } : {},
    );
    try {
      while (!this.stopped && shadow.status() === 'RUNNING' && !gates.every((g) => g.reached))
        await sleep(20);
      let theirs: Map<string, number>;
      if (at.kind === 'checkpoint' && shadow.status() === 'RUNNING') {
        const sc = await shadow.triggerCheckpoint();
        theirs = shadowResults.merged(sc.id);
      } else {
        await shadow.done;
        theirs = shadowResults.merged();
      }
      const { extra, missing } = compareViews(mine, theirs);
      const count = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
      this.checks++;
      if (extra === 0 && missing === 0) this.exact++;
      this.last = {
        checkpointId: at.kind === 'checkpoint' ? at.id : null,
        exact: extra === 0 && missing === 0,
        rows: count(mine),
        shadowRows: count(theirs),
        extra,
        missing,
        // At the end, the whole input: what the failure-free shadow read.
        events: shadow.metrics().recordsIn,
      };
      if (at.kind === 'checkpoint') {
        let events = 0;
        for (let i = 0; i < order.length; i++) events += target(i);
        this.last = { ...this.last, events };
      }
    } finally {
      await shadow.cancel();
    }
  }
}
