// The exactness counter: after a failure, the job's view at a checkpoint against a failure-free shadow run to the same offsets.
import type { CompiledJob } from '../../../compiler/index';
import { runJob } from '../../../runtime/engine';
import { compareViews } from './changelog-view';
import { GatedReader, emittedOf } from './paced-reader';
import { pageConnectors } from './page-connectors';
import type { ExactnessFigures } from './protocol';
import { JobResults } from './results-sink';
import type { PlaygroundJob } from './playground-job';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The checked job as seen by the shadow: no periodic checkpoints, nothing to restore but the job's own start. */
function shadowJob(job: CompiledJob): CompiledJob {
  const config = { ...job.config };
  delete config['execution.checkpointing.interval'];
  return { ...job, name: `${job.name}-shadow`, config };
}

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

  /** Called when a failure is injected: once the job runs again, checks its results. */
  afterFailure(): void {
    if (this.pending || !this.pj.results) return;
    this.pending = true;
    this.pj.results.keepCheckpointViews = true;
    void this.checkAfterRestart(this.pj.runner.metrics().restarts).finally(() => (this.pending = false));
  }

  private async checkAfterRestart(restartsBefore: number): Promise<void> {
    const r = this.pj.runner;
    while (!this.stopped && (r.metrics().restarts <= restartsBefore || r.status() !== 'RUNNING')) {
      if (r.status() === 'FINISHED' || r.status() === 'FAILED' || r.status() === 'CANCELED') return;
      await sleep(50);
    }
    // Let the restarted job replay what it lost and read on a little, then cut a checkpoint to compare at.
    await sleep(300);
    if (this.stopped || r.status() !== 'RUNNING') return;
    const c = await r.triggerCheckpoint().catch(() => undefined);
    if (!c || this.stopped) return;
    await this.compare(c.id, c.metadata.sourceOffsets);
  }

  /** Runs the shadow to the checkpoint's source offsets and compares its view with the job's at that checkpoint. */
  private async compare(id: number, offsets: Readonly<Record<string, readonly unknown[]>>): Promise<void> {
    const results = this.pj.results!;
    const mine = results.merged(id);
    const job = shadowJob(this.pj.job);
    // Readers are created in the engine's order: chains, their subtasks, then the chain's operators.
    const order: { uid: string; subtask: number }[] = [];
    for (const chain of job.graph.chains)
      for (let s = 0; s < chain.parallelism; s++)
        for (const opId of chain.operators) {
          const op = job.graph.operators[opId]!;
          if (op.spec.kind === 'source') order.push({ uid: op.uid, subtask: s });
        }
    const gates: GatedReader[] = [];
    let events = 0;
    for (const o of order) events += emittedOf(offsets[o.uid]?.[o.subtask]) ?? 0;
    const shadowResults = new JobResults(results.table, results.columns, true);
    shadowResults.keepCheckpointViews = true;
    const restore = this.pj.restoredFrom;
    const shadow = await runJob(
      job,
      {
        connectors: pageConnectors({
          pasted: this.pj.pasted,
          results: shadowResults,
          wrap: (reader) => {
            const at = order[gates.length % Math.max(1, order.length)];
            const gate = new GatedReader(reader, () =>
              at ? (emittedOf(offsets[at.uid]?.[at.subtask]) ?? 0) : 0,
            );
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
      if (shadow.status() === 'RUNNING') {
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
        checkpointId: id,
        exact: extra === 0 && missing === 0,
        rows: count(mine),
        shadowRows: count(theirs),
        extra,
        missing,
        events,
      };
    } finally {
      await shadow.cancel();
    }
  }
}
