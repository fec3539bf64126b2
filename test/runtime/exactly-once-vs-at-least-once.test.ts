// EXACTLY_ONCE vs AT_LEAST_ONCE: a fast input's records after barrier n are replayed twice only without alignment.
import { describe, expect, it } from 'vitest';
import { compileScript, explainJobGraph } from '../../compiler/index';
import type { CompiledJob } from '../../compiler/index';
import { ManualClock, yieldNow } from '../../runtime/clock';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { ConnectorRegistry, type SinkWriter, type SourceReader } from '../../runtime/connectors/connector';
import { type EngineEnvironment, runJob } from '../../runtime/engine';
import { type RecordBatch, type Row, RowKind } from '../../runtime/messages';
import { decodeKeyGroups } from '../../runtime/state/snapshot-format';
import type { CheckpointingMode } from '../../runtime/task/barrier-aligner';
import type { StreamTask } from '../../runtime/task/stream-task';

const ROWS = 100; // per source
const KEYS = 5;
const BATCH = 10;
const BEFORE = 30; // rows each source emits before checkpoint 1
const AFTER = 30; // rows the fast source emits after its barrier 1, before the slow source's barrier 1
const RESTART_DELAY = 10;

/** What the test controls and observes, shared by every attempt's readers and writers. */
class Script {
  /** Attempt 0 only: how far each source may read (by table name). Later attempts read freely. */
  readonly gate = new Map<string, number>();
  readonly readers = new Map<string, ScriptedReader>();
  /** The sink's changelog over all attempts, in order. */
  readonly changelog: { attempt: number; kind: RowKind; row: Row }[] = [];
  /** 'slow-b': source b is not stepped at all. */
  phase: 'all' | 'slow-b' = 'all';
  roundsAfterFast = 0;
  failNextStep = false;
  readonly logs: string[] = [];

  /** The engine's `schedule` hook: the order tasks step this round (omitted tasks do not step). */
  schedule(tasks: readonly StreamTask[]): readonly StreamTask[] {
    if (this.phase === 'slow-b') {
      // Once source a has emitted its post-barrier rows (the union and aggregate step after it in the same
      // round), give the pipeline one more round, then let source b emit its barrier.
      if ((this.readers.get('a')?.emitted ?? 0) >= BEFORE + AFTER && ++this.roundsAfterFast > 1)
        this.phase = 'all';
      else return tasks.filter((t) => sourceTable(t) !== 'b');
    }
    return tasks;
  }
}

function sourceTable(t: StreamTask): string | undefined {
  const spec = t.head.ctx.operator.spec;
  return spec.kind === 'source' ? spec.table.name : undefined;
}

/** A deterministic source: row i is [i mod KEYS]; the offset is the number of rows emitted. */
class ScriptedReader implements SourceReader {
  emitted = 0;
  private attempt = 0;

  constructor(
    private readonly name: string,
    private readonly script: Script,
  ) {}

  open(ctx: { attempt: number }, restored: unknown): void {
    this.attempt = ctx.attempt;
    this.emitted = restored === undefined ? 0 : (restored as { emitted: number }).emitted;
    this.script.readers.set(this.name, this);
  }

  poll(max: number): Row[] | 'idle' | 'end' {
    if (this.emitted >= ROWS) return 'end';
    const limit = this.attempt === 0 ? (this.script.gate.get(this.name) ?? ROWS) : ROWS;
    const n = Math.min(max, limit - this.emitted);
    if (n <= 0) return 'idle';
    const rows = Array.from({ length: n }, (_, i) => [(this.emitted + i) % KEYS]);
    this.emitted += n;
    return rows;
  }

  offset(): unknown {
    return { emitted: this.emitted };
  }
}

/** Records the sink's changelog, tagged with the attempt. */
class CollectingWriter implements SinkWriter {
  private attempt = 0;

  constructor(private readonly script: Script) {}

  open(ctx: { attempt: number }): void {
    this.attempt = ctx.attempt;
  }

  write(batch: RecordBatch): void {
    batch.rows.forEach((row, i) =>
      this.script.changelog.push({ attempt: this.attempt, kind: batch.kinds?.[i] ?? RowKind.Insert, row }),
    );
  }
}

function compile(mode: CheckpointingMode): CompiledJob {
  const r = compileScript(
    `
    SET 'execution.checkpointing.mode' = '${mode}';
    SET 'weir.batch-size' = '${BATCH}';
    SET 'restart-strategy.type' = 'fixed-delay';
    SET 'restart-strategy.fixed-delay.attempts' = '1';
    SET 'restart-strategy.fixed-delay.delay' = '${RESTART_DELAY} ms';
    CREATE TABLE a (k INT) WITH ('connector' = 'datagen');
    CREATE TABLE b (k INT) WITH ('connector' = 'datagen');
    CREATE TABLE counts (k INT, c BIGINT) WITH ('connector' = 'blackhole');
    INSERT INTO counts SELECT k, COUNT(*) FROM (SELECT k FROM a UNION ALL SELECT k FROM b) GROUP BY k;
    `,
    { scriptName: `union-${mode.toLowerCase()}` },
  );
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const s = r.statements.find((x) => x.kind === 'job');
  if (!s || s.kind !== 'job') throw new Error('no job');
  return s.job;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000; // a safety net only: progress never depends on wall-clock time
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await yieldNow();
  }
}

/** The last value per key in the changelog (the aggregate emits the full count on every change). */
function finalCounts(changelog: Script['changelog']): Map<number, number> {
  const out = new Map<number, number>();
  for (const { kind, row } of changelog) {
    if (kind === RowKind.Insert || kind === RowKind.UpdateAfter) out.set(row[0] as number, row[1] as number);
    else if (kind === RowKind.Delete) out.delete(row[0] as number);
  }
  return out;
}

interface Outcome {
  counts: Map<number, number>;
  /** Rows counted in the aggregate's state in checkpoint 1. */
  rowsInCheckpoint: number;
  sourceOffsets: unknown[];
  restarts: number;
  logs: string[];
}

/**
 * Runs the job: each source reads BEFORE rows; checkpoint 1 is triggered; source a emits barrier 1 and AFTER
 * more rows that reach the union task while source b is held back; then b emits barrier 1. Once checkpoint 1
 * completed, a step fails; the job restarts from checkpoint 1 and runs to the end.
 */
async function run(mode: CheckpointingMode): Promise<Outcome> {
  const job = compile(mode);
  const script = new Script();
  const storage = new MemoryCheckpointStorage();
  const clock = new ManualClock(0);
  const env: EngineEnvironment = {
    connectors: new ConnectorRegistry()
      .register('datagen', { createReader: (t) => new ScriptedReader(t.name, script) })
      .register('blackhole', { createWriter: () => new CollectingWriter(script) }),
    storage,
    clock,
    print: () => {},
    log: (m) => script.logs.push(m),
    schedule: (tasks) => script.schedule(tasks),
    beforeStep: (_task, attempt) => {
      if (script.failNextStep && attempt === 0) {
        script.failNextStep = false;
        throw new Error('injected failure');
      }
    },
  };
  script.gate.set('a', BEFORE).set('b', BEFORE);
  const runner = await runJob(job, env);
  const reader = (name: string) => script.readers.get(name)?.emitted ?? 0;
  await until(() => reader('a') === BEFORE && reader('b') === BEFORE, 'both sources at the gate');

  // Synchronously, so that no round runs in between: a's next step emits barrier 1, then AFTER more rows.
  script.phase = 'slow-b';
  script.gate.set('a', BEFORE + AFTER);
  const checkpoint = runner.triggerCheckpoint();
  const completed = await checkpoint;
  expect(completed.id).toBe(1);
  expect(reader('a')).toBe(BEFORE + AFTER);
  expect(reader('b')).toBe(BEFORE);

  const m = completed.metadata;
  const agg = m.operators.find((o) => o.kind === 'groupAggregate')!;
  const keyed = decodeKeyGroups(
    await storage.readState(completed.location, agg.subtasks[0]!.keyed!),
    'aggregate state',
  );
  let rowsInCheckpoint = 0;
  for (const g of keyed) for (const acc of g.tables['groups']![1]) rowsInCheckpoint += (acc as number[])[0]!;

  // Fail once checkpoint 1 is complete; the restart waits RESTART_DELAY on the manual clock.
  script.failNextStep = true;
  await until(() => runner.status() === 'RESTARTING', 'the restart');
  clock.advance(RESTART_DELAY);
  const result = await runner.done;
  expect(result).toEqual({ status: 'FINISHED' });
  return {
    counts: finalCounts(script.changelog),
    rowsInCheckpoint,
    sourceOffsets: Object.values(m.sourceOffsets).flat(),
    restarts: runner.metrics().restarts,
    logs: script.logs,
  };
}

describe('exactly-once vs at-least-once with a fast and a slow input', () => {
  it('plans the union as a task with two input channels feeding the aggregate', () => {
    const job = compile('EXACTLY_ONCE');
    const plan = explainJobGraph(job.graph);
    expect(plan).toMatch(/#3 Union\(all=\[true\], inputs=\[2\]\) <- FORWARD from #1, FORWARD from #2/);
    expect(plan).toMatch(
      /#4 GroupAggregate\(groupBy=\[k\], select=\[k, COUNT\(\*\)\]\) <- HASH\[k\] from #3/,
    );
    const union = job.graph.operators.find((o) => o.spec.kind === 'union')!;
    expect(union.inputs).toHaveLength(2);
    // The union heads its own task, so its task aligns barriers over two channels.
    expect(job.graph.chains.find((c) => c.operators.includes(union.id))!.operators[0]).toBe(union.id);
  });

  it('EXACTLY_ONCE: blocks the fast input after barrier 1, so the restored job counts every row once', async () => {
    const o = await run('EXACTLY_ONCE');
    expect(o.sourceOffsets).toEqual([{ emitted: BEFORE }, { emitted: BEFORE }]);
    expect(o.rowsInCheckpoint).toBe(2 * BEFORE);
    expect(o.restarts).toBe(1);
    expect(o.logs.some((l) => l.includes('injected failure') && l.includes('from checkpoint 1'))).toBe(true);
    expect([...o.counts.entries()].sort((x, y) => x[0] - y[0])).toEqual(
      Array.from({ length: KEYS }, (_, k) => [k, (2 * ROWS) / KEYS]),
    );
    expect([...o.counts.values()].reduce((s, c) => s + c, 0)).toBe(2 * ROWS);
  });

  it('AT_LEAST_ONCE: the fast input’s rows after barrier 1 enter checkpoint 1 and are counted twice', async () => {
    const o = await run('AT_LEAST_ONCE');
    // Source a's offset is still BEFORE, but the aggregate's state already holds its AFTER rows.
    expect(o.sourceOffsets).toEqual([{ emitted: BEFORE }, { emitted: BEFORE }]);
    expect(o.rowsInCheckpoint).toBe(2 * BEFORE + AFTER);
    expect(o.restarts).toBe(1);
    // Rows BEFORE..BEFORE+AFTER of a: AFTER / KEYS per key, replayed after the restore.
    expect([...o.counts.entries()].sort((x, y) => x[0] - y[0])).toEqual(
      Array.from({ length: KEYS }, (_, k) => [k, (2 * ROWS) / KEYS + AFTER / KEYS]),
    );
    expect([...o.counts.values()].reduce((s, c) => s + c, 0)).toBe(2 * ROWS + AFTER);
  });
});
