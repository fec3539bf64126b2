// A task manager (Flink's name): a worker thread running its share of an attempt's subtasks, driven by the job master.
import { parentPort } from 'node:worker_threads';
import type { StateFileHandle } from '../../checkpoint/metadata';
import { systemClock, yieldNow } from '../../clock';
import { builtinConnectors } from '../../connectors/builtin';
import type { OperatorContext, OperatorMetrics } from '../../operator';
import type { KeyedStateBackend } from '../../state/backend';
import type { CheckpointingMode } from '../../task/barrier-aligner';
import { Channel } from '../../task/channel';
import { type StreamTask, type TaskListener, stepFailure } from '../../task/stream-task';
import {
  type ChannelEnds,
  buildTasks,
  connectorContextOf,
  loadState,
  openTasks,
  setting,
} from '../../task/task-builder';
import type { OperatorMetricsReport } from '../../task/task-managers';
import { registerNodeConnectors } from '../connectors/index';
import { stateBackendFactory } from '../environment';
import { workerFault } from '../faults';
import {
  type MasterMessage,
  type StartMessage,
  type TaskManagerMessage,
  type WireError,
  fromWire,
  taskManagerOf,
  toWire,
} from './protocol';
import { loadUdfModules } from '../udf-loader';
import { ChannelExchange, type ExchangeMessage } from './remote-channel';

const port = parentPort!;
const send = (m: TaskManagerMessage) => port.postMessage(m);

/**
 * Batches a remote channel may have in flight (the consumer's buffers). Credits come back only when this
 * thread lets port messages in: with 16 the keyed-count bench's sources stalled on credits, 64 keeps them busy.
 */
const REMOTE_CAPACITY = 64;
/** While busy, the loop lets port messages in (data, credits, triggers) at least this often. */
const YIELD_MS = 1;
const METRICS_MS = 500;

let seq = 0;
const replies = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
function call<T>(m: (seq: number) => TaskManagerMessage): Promise<T> {
  const s = seq++;
  return new Promise<T>((resolve, reject) => {
    replies.set(s, { resolve: resolve as (v: unknown) => void, reject });
    send(m(s));
  });
}

class TaskManager {
  private tasks: StreamTask[] = [];
  private readonly exchanges: (ChannelExchange | undefined)[] = [];
  private readonly backends: KeyedStateBackend[] = [];
  private metrics = new Map<string, OperatorMetrics[]>();
  private stopped = false;
  private endedSent = false;
  /** Whether a checkpoint of this attempt completed (fault injection waits for one). */
  private checkpointed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly m: StartMessage) {}

  async start(): Promise<void> {
    const m = this.m;
    const job = m.job;
    const c = job.config;
    m.peers.forEach((p, i) => {
      if (!p) return;
      const ex = new ChannelExchange(p, () => this.wake?.());
      this.exchanges[i] = ex;
      p.on('message', (msg: ExchangeMessage) => ex.receive(msg));
    });
    const backendKind = setting(c, 'state.backend.type')!.toLowerCase() as 'hashmap' | 'rocksdb';
    const incremental =
      (c['execution.checkpointing.incremental'] ?? String(backendKind === 'rocksdb')).toLowerCase() ===
      'true';
    const backendFactory = stateBackendFactory(job, false);
    const readState = (location: string, file: StateFileHandle) =>
      call<Uint8Array>((s) => ({ type: 'readState', seq: s, location, file }));
    const restored = m.restore ? await loadState(m.restore, readState) : undefined;
    await loadUdfModules(job.graph);
    const connectors = registerNodeConnectors(builtinConnectors());
    const listener: TaskListener = {
      acknowledge: (ack) => send({ type: 'ack', ack }),
      decline: (key, id, error, fatal) =>
        send({ type: 'decline', key, id, error: toWire(error), fatal: fatal ?? true }),
      sourceEnded: (key) => send({ type: 'sourceEnded', key }),
      failed: (key, error) => send({ type: 'failed', key, error: toWire(error) }),
      ready: () => this.wake?.(),
    };
    const print = (line: string, stderr: boolean) => send({ type: 'print', line, stderr });
    const log = (message: string) => send({ type: 'log', message });
    const built = buildTasks({
      job,
      attempt: m.attempt,
      mode: setting(c, 'execution.checkpointing.mode')!.toUpperCase() as CheckpointingMode,
      clock: systemClock,
      connectors,
      connectorContext: (ctx: OperatorContext) => connectorContextOf(ctx, job.name, systemClock, print, log),
      createBackend: (op, subtask, range) => {
        const b = backendFactory(backendKind, {
          jobName: job.name,
          uid: op.uid,
          subtask,
          range,
          incremental,
          config: c,
        });
        this.backends.push(b);
        return b;
      },
      writeState: (id, name, data, shared) =>
        call<StateFileHandle>((s) => ({ type: 'writeState', seq: s, id, name, data, shared })),
      listener,
      ...(restored && m.restore
        ? { restored: { checkpointId: m.restore.metadata.checkpointId, data: restored } }
        : {}),
      hosts: (_chain, subtask) => taskManagerOf(subtask, m.count) === m.index,
      channelCapacity: REMOTE_CAPACITY,
      channel: (ch) => {
        const from = taskManagerOf(ch.producer.subtask, m.count);
        const to = taskManagerOf(ch.consumer.subtask, m.count);
        if (from === to) return local(ch.name);
        if (from === m.index) return { writer: this.exchanges[to]!.writer(ch.key, ch.name, REMOTE_CAPACITY) };
        return { reader: this.exchanges[from]!.reader(ch.key, ch.name, REMOTE_CAPACITY) };
      },
    });
    this.metrics = built.metrics;
    await openTasks(built.tasks, built.pendingRestores, this.backends);
    this.tasks = built.tasks;
  }

  /**
   * The task loop: steps every task; before letting port messages in (every YIELD_MS while busy, or to
   * wait when idle) it sends what the remote channels collected, one message per peer.
   */
  async run(): Promise<void> {
    let lastYield = Date.now();
    let lastMetrics = Date.now();
    for (;;) {
      if (this.stopped) return;
      let worked = false;
      let current: StreamTask | undefined;
      try {
        for (const t of this.tasks) {
          current = t;
          if (t.step(64)) worked = true;
        }
      } catch (e) {
        send({ type: 'failed', key: current?.key ?? '?', error: toWire(stepFailure(current, e)) });
        this.stopped = true;
        this.flush();
        return;
      }
      if (worked) workerFault(this.m.index, this.m.attempt, this.checkpointed);
      const now = Date.now();
      if (now - lastMetrics >= METRICS_MS) {
        lastMetrics = now;
        this.reportMetrics();
      }
      if (!this.endedSent && this.tasks.every((t) => t.status === 'ENDED')) {
        for (const t of this.tasks) await t.drain();
        this.flush();
        this.reportMetrics();
        this.endedSent = true;
        send({ type: 'ended' });
      }
      if (!worked) {
        this.flush();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => resolve(), 2);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        lastYield = Date.now();
      } else if (now - lastYield >= YIELD_MS) {
        // What the remote channels collected since the last yield goes in one message per peer.
        this.flush();
        await yieldNow();
        lastYield = Date.now();
      }
    }
  }

  private flush(): void {
    for (const ex of this.exchanges) ex?.flush();
  }

  reportMetrics(): void {
    const ops: OperatorMetricsReport[] = [];
    for (const [uid, list] of this.metrics)
      list.forEach((metrics, subtask) => {
        if (metrics) ops.push({ uid, subtask, metrics: { ...metrics } });
      });
    send({ type: 'metrics', ops, stateEntries: this.backends.reduce((n, b) => n + b.numEntries(), 0) });
  }

  trigger(id: number, timestamp: number, final: boolean, savepoint: boolean): void {
    for (const t of this.tasks) if (t.isSourceTask) t.triggerCheckpoint(id, timestamp, final, savepoint);
    this.wake?.();
  }

  async notify(id: number): Promise<void> {
    this.checkpointed = true;
    for (const t of this.tasks) await t.notifyCheckpointComplete(id);
    this.wake?.();
  }

  abort(id: number): void {
    for (const t of this.tasks) t.abortCheckpoint(id);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    for (const t of this.tasks) t.cancel();
    for (const t of this.tasks) {
      try {
        await t.close();
      } catch (e) {
        send({ type: 'log', message: `closing task ${t.key}: ${String(e)}` });
      }
    }
    this.tasks = [];
  }
}

/** Both ends in this thread: the in-thread channel, as on the single-thread engine. */
function local(name: string): ChannelEnds {
  const ch = new Channel(name);
  return { writer: ch, reader: ch };
}

let tm: TaskManager | undefined;

port.on('message', (m: MasterMessage) => {
  switch (m.type) {
    case 'start':
      tm = new TaskManager(m);
      tm.start().then(
        () => send({ type: 'ready' }),
        (e: unknown) => send({ type: 'startFailed', error: toWire(e) }),
      );
      return;
    case 'run':
      void tm?.run();
      return;
    case 'trigger':
      tm?.trigger(m.id, m.timestamp, m.final, m.savepoint);
      return;
    case 'notify':
      (tm ? tm.notify(m.id) : Promise.resolve()).then(
        () => send({ type: 'notified', seq: m.seq }),
        (e: unknown) => send({ type: 'notified', seq: m.seq, error: toWire(e) }),
      );
      return;
    case 'abort':
      tm?.abort(m.id);
      return;
    case 'shutdown':
      // The last counters first, so that the job's summary counts what this attempt did.
      tm?.reportMetrics();
      void (tm ? tm.shutdown() : Promise.resolve()).finally(() => send({ type: 'closed' }));
      return;
    case 'reply': {
      const r = replies.get(m.seq);
      replies.delete(m.seq);
      if (m.error) r?.reject(fromWire(m.error as WireError));
      else r?.resolve(m.value);
      return;
    }
  }
});
