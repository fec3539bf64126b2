// A subtask: a chain of operators, its input channels, barrier alignment, watermarks and snapshots — the task loop.
import type { Clock } from '../clock';
import type { RecordBatch, StreamElement } from '../messages';
import type { KeyGroupRange } from '../key-groups';
import {
  type OperatorContext,
  type Output,
  type RestoredOperatorState,
  type SourceOperator,
  type StateCall,
  type StreamOperator,
  isSource,
} from '../operator';
import type { StateFileHandle } from '../checkpoint/metadata';
import { encodeKeyGroups } from '../state/snapshot-format';
import type { NativeKeyedState } from '../state/backend';
import { BarrierAligner, type CheckpointingMode } from './barrier-aligner';
import { StateLoader } from './state-loader';
import type { ChannelReader } from './channel';
import type { RecordWriter } from './record-writer';

/** Incremental snapshots chained on one full base at most this long; then a new full base is written. */
const MAX_CHAIN = 10;

/** The largest watermark: sent when a bounded input ends, so every pending window fires. */
export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

export interface ChainMember {
  readonly op: StreamOperator;
  readonly ctx: OperatorContext;
  readonly restored: RestoredOperatorState | undefined;
}

export interface InputChannel {
  readonly channel: ChannelReader;
  /** Which logical input (a join: 0 left, 1 right). */
  readonly input: number;
}

/** What a task reports for one checkpoint, per operator of its chain. */
export interface TaskAck {
  readonly taskKey: string;
  readonly checkpointId: number;
  readonly operators: readonly {
    readonly uid: string;
    readonly subtask: number;
    readonly keyGroupRange: KeyGroupRange;
    readonly keyed?: StateFileHandle;
    readonly keyedChain?: readonly StateFileHandle[];
    readonly native?: NativeKeyedState;
    readonly operatorState?: unknown;
  }[];
  readonly syncMs: number;
  readonly asyncMs: number;
  readonly alignmentMs: number;
  readonly bytes: number;
}

export interface TaskListener {
  acknowledge(ack: TaskAck): void;
  /** `fatal` (default): the job fails over; otherwise only this checkpoint is abandoned (a newer one subsumed it). */
  decline(taskKey: string, checkpointId: number, error: unknown, fatal?: boolean): void;
  /** A source task ran out of input and waits for the final checkpoint. */
  sourceEnded(taskKey: string): void;
  /** The task failed outside the record path (an asynchronous snapshot part). */
  failed(taskKey: string, error: unknown): void;
  /** State the task waited for is loaded: it has work again. */
  ready?(taskKey: string): void;
}

/** Writes a state file of checkpoint or savepoint `id` where it belongs; resolves with its handle. */
export type WriteState = (
  id: number,
  name: string,
  data: Uint8Array,
  shared: boolean,
) => Promise<StateFileHandle>;

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

/** The task's watermark: the minimum over live, active inputs; undefined while every live input is idle. */
function combinedWatermark(
  watermarks: readonly number[],
  idle: readonly boolean[],
  ended: readonly boolean[],
): number | undefined {
  let min = Infinity;
  for (let c = 0; c < watermarks.length; c++) if (!ended[c] && !idle[c]) min = Math.min(min, watermarks[c]!);
  // Every live input idle: nothing holds event time back, but nothing advances it either.
  if (min === Infinity && idle.some((x, c) => x && !ended[c])) return undefined;
  return min === Infinity ? Math.max(...watermarks) : min;
}

/** Passes a batch to the next operator of the chain, counting records in and out. */
class ChainOutput implements Output {
  constructor(
    private readonly next: ChainMember,
    private readonly nextOut: Output,
  ) {}

  emit(batch: RecordBatch): void {
    if (batch.rows.length === 0) return;
    this.next.ctx.metrics.recordsIn += batch.rows.length;
    this.next.op.processBatch(0, batch, this.nextOut);
  }

  emitWatermark(timestamp: number): void {
    this.next.ctx.metrics.watermark = timestamp;
    if (this.next.op.processWatermark) this.next.op.processWatermark(timestamp, this.nextOut);
    else this.nextOut.emitWatermark(timestamp);
  }
}

export class StreamTask {
  readonly key: string;
  status: TaskStatus = 'RUNNING';
  private readonly chain: readonly ChainMember[];
  /** outputs[i]: where operator i emits. */
  private readonly outputs: Output[];
  private readonly source: SourceOperator | undefined;
  private readonly aligner: BarrierAligner;
  private readonly watermarks: number[];
  private readonly ended: boolean[];
  /** Inputs that sent end of data (their barriers and `end` still follow). */
  private readonly endOfData: boolean[];
  /** Whether the chain has finished (end of data reached). */
  private dataEnded = false;
  /** Inputs that declared themselves idle; a batch or watermark makes them active again. */
  private readonly idle: boolean[];
  /** Whether this task told downstream it is idle. */
  private declaredIdle = false;
  private lastData: number;
  private currentWatermark = -Infinity;
  private nextChannel = 0;
  private readonly triggers: { id: number; final: boolean; timestamp: number; savepoint: boolean }[] = [];
  /** Savepoint barriers seen (a savepoint's snapshot is full and canonical, whatever the backend). */
  private readonly savepoints = new Set<number>();
  /** Per chain member: the state files of the last completed checkpoint (incremental snapshots extend them). */
  private readonly completedChains: (StateFileHandle[] | undefined)[] = [];
  /** `<checkpoint id>/<chain index>` → the chain a checkpoint in flight wrote. */
  private readonly pendingChains = new Map<string, StateFileHandle[]>();
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

  constructor(private readonly o: StreamTaskOptions) {
    this.key = o.key;
    this.chain = o.chain;
    this.outputs = new Array<Output>(o.chain.length);
    this.outputs[o.chain.length - 1] = o.writer;
    for (let i = o.chain.length - 2; i >= 0; i--)
      this.outputs[i] = new ChainOutput(o.chain[i + 1]!, this.outputs[i + 1]!);
    const head = o.chain[0]!.op;
    this.source = isSource(head) ? head : undefined;
    this.aligner = new BarrierAligner(o.inputs.length, o.mode);
    this.watermarks = o.inputs.map(() => -Infinity);
    o.chain.forEach((m, i) => {
      if (m.op.processProcessingTime) this.timed.push(i);
    });
    this.ended = o.inputs.map(() => false);
    this.endOfData = o.inputs.map(() => false);
    this.idle = o.inputs.map(() => false);
    this.lastData = o.clock.now();
    this.loader = StateLoader.forChain(o.chain, o.key);
    this.throttling = o.chain.filter((m) => m.op.hasCapacity !== undefined);
  }

  get isSourceTask(): boolean {
    return this.source !== undefined;
  }

  get head(): ChainMember {
    return this.chain[0]!;
  }

  get members(): readonly ChainMember[] {
    return this.chain;
  }

  async open(): Promise<void> {
    for (const m of this.chain) await m.op.open(m.ctx, m.restored);
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
    if (this.timed.length > 0) this.fireProcessingTime();
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
        const watermarks = this.watermarks.slice();
        const idle = this.idle.slice();
        const ended = this.ended.slice();
        if (e.kind === 'watermark') watermarks[c] = Math.max(watermarks[c]!, e.timestamp);
        if (e.kind === 'idle') idle[c] = true;
        if (e.kind === 'end') ended[c] = true;
        const w = combinedWatermark(watermarks, idle, ended);
        if (w !== undefined && w > this.currentWatermark) calls.push({ kind: 'watermark', timestamp: w });
        const endOfData = this.endOfData.slice();
        if (e.kind === 'endOfData') endOfData[c] = true;
        if (
          !this.dataEnded &&
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

  /** Chain members with processing-time callbacks, and their outputs. */
  private readonly timed: number[] = [];
  private lastProcessingTime = -Infinity;

  private fireProcessingTime(): void {
    const now = this.o.clock.now();
    if (now - this.lastProcessingTime < 5) return;
    if (this.loader && this.timed[0] === 0) {
      const p = this.loader.load([{ kind: 'time', now }]);
      if (p) return this.waitFor(p);
    }
    this.lastProcessingTime = now;
    for (const i of this.timed) this.chain[i]!.op.processProcessingTime!(now, this.outputs[i]!);
  }

  private stepSource(): boolean {
    const t = this.triggers.shift();
    if (t) {
      if (t.savepoint) this.savepoints.add(t.id);
      this.checkpoint(t.id, t.timestamp, 0);
      if (t.final && this.status === 'SOURCE_ENDED') {
        this.o.writer.broadcast({ kind: 'end' });
        this.status = 'ENDED';
      }
      return true;
    }
    if (this.status !== 'RUNNING' || !this.o.writer.hasCapacity() || !this.hasRoom()) return false;
    const r = this.source!.poll(this.outputs[0]!);
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
      this.outputs[0]!.emitWatermark(MAX_WATERMARK);
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
    const head = this.chain[0]!;
    if (e.kind === 'batch' || e.kind === 'watermark') {
      if (this.idle[c]) {
        this.idle[c] = false;
        this.declaredIdle = false;
      }
    }
    switch (e.kind) {
      case 'idle':
        this.idle[c] = true;
        this.advanceWatermark();
        // All live inputs idle: so is this task, for its consumers.
        if (!this.declaredIdle && this.idle.every((x, i) => x || this.ended[i])) {
          this.declaredIdle = true;
          this.o.writer.broadcast({ kind: 'idle' });
        }
        return;
      case 'batch':
        head.ctx.metrics.recordsIn += e.batch.rows.length;
        head.op.processBatch(this.o.inputs[c]!.input, e.batch, this.outputs[0]!);
        return;
      case 'watermark':
        this.watermarks[c] = Math.max(this.watermarks[c]!, e.timestamp);
        this.advanceWatermark();
        return;
      case 'barrier': {
        if (e.isSavepoint) this.savepoints.add(e.checkpointId);
        const d = this.aligner.onBarrier(c, e.checkpointId, this.o.clock.now());
        for (const id of d.aborted ?? [])
          this.o.listener.decline(this.key, id, new Error('subsumed by a newer barrier'), false);
        if (d.trigger !== undefined) this.alignedCheckpoint(d.trigger, e.timestamp);
        return;
      }
      case 'endOfData':
        this.endOfData[c] = true;
        if (!this.dataEnded && this.endOfData.every((x, i) => x || this.ended[i])) {
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
    const min = combinedWatermark(this.watermarks, this.idle, this.ended);
    if (min !== undefined && min > this.currentWatermark) {
      this.currentWatermark = min;
      const head = this.chain[0]!;
      head.ctx.metrics.watermark = min;
      if (head.op.processWatermark) head.op.processWatermark(min, this.outputs[0]!);
      else this.outputs[0]!.emitWatermark(min);
    }
  }

  /** Every operator of the chain emits what it still holds; runs once, at end of data. */
  private finishChain(): void {
    if (this.dataEnded) return;
    this.dataEnded = true;
    // Finishing operator i may emit into operator i+1, so finish in chain order.
    const finishes: Promise<void>[] = [];
    for (let i = 0; i < this.chain.length; i++) {
      const r = this.chain[i]!.op.finish?.(this.outputs[i]!);
      if (r) finishes.push(r);
    }
    if (finishes.length) this.track(Promise.all(finishes).then(() => undefined));
  }

  /** Every input channel closed (after the final barrier): the task is done. */
  private finishInput(): void {
    if (!this.dataEnded) {
      this.finishChain();
      this.o.writer.broadcast({ kind: 'endOfData' });
    }
    this.o.writer.broadcast({ kind: 'end' });
    this.status = 'ENDED';
  }

  /**
   * The synchronous part: every operator of the chain snapshots at this point of the stream, keyed state
   * only marks a version; then the barrier goes downstream. Serializing and writing happen asynchronously.
   */
  private checkpoint(id: number, timestamp: number, alignmentMs: number): void {
    const syncStart = this.o.clock.now();
    const savepoint = this.savepoints.delete(id);
    const parts = this.chain.map((m, i) => {
      // Incremental: extend the last completed chain, unless it grew long (then start a new full base).
      const base = this.completedChains[i];
      // A native (rocksdb) snapshot decides itself which files it can share with earlier checkpoints.
      const full = savepoint || (m.ctx.state?.kind === 'rocksdb' ? false : !base || base.length >= MAX_CHAIN);
      const keyed = m.ctx.state ? m.ctx.state.snapshot(id, full, savepoint) : undefined;
      return {
        m,
        index: i,
        operatorState: m.op.snapshotState?.(id, this.outputs[i]!),
        keyed,
        base: keyed && keyed.format === 'canonical' && !keyed.full ? (base ?? []) : [],
      };
    });
    this.o.writer.broadcast({ kind: 'barrier', checkpointId: id, timestamp, isSavepoint: savepoint });
    const syncMs = this.o.clock.now() - syncStart;
    const asyncStart = this.o.clock.now();
    const run = async () => {
      let bytes = 0;
      try {
        const operators = [];
        for (const p of parts) {
          const ctx = p.m.ctx;
          let keyed: StateFileHandle | undefined;
          let keyedChain: StateFileHandle[] | undefined;
          let native: NativeKeyedState | undefined;
          if (p.keyed?.format === 'native') {
            native = await p.keyed.write(async (name, data, shared) => {
              bytes += data.length;
              return this.o.writeState(id, name, data, shared);
            });
            p.keyed.release();
          } else if (p.keyed) {
            const data = await encodeKeyGroups(p.keyed.keyGroups());
            p.keyed.release();
            const incremental = ctx.state!.incremental && !savepoint;
            keyed = await this.o.writeState(
              id,
              `${ctx.operator.uid}-${ctx.subtaskIndex}${incremental ? `-${id}` : ''}.state`,
              data,
              incremental,
            );
            bytes += data.length;
            if (incremental) {
              keyedChain = [...p.base, keyed];
              this.pendingChains.set(`${id}/${p.index}`, keyedChain);
            }
          }
          const operatorState = await p.operatorState;
          operators.push({
            uid: ctx.operator.uid,
            subtask: ctx.subtaskIndex,
            keyGroupRange: ctx.keyGroupRange,
            ...(keyed ? { keyed } : {}),
            ...(keyedChain ? { keyedChain } : {}),
            ...(native ? { native } : {}),
            ...(operatorState !== undefined ? { operatorState } : {}),
          });
        }
        this.o.listener.acknowledge({
          taskKey: this.key,
          checkpointId: id,
          operators,
          syncMs,
          asyncMs: this.o.clock.now() - asyncStart,
          alignmentMs,
          bytes,
        });
      } catch (e) {
        for (const p of parts) p.keyed?.release();
        this.o.listener.decline(this.key, id, e);
      }
    };
    this.track(run());
  }

  private track(p: Promise<void>): void {
    const tracked = p
      .catch((e) => this.o.listener.failed(this.key, e))
      .finally(() => this.asyncParts.delete(tracked));
    this.asyncParts.add(tracked);
  }

  abortCheckpoint(id: number): void {
    this.aligner.abort(id);
    for (const m of this.chain) m.op.notifyCheckpointAborted?.(id);
  }

  async notifyCheckpointComplete(id: number): Promise<void> {
    this.chain.forEach((m, i) => {
      const chain = this.pendingChains.get(`${id}/${i}`);
      if (chain) this.completedChains[i] = chain;
      m.ctx.state?.notifyCheckpointComplete?.(id);
    });
    for (const key of [...this.pendingChains.keys()])
      if (Number(key.split('/')[0]) <= id) this.pendingChains.delete(key);
    for (const m of this.chain) await m.op.notifyCheckpointComplete?.(id);
  }

  /** Waits for asynchronous snapshot parts and finishing work still running. */
  async drain(): Promise<void> {
    while (this.asyncParts.size > 0) await Promise.all([...this.asyncParts]);
  }

  async close(): Promise<void> {
    for (const m of this.chain) {
      try {
        await m.op.close?.();
      } finally {
        await m.ctx.state?.dispose();
      }
    }
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
