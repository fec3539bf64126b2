// The job master's side of worker-thread task managers: starts them per attempt, relays checkpoints, fails the job when one dies.
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { setting, taskKey, type JobSpec } from '../../task/task-builder';
import type { RemoteAttempt, RemoteAttemptOptions, TaskManagers } from '../../task/task-managers';
import { type MasterMessage, type TaskManagerMessage, fromWire, toWire } from './protocol';
import { removeRocksdbFolders } from '../state/local-dir';
import { startTaskManagerThread } from './worker-entry';

/** How long a shutdown waits for a task manager to close its tasks before its thread is stopped. */
const SHUTDOWN_MS = 10_000;

/**
 * `weir.workers` task managers (default: the number of cores), at most the job's parallelism; 0 when the
 * job runs at parallelism 1 or `weir.workers` is 0 (the single-thread engine).
 */
export function workerCount(job: JobSpec): number {
  const parallelism = Math.max(1, ...job.graph.chains.map((c) => c.parallelism));
  if (parallelism <= 1) return 0;
  const configured = setting(job.config, 'weir.workers');
  const n = configured === undefined ? availableParallelism() : Number(configured);
  if (!Number.isFinite(n) || n <= 0) return 0;
  return Math.min(Math.floor(n), parallelism);
}

export const workerTaskManagers: TaskManagers = {
  count: workerCount,
  start: (o) => WorkerAttempt.start(o),
};

class WorkerAttempt implements RemoteAttempt {
  readonly taskKeys: string[] = [];
  readonly sourceTaskKeys: string[] = [];
  private readonly workers: Worker[] = [];
  private readonly exited: Promise<void>[] = [];
  private closing = false;
  private notifySeq = 0;
  private readonly notifying = new Map<
    number,
    { left: number; resolve: () => void; reject: (e: Error) => void; error?: Error }
  >();
  private readonly closed: (() => void)[] = [];
  private ended = 0;

  private constructor(private readonly o: RemoteAttemptOptions) {
    const ops = o.job.graph.operators;
    for (const chain of o.job.graph.chains)
      for (let s = 0; s < chain.parallelism; s++) {
        this.taskKeys.push(taskKey(chain.id, s));
        if (ops[chain.operators[0]!]!.spec.kind === 'source') this.sourceTaskKeys.push(taskKey(chain.id, s));
      }
  }

  /** Starts the threads, hands each its subtasks and its ports to the others; resolves when all tasks are open. */
  static async start(o: RemoteAttemptOptions): Promise<WorkerAttempt> {
    const a = new WorkerAttempt(o);
    const n = o.count;
    const peers: (MessagePort | undefined)[][] = Array.from({ length: n }, () =>
      new Array(n).fill(undefined),
    );
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const ch = new MessageChannel();
        peers[i]![j] = ch.port1;
        peers[j]![i] = ch.port2;
      }
    const ready: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const w = startTaskManagerThread();
      a.workers.push(w);
      a.exited.push(new Promise((r) => w.once('exit', () => r())));
      ready.push(
        new Promise<void>((resolve, reject) => {
          a.onStartup[i] = { resolve, reject };
        }),
      );
      w.on('message', (m: TaskManagerMessage) => a.onMessage(i, m));
      w.on('error', (e) => a.died(i, e));
      w.on('exit', (code) =>
        a.died(i, new Error(`task manager ${i} (worker thread) exited with code ${code}`)),
      );
      const ports = peers[i]!.filter((p): p is MessagePort => p !== undefined);
      const start: MasterMessage = {
        type: 'start',
        index: i,
        count: n,
        job: o.job,
        attempt: o.attempt,
        ...(o.restore ? { restore: o.restore } : {}),
        peers: peers[i]!,
      };
      w.postMessage(start, ports);
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await a.shutdown();
      throw e;
    }
    return a;
  }

  private readonly onStartup: { resolve: () => void; reject: (e: Error) => void }[] = [];

  private post(i: number, m: MasterMessage): void {
    if (!this.closing) this.workers[i]?.postMessage(m);
  }

  private broadcast(m: MasterMessage): void {
    for (let i = 0; i < this.workers.length; i++) this.post(i, m);
  }

  private died(i: number, error: Error): void {
    if (this.closing) return;
    const startup = this.onStartup[i];
    if (startup) {
      startup.reject(error);
      return;
    }
    this.failAll(error);
    this.o.listener.failed(`task manager ${i}`, error);
  }

  /** A thread is gone: checkpoint notifications waiting for it never come. */
  private failAll(error: Error): void {
    for (const n of this.notifying.values()) n.reject(error);
    this.notifying.clear();
  }

  private onMessage(i: number, m: TaskManagerMessage): void {
    if (this.closing && m.type !== 'closed' && m.type !== 'metrics') return;
    const o = this.o;
    switch (m.type) {
      case 'ready':
        this.onStartup[i]?.resolve();
        delete this.onStartup[i];
        return;
      case 'startFailed':
        this.onStartup[i]?.reject(fromWire(m.error));
        delete this.onStartup[i];
        return;
      case 'ack':
        o.listener.acknowledge(m.ack);
        return;
      case 'decline':
        o.listener.decline(m.key, m.id, fromWire(m.error), m.fatal);
        return;
      case 'sourceEnded':
        o.listener.sourceEnded(m.key);
        return;
      case 'failed':
        o.listener.failed(m.key, fromWire(m.error));
        return;
      case 'writeState':
        o.writeState(m.id, m.name, m.data, m.shared).then(
          (value) => this.post(i, { type: 'reply', seq: m.seq, value }),
          (e: unknown) => this.post(i, { type: 'reply', seq: m.seq, error: toWire(e) }),
        );
        return;
      case 'readState':
        o.readState(m.location, m.file).then(
          (value) => this.post(i, { type: 'reply', seq: m.seq, value }),
          (e: unknown) => this.post(i, { type: 'reply', seq: m.seq, error: toWire(e) }),
        );
        return;
      case 'print':
        o.print(m.line, m.stderr);
        return;
      case 'log':
        o.log(m.message);
        return;
      case 'metrics':
        o.metrics(i, m.ops, m.stateEntries);
        return;
      case 'ended':
        if (++this.ended === this.workers.length) o.ended();
        return;
      case 'notified': {
        const n = this.notifying.get(m.seq);
        if (!n) return;
        if (m.error) n.error ??= fromWire(m.error);
        if (--n.left > 0) return;
        this.notifying.delete(m.seq);
        if (n.error) n.reject(n.error);
        else n.resolve();
        return;
      }
      case 'closed':
        this.closed[i]?.();
        return;
    }
  }

  run(): void {
    this.broadcast({ type: 'run' });
  }

  triggerSources(id: number, timestamp: number, final: boolean, savepoint: boolean): void {
    this.broadcast({ type: 'trigger', id, timestamp, final, savepoint });
  }

  notifyComplete(id: number): Promise<void> {
    if (this.closing) return Promise.resolve();
    const seq = this.notifySeq++;
    return new Promise<void>((resolve, reject) => {
      this.notifying.set(seq, { left: this.workers.length, resolve, reject });
      this.broadcast({ type: 'notify', id, seq });
    });
  }

  abort(id: number): void {
    this.broadcast({ type: 'abort', id });
  }

  async shutdown(): Promise<void> {
    if (this.closing) return;
    // Ask every live thread to cancel and close its tasks (sinks, state backends), then stop it.
    const closed = this.workers.map(
      (_w, i) =>
        new Promise<void>((resolve) => {
          this.closed[i] = resolve;
          void this.exited[i]!.then(resolve);
        }),
    );
    this.broadcast({ type: 'shutdown' });
    this.closing = true;
    this.failAll(new Error('the attempt was shut down'));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((r) => (timer = setTimeout(r, SHUTDOWN_MS)))]);
    clearTimeout(timer);
    // The tasks are closed (or the threads did not answer in time): the job is over. The threads are
    // stopped without waiting for their heaps to be torn down (30-70 ms for a few hundred MB).
    for (const w of this.workers) void w.terminate().catch(() => {});
    // A thread that died closed nothing: its RocksDB folders would stay. The next attempt makes new ones.
    removeRocksdbFolders(this.o.job);
  }
}
