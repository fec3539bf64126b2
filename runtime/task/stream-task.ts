// A subtask: its operator chain and input channels, and the task loop that reads, aligns barriers and ends.
import type { Clock } from '../clock';
import type { StreamElement } from '../messages';
import { type Output, type SourceOperator, type StateCall, isSource } from '../operator';
import { BarrierAligner, type CheckpointingMode } from './barrier-aligner';
import type { ChannelReader } from './channel';
import { type ChainMember, OperatorChain } from './operator-chain';
import type { RecordWriter } from './record-writer';
import { StateLoader } from './state-loader';
import { StatusWatermarkValve } from './status-watermark-valve';
import { SubtaskCheckpointCoordinator } from './subtask-checkpoint-coordinator';
import type { TaskListener, WriteState } from './task-listener';

// Importers outside runtime/task name these through the task.
export type { TaskAck, TaskListener } from './task-listener';

/** The largest watermark: sent when a bounded input ends, so every pending window fires. */
export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

export interface InputChannel {
  readonly channel: ChannelReader;
  /** Which logical input (a join: 0 left, 1 right). */
  readonly input: number;
}

export interface StreamTaskOptions {
  readonly key: string;
  readonly chain: readonly ChainMember[];
  readonly inputs: readonly InputChannel[];
  readonly writer: RecordWriter;
  readonly mode: CheckpointingMode;
  /** Writes a state file of checkpoint or savepoint `id` (the coordinator knows where it goes). */
  readonly writeState: WriteState;
  readonly jobName: string;
  readonly listener: TaskListener;
  readonly clock: Clock;
  /** `table.exec.source.idle-timeout` in ms (0: never): a source without data that long declares itself idle. */
  readonly idleTimeout?: number;
}

export type TaskStatus = 'RUNNING' | 'SOURCE_ENDED' | 'ENDED' | 'CANCELED';

export class StreamTask {
  readonly key: string;
  status: TaskStatus = 'RUNNING';
  /** The first operator of the chain: it reads the task's input. */
  readonly head: ChainMember;
  private readonly chain: OperatorChain;
  /** Where the head emits. */
  private readonly headOutput: Output;
  private readonly source: SourceOperator | undefined;
  private readonly aligner: BarrierAligner;
  private readonly valve: StatusWatermarkValve;
  private readonly checkpoints: SubtaskCheckpointCoordinator;
  private readonly ended: boolean[];
  /** Inputs that sent end of data (their barriers and `end` still follow). */
  private readonly endOfData: boolean[];
  /** Whether this task told downstream it is idle. */
  private declaredIdle = false;
  private lastData: number;
  private nextChannel = 0;
  private readonly triggers: { id: number; final: boolean; timestamp: number; savepoint: boolean }[] = [];
  /** Asynchronous snapshot parts in flight. */
  private readonly asyncParts = new Set<Promise<void>>();
  /** Loads the head's keyed state before its calls when the backend reads asynchronously (rocksdb). */
  private readonly loader: StateLoader | undefined;
  /** State being loaded: the task does nothing else until it is. */
  private loading: Promise<void> | undefined;
  /** Chain members that may ask the task to stop reading input. */
  private readonly throttling: readonly ChainMember[];
  /** The element whose state was being loaded: handled first once it is. */
  private deferred: { channel: number; element: StreamElement } | undefined;
  private lastProcessingTime = -Infinity;

  constructor(private readonly o: StreamTaskOptions) {
    this.key = o.key;
    this.chain = new OperatorChain(o.chain, o.writer);
    this.head = o.chain[0]!;
    this.headOutput = this.chain.outputs[0]!;
    this.source = isSource(this.head.op) ? this.head.op : undefined;
    this.aligner = new BarrierAligner(o.inputs.length, o.mode);
    this.ended = o.inputs.map(() => false);
    this.endOfData = o.inputs.map(() => false);
    this.valve = new StatusWatermarkValve(this.ended);
    this.checkpoints = new SubtaskCheckpointCoordinator(o.key, this.chain, o);
    this.lastData = o.clock.now();
    this.loader = StateLoader.forChain(o.chain, o.key);
    this.throttling = o.chain.filter((m) => m.op.hasCapacity !== undefined);
  }

  get isSourceTask(): boolean {
    return this.source !== undefined;
  }

  get members(): readonly ChainMember[] {
    return this.chain.members;
  }

  async open(): Promise<void> {
    await this.chain.open();
  }

  /** The coordinator asks this source task to take checkpoint `id` (and, if final, to end afterwards). */
  triggerCheckpoint(id: number, timestamp: number, final: boolean, savepoint = false): void {
    this.triggers.push({ id, final, timestamp, savepoint });
  }

  /**
   * Does a bounded amount of work synchronously. Returns whether anything happened, so the scheduler can
   * wait when every task is idle. Exceptions propagate: the job fails over.
   */
  step(budget: number): boolean {
    if (this.status === 'ENDED' || this.status === 'CANCELED' || this.loading) return false;
    let worked = 0;
    if (this.deferred) {
      // Its state is loaded now; nothing ran in between that could have evicted it.
      const d = this.deferred;
      this.deferred = undefined;
      this.handle(d.channel, d.element);
      worked++;
    }
    if (this.chain.timed.length > 0) this.fireProcessingTime();
    if (this.source) return this.stepSource() || worked > 0;
    // Like a source, a task reads nothing while an output channel is full: otherwise a task between a source
    // and a slow reader (a rocksdb aggregate waiting for its keys) would queue the source's whole output.
    while (
      worked < budget &&
      !this.loading &&
      (this.status as TaskStatus) !== 'ENDED' &&
      this.hasRoom() &&
      this.o.writer.hasCapacity()
    ) {
      const next = this.pollInput();
      if (!next) break;
      if (this.loader) {
        const p = this.loader.load(this.callsFor(next.channel, next.element));
        if (p) {
          this.deferred = next;
          this.waitFor(p);
          return true;
        }
      }
      // An asynchronous head (AsyncCalc) awaits its batch's results first; then it runs synchronously.
      if (next.element.kind === 'batch' && this.head.op.prepareBatch) {
        const p = this.head.op.prepareBatch(this.o.inputs[next.channel]!.input, next.element.batch);
        if (p) {
          this.deferred = next;
          this.waitFor(p);
          return true;
        }
      }
      this.handle(next.channel, next.element);
      worked++;
    }
    return worked > 0;
  }

  /** Whether every chain member that can hold the task back (a sink behind its database) has room. */
  private hasRoom(): boolean {
    for (const m of this.throttling) if (!m.op.hasCapacity!()) return false;
    return true;
  }

  /** The head's calls that handling `e` will make, for the state loader. */
  private callsFor(c: number, e: StreamElement): StateCall[] {
    switch (e.kind) {
      case 'batch':
        return [{ kind: 'batch', input: this.o.inputs[c]!.input, batch: e.batch }];
      case 'barrier':
        return [];
      case 'watermark':
      case 'idle':
      case 'end':
      case 'endOfData': {
        const calls: StateCall[] = [];
        const w = this.valve.advanceAfter(c, e);
        if (w !== undefined) calls.push({ kind: 'watermark', timestamp: w });
        const ended = this.ended.slice();
        if (e.kind === 'end') ended[c] = true;
        const endOfData = this.endOfData.slice();
        if (e.kind === 'endOfData') endOfData[c] = true;
        if (
          !this.chain.finished &&
          (ended.every(Boolean) || (e.kind === 'endOfData' && endOfData.every((x, i) => x || ended[i])))
        )
          calls.push({ kind: 'finish' });
        return calls;
      }
    }
  }

  private waitFor(p: Promise<void>): void {
    this.loading = p.then(
      () => {
        this.loading = undefined;
        this.o.listener.ready?.(this.key);
      },
      (e: unknown) => {
        this.loading = undefined;
        if (this.status !== 'CANCELED') this.o.listener.failed(this.key, e);
      },
    );
  }

  private fireProcessingTime(): void {
    const now = this.o.clock.now();
    if (now - this.lastProcessingTime < 5) return;
    if (this.loader && this.chain.timed[0] === 0) {
      const p = this.loader.load([{ kind: 'time', now }]);
      if (p) return this.waitFor(p);
    }
    this.lastProcessingTime = now;
    this.chain.fireProcessingTime(now);
  }

  private stepSource(): boolean {
    const t = this.triggers.shift();
    if (t) {
      if (t.savepoint) this.checkpoints.markSavepoint(t.id);
      this.checkpoint(t.id, t.timestamp, 0);
      if (t.final && this.status === 'SOURCE_ENDED') {
        this.o.writer.broadcast({ kind: 'end' });
        this.status = 'ENDED';
      }
      return true;
    }
    if (this.status !== 'RUNNING' || !this.o.writer.hasCapacity() || !this.hasRoom()) return false;
    const r = this.source!.poll(this.headOutput);
    if (r === 'idle') {
      const timeout = this.o.idleTimeout ?? 0;
      if (timeout > 0 && !this.declaredIdle && this.o.clock.now() - this.lastData >= timeout) {
        this.declaredIdle = true;
        this.o.writer.broadcast({ kind: 'idle' });
      }
      return false;
    }
    this.lastData = this.o.clock.now();
    this.declaredIdle = false;
    if (r === 'end') {
      // Bounded input: fire everything event time still holds, finish the chain, tell downstream that
      // no data follows, then wait for the final checkpoint.
      this.headOutput.emitWatermark(MAX_WATERMARK);
      this.finishChain();
      this.o.writer.broadcast({ kind: 'endOfData' });
      this.status = 'SOURCE_ENDED';
      this.o.listener.sourceEnded(this.key);
      return true;
    }
    return r === 'more';
  }

  /** Round-robin over channels that have data and are not blocked by alignment. */
  private pollInput(): { channel: number; element: StreamElement } | undefined {
    const n = this.o.inputs.length;
    for (let i = 0; i < n; i++) {
      const c = (this.nextChannel + i) % n;
      if (this.ended[c] || this.aligner.isBlocked(c)) continue;
      const element = this.o.inputs[c]!.channel.poll();
      if (element) {
        this.nextChannel = (c + 1) % n;
        return { channel: c, element };
      }
    }
    return undefined;
  }

  private handle(c: number, e: StreamElement): void {
    if (e.kind === 'batch' || e.kind === 'watermark') {
      if (this.valve.idle[c]) {
        this.valve.idle[c] = false;
        this.declaredIdle = false;
      }
    }
    switch (e.kind) {
      case 'idle':
        this.valve.idle[c] = true;
        this.advanceWatermark();
        // All live inputs idle: so is this task, for its consumers.
        if (!this.declaredIdle && this.valve.allIdle()) {
          this.declaredIdle = true;
          this.o.writer.broadcast({ kind: 'idle' });
        }
        return;
      case 'batch':
        this.head.ctx.metrics.recordsIn += e.batch.rows.length;
        this.head.op.processBatch(this.o.inputs[c]!.input, e.batch, this.headOutput);
        return;
      case 'watermark':
        this.valve.onWatermark(c, e.timestamp);
        this.advanceWatermark();
        return;
      case 'barrier': {
        if (e.isSavepoint) this.checkpoints.markSavepoint(e.checkpointId);
        const d = this.aligner.onBarrier(c, e.checkpointId, this.o.clock.now());
        for (const id of d.aborted ?? [])
          this.o.listener.decline(this.key, id, new Error('subsumed by a newer barrier'), false);
        if (d.trigger !== undefined) this.alignedCheckpoint(d.trigger, e.timestamp);
        return;
      }
      case 'endOfData':
        this.endOfData[c] = true;
        if (!this.chain.finished && this.endOfData.every((x, i) => x || this.ended[i])) {
          this.finishChain();
          this.o.writer.broadcast({ kind: 'endOfData' });
        }
        return;
      case 'end': {
        this.ended[c] = true;
        for (let d = this.aligner.onEnd(c); d.trigger !== undefined; d = this.aligner.next()) {
          this.alignedCheckpoint(d.trigger, this.o.clock.now());
        }
        this.advanceWatermark();
        if (this.ended.every(Boolean)) this.finishInput();
        return;
      }
    }
  }

  private alignedCheckpoint(id: number, timestamp: number): void {
    const start = this.aligner.alignmentStart;
    this.checkpoint(id, timestamp, start === undefined ? 0 : this.o.clock.now() - start);
  }

  private advanceWatermark(): void {
    const min = this.valve.advance();
    if (min !== undefined) this.chain.processWatermark(min);
  }

  /** Every operator of the chain emits what it still holds; runs once, at end of data. */
  private finishChain(): void {
    const r = this.chain.finish();
    if (r) this.track(r);
  }

  /** Every input channel closed (after the final barrier): the task is done. */
  private finishInput(): void {
    if (!this.chain.finished) {
      this.finishChain();
      this.o.writer.broadcast({ kind: 'endOfData' });
    }
    this.o.writer.broadcast({ kind: 'end' });
    this.status = 'ENDED';
  }

  /** Snapshots the chain and forwards the barrier now; the state is written in the background. */
  private checkpoint(id: number, timestamp: number, alignmentMs: number): void {
    this.track(this.checkpoints.checkpoint(id, timestamp, alignmentMs));
  }

  private track(p: Promise<void>): void {
    const tracked = p
      .catch((e) => this.o.listener.failed(this.key, e))
      .finally(() => this.asyncParts.delete(tracked));
    this.asyncParts.add(tracked);
  }

  abortCheckpoint(id: number): void {
    this.aligner.abort(id);
    this.chain.notifyCheckpointAborted(id);
  }

  async notifyCheckpointComplete(id: number): Promise<void> {
    this.checkpoints.notifyCheckpointComplete(id);
    await this.chain.notifyCheckpointComplete(id);
  }

  /** Waits for asynchronous snapshot parts and finishing work still running. */
  async drain(): Promise<void> {
    while (this.asyncParts.size > 0) await Promise.all([...this.asyncParts]);
  }

  async close(): Promise<void> {
    await this.chain.close();
  }

  cancel(): void {
    this.status = 'CANCELED';
  }

  /** Whether a checkpoint trigger or input is waiting (the scheduler's test for idleness). */
  hasPendingWork(): boolean {
    if (this.status === 'ENDED' || this.status === 'CANCELED') return false;
    if (this.loading) return false;
    if (this.deferred) return true;
    if (this.source)
      return (
        this.triggers.length > 0 ||
        (this.status === 'RUNNING' && this.o.writer.hasCapacity() && this.hasRoom())
      );
    if (!this.hasRoom() || !this.o.writer.hasCapacity()) return false;
    return this.o.inputs.some((x, c) => !this.ended[c] && !this.aligner.isBlocked(c) && x.channel.size > 0);
  }

  get inFlightSnapshots(): number {
    return this.asyncParts.size;
  }
}

/** A task's step failure, named after its chain: "in Join -> Sink (subtask 1): <cause>". */
export function stepFailure(task: StreamTask | undefined, e: unknown): Error {
  const where = task
    ? `${task.members.map((m) => m.ctx.operator.name.replace(/\(.*/, '')).join(' -> ')} (subtask ${task.members[0]!.ctx.subtaskIndex})`
    : 'a task';
  const err = e instanceof Error ? e : new Error(String(e));
  err.message = `in ${where}: ${err.message}`;
  return err;
}
