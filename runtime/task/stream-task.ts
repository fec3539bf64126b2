// A subtask: its operator chain and input channels, and the task loop that reads, aligns barriers and ends.
import type { Clock } from '../clock';
import type { CheckpointBarrier, RecordBatch, StreamElement } from '../messages';
import {
  type OperatorMetrics,
  type Output,
  type SourceOperator,
  type StateCall,
  isSource,
} from '../operator';
import { BarrierAligner, type CheckpointingMode } from './barrier-aligner';
import type { ChannelReader } from './channel';
import { BufferDebloater, type DebloatOptions } from './buffer-debloater';
import { ChannelStateRecorder, RecordingAborted } from './channel-state-recorder';
import { type ChainMember, OperatorChain } from './operator-chain';
import type { RecordWriter } from './record-writer';
import { StateLoader } from './state-loader';
import { StatusWatermarkValve } from './status-watermark-valve';
import { SubtaskCheckpointCoordinator } from './subtask-checkpoint-coordinator';
import { TaskTime } from './task-time';
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
  /**
   * Sources: `execution.checkpointing.unaligned.enabled` and `aligned-checkpoint-timeout` (ms; 0: checkpoints
   * start unaligned, more: they start aligned and turn unaligned after that long). EXACTLY_ONCE only.
   */
  readonly unaligned?: { readonly enabled: boolean; readonly alignedTimeout: number };
  /** Buffer debloating (`taskmanager.network.memory.buffer-debloat.*`): input channels hold about a target time. */
  readonly debloat?: DebloatOptions;
  /** In-flight batches of an unaligned checkpoint restored, per input channel: read before new input. */
  readonly restoredChannelState?: readonly {
    readonly index: number;
    readonly batches: readonly RecordBatch[];
  }[];
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
  /** Busy, back-pressured and idle time, on the head operator's metrics. */
  private readonly time: TaskTime;
  private readonly tail: OperatorMetrics;
  /** The unaligned checkpoint whose in-flight data is being recorded, if any. */
  private recorder: ChannelStateRecorder | undefined;
  /** Restored channel state not yet read (`replayAt` onwards), ahead of every input channel's data. */
  private readonly replay: { channel: number; batch: RecordBatch }[] = [];
  private replayAt = 0;
  private readonly debloater: BufferDebloater | undefined;
  /** Batches read (the debloater's throughput). */
  private batchesIn = 0;

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
    this.time = new TaskTime(this.head.ctx.metrics);
    this.tail = o.chain[o.chain.length - 1]!.ctx.metrics;
    this.debloater =
      o.debloat && o.inputs.length > 0
        ? new BufferDebloater(
            o.inputs.map((x) => x.channel),
            o.debloat,
          )
        : undefined;
    for (const c of o.restoredChannelState ?? [])
      for (const batch of c.batches) this.replay.push({ channel: c.index, batch });
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
    this.time.begin();
    const worked = this.stepWork(budget);
    this.time.end(worked, !this.o.writer.hasCapacity() || !this.hasRoom());
    // The chain's last operator emits into the writer: its records out are the task's.
    this.tail.recordsOut = this.o.writer.recordsOut;
    return worked;
  }

  private stepWork(budget: number): boolean {
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
    if (this.overtake()) worked++;
    if (this.debloater) this.debloater.tick(this.o.clock.now(), this.batchesIn);
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

  /**
   * Unaligned barriers are handled before anything else, even while the outputs are full (Flink's priority
   * events): aligned barriers whose timeout passed are promoted first, and a timed-out alignment turns unaligned.
   */
  private overtake(): boolean {
    if (this.loading) return false;
    let did = false;
    let now: number | undefined;
    const inputs = this.o.inputs;
    for (let c = 0; c < inputs.length; c++) {
      const ch = inputs[c]!.channel;
      if (ch.timeoutAt !== undefined && (now ??= this.o.clock.now()) >= ch.timeoutAt)
        ch.promoteTimedOut!(now);
      while (!this.ended[c] && ch.hasPriority?.()) {
        this.handle(c, ch.poll()!);
        did = true;
      }
    }
    const deadline = this.aligner.timeoutAt;
    if (deadline !== undefined && (now ?? this.o.clock.now()) >= deadline) {
      const d = this.aligner.timeout();
      if (d.trigger !== undefined)
        this.unalignedCheckpoint(d.trigger, d.timestamp ?? deadline, -1, [], d.arrived ?? []);
      did = true;
    }
    return did;
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
      // The final checkpoint is aligned (end of data must not overtake records); so are savepoints.
      const u = this.o.mode === 'EXACTLY_ONCE' && !t.final ? this.o.unaligned : undefined;
      this.track(
        this.checkpoints.checkpoint(t.id, t.timestamp, 0, {
          ...(u?.enabled && u.alignedTimeout === 0 ? { unaligned: true } : {}),
          ...(u?.enabled && u.alignedTimeout > 0 ? { alignedTimeout: u.alignedTimeout } : {}),
        }),
      );
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
    if (this.replayAt < this.replay.length) return this.replayNext();
    const n = this.o.inputs.length;
    for (let i = 0; i < n; i++) {
      const c = (this.nextChannel + i) % n;
      if (this.ended[c] || this.aligner.isBlocked(c)) continue;
      const element = this.o.inputs[c]!.channel.poll();
      if (element) {
        this.nextChannel = (c + 1) % n;
        if (this.recorder !== undefined) this.record(c, element);
        return { channel: c, element };
      }
    }
    return undefined;
  }

  /** Restored channel state comes first, before any new input (it is not recorded again: see `unalignedCheckpoint`). */
  private replayNext(): { channel: number; element: StreamElement } {
    const r = this.replay[this.replayAt]!;
    this.replay[this.replayAt++] = undefined as never;
    if (this.replayAt === this.replay.length) {
      this.replay.length = 0;
      this.replayAt = 0;
    }
    return { channel: r.channel, element: { kind: 'batch', batch: r.batch } };
  }

  /** The queued elements unaligned barrier `e`, just read from channel `c`, overtook. */
  private overtakenBy(c: number, e: CheckpointBarrier): readonly StreamElement[] {
    if (!e.overtaken) return [];
    const ch = this.o.inputs[c]!.channel;
    if (!ch.overtakenElements)
      throw new Error(`channel ${ch.name} cannot show what an unaligned barrier overtook`);
    return ch.overtakenElements(e.overtaken);
  }

  private record(c: number, e: StreamElement): void {
    const rec = this.recorder!;
    rec.onElement(c, e);
    if (rec.complete) this.recorder = undefined;
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
        this.batchesIn++;
        this.head.ctx.metrics.recordsIn += e.batch.rows.length;
        this.head.op.processBatch(this.o.inputs[c]!.input, e.batch, this.headOutput);
        return;
      case 'watermark':
        this.valve.onWatermark(c, e.timestamp);
        this.advanceWatermark();
        return;
      case 'barrier': {
        if (e.isSavepoint) this.checkpoints.markSavepoint(e.checkpointId);
        if (this.recorder?.checkpointId === e.checkpointId) {
          this.recorder.onBarrier(c, this.overtakenBy(c, e));
          if (this.recorder.complete) this.recorder = undefined;
          return;
        }
        const d = this.aligner.onBarrier(c, e.checkpointId, this.o.clock.now(), e);
        for (const id of d.aborted ?? [])
          this.o.listener.decline(this.key, id, new Error('subsumed by a newer barrier'), false);
        if (d.trigger === undefined) return;
        if (d.unaligned)
          this.unalignedCheckpoint(d.trigger, e.timestamp, c, this.overtakenBy(c, e), d.arrived ?? []);
        else this.alignedCheckpoint(d.trigger, e.timestamp, e);
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
        if (this.recorder) {
          this.recorder.onEnd(c);
          if (this.recorder.complete) this.recorder = undefined;
        }
        for (let d = this.aligner.onEnd(c); d.trigger !== undefined; d = this.aligner.next()) {
          this.alignedCheckpoint(d.trigger, d.timestamp ?? this.o.clock.now(), d);
        }
        this.advanceWatermark();
        if (this.ended.every(Boolean)) this.finishInput();
        return;
      }
    }
  }

  private alignedCheckpoint(
    id: number,
    timestamp: number,
    barrier: Pick<CheckpointBarrier, 'alignedTimeout'>,
  ): void {
    const start = this.aligner.alignmentStart;
    this.track(
      this.checkpoints.checkpoint(
        id,
        timestamp,
        start === undefined ? 0 : this.o.clock.now() - start,
        barrier.alignedTimeout !== undefined ? { alignedTimeout: barrier.alignedTimeout } : {},
      ),
    );
  }

  /**
   * Snapshots at once and sends the barrier ahead of the output queues; then records the in-flight data:
   * what the barrier overtook on channel `c` (`overtaken` elements), and everything before the barrier on the
   * channels it has not come on yet. Channels in `arrived` (their aligned barrier came before a timeout) and
   * ended ones record nothing. Restored channel state not yet read is in-flight data of every checkpoint.
   */
  private unalignedCheckpoint(
    id: number,
    timestamp: number,
    c: number,
    overtaken: readonly StreamElement[],
    arrived: readonly number[],
  ): void {
    if (this.recorder) {
      this.recorder.abort(
        new RecordingAborted(`checkpoint ${this.recorder.checkpointId} was subsumed by ${id}`),
      );
      this.recorder = undefined;
    }
    const prefix: RecordBatch[][] = this.o.inputs.map(() => []);
    for (let i = this.replayAt; i < this.replay.length; i++)
      prefix[this.replay[i]!.channel]!.push(this.replay[i]!.batch);
    if (c >= 0) for (const e of overtaken) if (e.kind === 'batch') prefix[c]!.push(e.batch);
    const waiting = this.o.inputs.map((_, i) => i !== c && !this.ended[i] && !arrived.includes(i));
    const rec = new ChannelStateRecorder(id, waiting, prefix);
    if (!rec.complete) this.recorder = rec;
    const start = this.aligner.alignmentStart;
    this.track(
      this.checkpoints.checkpoint(id, timestamp, start === undefined ? 0 : this.o.clock.now() - start, {
        unaligned: true,
        channelState: rec.done,
        channelNames: this.o.inputs.map((x) => x.channel.name),
      }),
    );
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

  /** Keeps an asynchronous part (a snapshot being written, finishing work) until it settles; a failure fails the task. */
  private track(p: Promise<void>): void {
    const tracked = p
      .catch((e) => this.o.listener.failed(this.key, e))
      .finally(() => this.asyncParts.delete(tracked));
    this.asyncParts.add(tracked);
  }

  abortCheckpoint(id: number): void {
    if (this.recorder?.checkpointId === id) {
      this.recorder.abort(new RecordingAborted(`checkpoint ${id} was aborted`));
      this.recorder = undefined;
    }
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
    if (this.o.inputs.some((x, c) => !this.ended[c] && (x.channel.hasPriority?.() ?? false))) return true;
    if (this.timedOut()) return true;
    if (this.replayAt < this.replay.length && this.hasRoom() && this.o.writer.hasCapacity()) return true;
    if (!this.hasRoom() || !this.o.writer.hasCapacity()) return false;
    return this.o.inputs.some((x, c) => !this.ended[c] && !this.aligner.isBlocked(c) && x.channel.size > 0);
  }

  /** Whether an alignment or a queued aligned barrier passed its aligned-checkpoint timeout. */
  private timedOut(): boolean {
    let at = this.aligner.timeoutAt ?? Infinity;
    for (const x of this.o.inputs) at = Math.min(at, x.channel.timeoutAt ?? Infinity);
    return at !== Infinity && this.o.clock.now() >= at;
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
