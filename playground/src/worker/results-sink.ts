// The page's results sink (print, collect and filesystem tables): each subtask keeps its part of the view.
import type { SqlType } from '../../../compiler/types';
import type { ConnectorContext, SinkWriter } from '../../../runtime/connectors/connector';
import type { RecordBatch } from '../../../runtime/messages';
import { ChangelogView } from './changelog-view';

/**
 * The results of one sink table of one job. With EXACTLY_ONCE the view is the sink's checkpointed state: a
 * restart rolls it back to the checkpoint, and replayed rows land once. With AT_LEAST_ONCE rows stay as
 * written (as Flink's print sink), so rows replayed after a restart show up twice.
 */
export class JobResults {
  readonly views: ChangelogView[] = [];
  /** The view (merged over subtasks, row key → count) as of each recent checkpoint's barrier. */
  readonly atCheckpoint = new Map<number, Map<number, Map<string, number>>>();
  /** Copies the view at each barrier (for the exactness check, from the first injected failure on). */
  keepCheckpointViews = false;

  constructor(
    readonly table: string,
    readonly columns: readonly string[],
    /** The columns' types: values are shown as Flink's SQL client shows them. */
    readonly types: readonly SqlType[],
    readonly exactlyOnce: boolean,
  ) {}

  writer(): SinkWriter {
    return new ResultsWriter(this);
  }

  merged(at?: number): Map<string, number> {
    const out = new Map<string, number>();
    const parts =
      at === undefined
        ? this.views.map((v) => counts(v))
        : [...(this.atCheckpoint.get(at) ?? new Map()).values()];
    for (const p of parts) for (const [k, n] of p) out.set(k, (out.get(k) ?? 0) + n);
    return out;
  }

  noteCheckpoint(id: number, subtask: number, view: ChangelogView): void {
    if (!this.keepCheckpointViews) return;
    let m = this.atCheckpoint.get(id);
    if (!m) {
      m = new Map();
      this.atCheckpoint.set(id, m);
      // Keep the last few: the exactness check compares the newest completed one.
      for (const k of this.atCheckpoint.keys()) if (k < id - 8) this.atCheckpoint.delete(k);
    }
    m.set(subtask, counts(view));
  }
}

function counts(v: ChangelogView): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, e] of v.rows) m.set(k, e.n);
  return m;
}

class ResultsWriter implements SinkWriter {
  private view!: ChangelogView;
  private subtask = 0;

  constructor(private readonly results: JobResults) {}

  open(ctx: ConnectorContext, restored: { own: unknown } | undefined): void {
    this.subtask = ctx.subtaskIndex;
    const existing = this.results.views[ctx.subtaskIndex];
    this.view = existing ?? new ChangelogView();
    this.results.views[ctx.subtaskIndex] = this.view;
    if (this.results.exactlyOnce)
      this.view.restore(restored?.own as Parameters<ChangelogView['restore']>[0] | undefined);
  }

  write(batch: RecordBatch): void {
    this.view.apply(batch);
  }

  snapshot(checkpointId: number): unknown {
    this.results.noteCheckpoint(checkpointId, this.subtask, this.view);
    return this.results.exactlyOnce ? this.view.snapshot() : undefined;
  }
}
