// A task's part of a checkpoint (Flink's SubtaskCheckpointCoordinator): snapshot at the barrier, write asynchronously.
import type { Clock } from '../clock';
import type { InputChannelStateHandle, StateFileHandle } from '../checkpoint/metadata';
import type { NativeKeyedState } from '../state/backend';
import { CHANNEL_STATE_SUFFIX, encodeChannelState } from '../state/channel-state-format';
import { encodeKeyGroups } from '../state/snapshot-format';
import { type RecordedChannel, RecordingAborted } from './channel-state-recorder';
import type { OperatorChain } from './operator-chain';
import type { RecordWriter } from './record-writer';
import type { TaskListener, WriteState } from './task-listener';

/** Incremental snapshots chained on one full base at most this long; then a new full base is written. */
const MAX_CHAIN = 10;

/** How the barrier goes on, and (unaligned) the in-flight data the snapshot waits for. */
export interface BarrierOptions {
  /** Forward the barrier as unaligned: it overtakes the output queues. */
  readonly unaligned?: boolean;
  /** The checkpoint's aligned-checkpoint timeout, forwarded with an aligned barrier. */
  readonly alignedTimeout?: number;
  /** Unaligned: the recorded channel state (resolves once every input delivered the barrier). */
  readonly channelState?: Promise<readonly RecordedChannel[]>;
  /** Names of the task's input channels (recorded in `_metadata`). */
  readonly channelNames?: readonly string[];
}

/** What the coordinator uses of its task's options. */
export interface SubtaskCheckpointOptions {
  readonly writer: RecordWriter;
  readonly writeState: WriteState;
  readonly listener: TaskListener;
  readonly clock: Clock;
}

export class SubtaskCheckpointCoordinator {
  /** Savepoint barriers seen (a savepoint's snapshot is full and canonical, whatever the backend). */
  private readonly savepoints = new Set<number>();
  /** Per chain member: the state files of the last completed checkpoint (incremental snapshots extend them). */
  private readonly completedChains: (StateFileHandle[] | undefined)[] = [];
  /** `<checkpoint id>/<chain index>` → the chain a checkpoint in flight wrote. */
  private readonly pendingChains = new Map<string, StateFileHandle[]>();

  constructor(
    private readonly key: string,
    private readonly chain: OperatorChain,
    private readonly o: SubtaskCheckpointOptions,
  ) {}

  /** Checkpoint `id` is a savepoint (its trigger or a barrier said so). */
  markSavepoint(id: number): void {
    this.savepoints.add(id);
  }

  /**
   * The synchronous part: every operator of the chain snapshots at this point of the stream, keyed state
   * only marks a version; then the barrier goes downstream. Serializing and writing happen asynchronously,
   * in the returned promise (it acknowledges or declines; it does not reject).
   */
  checkpoint(id: number, timestamp: number, alignmentMs: number, how: BarrierOptions = {}): Promise<void> {
    const { chain, key } = this;
    const { clock, listener } = this.o;
    const syncStart = clock.now();
    const savepoint = this.savepoints.delete(id);
    const parts = chain.members.map((m, i) => {
      // Incremental: extend the last completed chain, unless it grew long (then start a new full base).
      const base = this.completedChains[i];
      // A native (rocksdb) snapshot decides itself which files it can share with earlier checkpoints.
      const full = savepoint || (m.ctx.state?.kind === 'rocksdb' ? false : !base || base.length >= MAX_CHAIN);
      const keyed = m.ctx.state ? m.ctx.state.snapshot(id, full, savepoint) : undefined;
      const kind = m.ctx.operator?.spec?.kind;
      return {
        m,
        index: i,
        // The job's record counts at this point of the stream (summed into `_metadata`).
        records:
          kind === 'source'
            ? m.ctx.metrics.recordsOut
            : kind === 'sink'
              ? m.ctx.metrics.recordsIn
              : undefined,
        operatorState: m.op.snapshotState?.(id, chain.outputs[i]!),
        keyed,
        base: keyed && keyed.format === 'canonical' && !keyed.full ? (base ?? []) : [],
      };
    });
    // Savepoints are always aligned (Flink's rule), whatever the checkpoints are.
    this.o.writer.broadcast({
      kind: 'barrier',
      checkpointId: id,
      timestamp,
      isSavepoint: savepoint,
      ...(how.unaligned && !savepoint ? { unaligned: true } : {}),
      ...(how.alignedTimeout !== undefined && !savepoint ? { alignedTimeout: how.alignedTimeout } : {}),
    });
    const syncMs = clock.now() - syncStart;
    const asyncStart = clock.now();
    const run = async () => {
      let bytes = 0;
      let inFlightBytes = 0;
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
            ...(p.records !== undefined ? { records: p.records } : {}),
          });
        }
        if (how.channelState) {
          const channels = await this.writeChannelState(id, await how.channelState, how.channelNames ?? []);
          if (channels) {
            inFlightBytes = channels.file.size;
            bytes += inFlightBytes;
            operators[0] = { ...operators[0]!, inputChannelState: channels };
          }
        }
        listener.acknowledge({
          taskKey: key,
          checkpointId: id,
          operators,
          syncMs,
          asyncMs: clock.now() - asyncStart,
          alignmentMs,
          bytes,
          ...(how.channelState ? { unaligned: true, inFlightBytes } : {}),
        });
      } catch (e) {
        for (const p of parts) p.keyed?.release();
        // A recording given up (a newer checkpoint subsumed it) abandons this checkpoint only.
        listener.decline(key, id, e, !(e instanceof RecordingAborted));
      }
    };
    return run();
  }

  /** Writes the task's in-flight batches of checkpoint `id` into one file (none when there were none). */
  private async writeChannelState(
    id: number,
    recorded: readonly RecordedChannel[],
    names: readonly string[],
  ): Promise<InputChannelStateHandle | undefined> {
    if (recorded.length === 0) return undefined;
    const head = this.chain.members[0]!.ctx;
    const data = encodeChannelState(recorded);
    const file = await this.o.writeState(
      id,
      `${head.operator.uid}-${head.subtaskIndex}${CHANNEL_STATE_SUFFIX}`,
      data,
      false,
    );
    return {
      file,
      channels: recorded.map((r) => ({
        index: r.index,
        name: names[r.index] ?? String(r.index),
        batches: r.batches.length,
        records: r.batches.reduce((n, b) => n + b.rows.length, 0),
      })),
    };
  }

  /** Checkpoint `id` is complete: its state files become the base of the next incremental snapshots. */
  notifyCheckpointComplete(id: number): void {
    this.chain.members.forEach((m, i) => {
      const chain = this.pendingChains.get(`${id}/${i}`);
      if (chain) this.completedChains[i] = chain;
      m.ctx.state?.notifyCheckpointComplete?.(id);
    });
    for (const key of [...this.pendingChains.keys()])
      if (Number(key.split('/')[0]) <= id) this.pendingChains.delete(key);
  }
}
