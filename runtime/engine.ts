// The engine: turns a job graph into tasks and channels, runs them on the event loop, restores and restarts.
import type { CompiledJob } from '../compiler/compile';
import { CONFIG_KEYS } from '../compiler/config';
import { parseDuration } from '../compiler/options';
import type { JobOperator } from '../compiler/physical/job-graph';
import { type Clock, systemClock, yieldNow } from './clock';
import {
  type CheckpointStats,
  CheckpointCoordinator,
  type CompletedCheckpoint,
} from './checkpoint/coordinator';
import { type CheckpointMetadata, keyedFiles } from './checkpoint/metadata';
import { restorePlan } from './checkpoint/restore-plan';
import type { CheckpointStorage } from './checkpoint/storage';
import type { ConnectorContext, ConnectorRegistry } from './connectors/connector';
import type { JobHandle, JobMetrics, JobResult, JobStatus } from './job';
import { keyGroupRange } from './key-groups';
import { type OperatorContext, type RestoredOperatorState, newMetrics } from './operator';
import { createOperator } from './operators/factory';
import type { KeyGroupData, KeyedStateBackend, NativeRestore } from './state/backend';
import { HeapKeyedStateBackend } from './state/heap-backend';
import { decodeKeyGroups } from './state/snapshot-format';
import type { CheckpointingMode } from './task/barrier-aligner';
import { Channel } from './task/channel';
import { type OutputEdge, RecordWriter } from './task/record-writer';
import { type ChainMember, type InputChannel, StreamTask, type TaskListener } from './task/stream-task';

/** Everything platform-specific the engine needs, supplied by runtime/node or the playground. */
export interface EngineEnvironment {
  readonly connectors: ConnectorRegistry;
  readonly storage: CheckpointStorage;
  readonly clock?: Clock;
  /** Creates the keyed state backend of one stateful subtask (default: the heap backend). */
  readonly stateBackend?: (
    kind: 'hashmap' | 'rocksdb',
    ctx: {
      jobName: string;
      uid: string;
      subtask: number;
      range: { start: number; end: number };
      incremental: boolean;
      config: Readonly<Record<string, string>>;
    },
  ) => KeyedStateBackend;
  readonly print: (line: string, stderr: boolean) => void;
  readonly log: (message: string) => void;
  /** Tests: the order tasks are stepped in each round (default: graph order). */
  readonly schedule?: (tasks: readonly StreamTask[], round: number) => readonly StreamTask[];
  /** Tests: called before each task step; throwing there fails the task (failure injection). */
  readonly beforeStep?: (task: StreamTask, attempt: number) => void;
  /** Observers (the playground's barrier progress): a task acknowledged checkpoint `checkpointId`. */
  readonly onAcknowledge?: (taskKey: string, checkpointId: number) => void;
}

export interface StartOptions {
  /** A completed checkpoint or savepoint to start from. */
  readonly restore?: { readonly metadata: CheckpointMetadata; readonly location: string };
}

/** A configuration value of the job, or its documented default. */
export function setting(config: Readonly<Record<string, string>>, key: string): string | undefined {
  return config[key] ?? CONFIG_KEYS.find((k) => k.key === key)?.default;
}

let jobCounter = 0;

export class JobRunner implements JobHandle {
  readonly id: string;
  readonly name: string;
  readonly done: Promise<JobResult>;
  private resolveDone!: (r: JobResult) => void;
  private state: JobStatus = 'RUNNING';
  private readonly coordinator: CheckpointCoordinator;
  private readonly clock: Clock;
  private readonly mode: CheckpointingMode;
  private readonly backendKind: 'hashmap' | 'rocksdb';
  /** `execution.checkpointing.incremental`: off by default for the heap backend, as in Flink. */
  private readonly incremental: boolean;
  private tasks: StreamTask[] = [];
  private attempt = 0;
  private restarts = 0;
  private failure: unknown;
  private cancelled = false;
  private sourcesEnded = new Set<string>();
  private finalCheckpoint: Promise<CompletedCheckpoint> | undefined;
  private finalDone = false;
  private wake: (() => void) | undefined;
  private readonly opMetrics = new Map<string, ReturnType<typeof newMetrics>[]>();
  private readonly backends: KeyedStateBackend[] = [];

  constructor(
    private readonly job: CompiledJob,
    private readonly env: EngineEnvironment,
    private readonly options: StartOptions = {},
  ) {
    this.name = job.name;
    this.id = `${Date.now().toString(36)}${(jobCounter++).toString(36).padStart(3, '0')}`;
    this.clock = env.clock ?? systemClock;
    this.done = new Promise((r) => (this.resolveDone = r));
    const c = job.config;
    this.mode = setting(c, 'execution.checkpointing.mode')!.toUpperCase() as CheckpointingMode;
    this.backendKind = setting(c, 'state.backend.type')!.toLowerCase() as 'hashmap' | 'rocksdb';
    // As in Flink: full snapshots by default on the heap backend, incremental ones on rocksdb.
    this.incremental =
      (c['execution.checkpointing.incremental'] ?? String(this.backendKind === 'rocksdb')).toLowerCase() ===
      'true';
    const interval = c['execution.checkpointing.interval'];
    this.coordinator = new CheckpointCoordinator({
      jobName: job.name,
      graph: job.graph,
      storage: env.storage,
      clock: this.clock,
      mode: this.mode,
      backend: this.backendKind,
      queryText: job.statementText,
      interval: interval !== undefined ? parseDuration(interval) : undefined,
      maxConcurrent: Number(setting(c, 'execution.checkpointing.max-concurrent-checkpoints')),
      timeout: parseDuration(setting(c, 'execution.checkpointing.timeout')!)!,
      numRetained: Math.max(1, Number(setting(c, 'state.checkpoints.num-retained'))),
      onFailure: (_id, reason) => this.fail(new Error(`checkpoint failed: ${reason}`)),
      log: env.log,
    });
    if (options.restore) {
      const m = options.restore.metadata;
      this.coordinator.restoredFrom(m.checkpointId);
    }
  }

  /** Builds the first attempt and starts the task loop; resolves once tasks are open. */
  async start(): Promise<void> {
    await this.startAttempt(this.options.restore);
    void this.loop();
  }

  status(): JobStatus {
    return this.state;
  }

  checkpoints(): readonly CheckpointStats[] {
    return this.coordinator.history;
  }

  metrics(): JobMetrics {
    let recordsIn = 0;
    let recordsOut = 0;
    let late = 0;
    let bad = 0;
    for (const op of this.job.graph.operators) {
      const ms = this.opMetrics.get(op.uid) ?? [];
      for (const m of ms) {
        if (op.spec.kind === 'source') recordsIn += m.recordsOut;
        if (op.spec.kind === 'sink') recordsOut += m.recordsIn;
        late += m.lateRecords;
        bad += m.badRecords;
      }
    }
    const last = this.coordinator.latestCompleted;
    return {
      recordsIn,
      recordsOut,
      lateRecords: late,
      badRecords: bad,
      restarts: this.restarts,
      lastCheckpoint: last ? `chk-${last.id}` : undefined,
      stateEntries: this.backends.reduce((n, b) => n + b.numEntries(), 0),
    };
  }

  triggerCheckpoint(): Promise<CompletedCheckpoint> {
    if (this.state !== 'RUNNING')
      return Promise.reject(new Error(`job '${this.name}' is ${this.state.toLowerCase()}`));
    const p = this.coordinator.trigger(false);
    this.wake?.();
    return p;
  }

  triggerSavepoint(dir?: string): Promise<CompletedCheckpoint> {
    if (this.state !== 'RUNNING')
      return Promise.reject(new Error(`job '${this.name}' is ${this.state.toLowerCase()}`));
    const p = this.coordinator.triggerSavepoint(
      dir ?? setting(this.job.config, 'execution.checkpointing.savepoint-dir')!,
    );
    this.wake?.();
    return p;
  }

  async stopWithSavepoint(dir?: string): Promise<CompletedCheckpoint> {
    const savepoint = await this.triggerSavepoint(dir);
    // Rows after the savepoint's barrier are never committed: the output stays what the savepoint holds.
    this.stopStatus = 'FINISHED';
    await this.cancel();
    return savepoint;
  }

  /** How a cancel ends the job: CANCELED, or FINISHED after a stop with savepoint. */
  private stopStatus: 'CANCELED' | 'FINISHED' = 'CANCELED';

  async cancel(): Promise<void> {
    if (this.state === 'FINISHED' || this.state === 'FAILED' || this.state === 'CANCELED') return;
    this.cancelled = true;
    this.wake?.();
    await this.done;
  }

  // ───────────────────────────── attempts ─────────────────────────────

  private connectorContext(ctx: OperatorContext): ConnectorContext {
    return {
      jobName: this.name,
      subtaskIndex: ctx.subtaskIndex,
      parallelism: ctx.parallelism,
      attempt: ctx.attempt,
      clock: this.clock,
      metrics: ctx.metrics,
      batchSize: ctx.batchSize,
      print: this.env.print,
      log: this.env.log,
    };
  }

  private async startAttempt(restore: StartOptions['restore']): Promise<void> {
    const g = this.job.graph;
    const maxP = g.maxParallelism;
    if (restore)
      checkRestorable(
        restore.metadata,
        this.job,
        setting(this.job.config, 'execution.state-recovery.ignore-unclaimed-state') === 'true',
      );
    const batchSize = Number(setting(this.job.config, 'weir.batch-size'));
    const ops = g.operators;
    const chainOf = new Map<number, number>();
    for (const c of g.chains) for (const id of c.operators) chainOf.set(id, c.id);
    // Channels for every edge that crosses chains: [consumer op id][input index][consumer subtask] → channels by producer subtask.
    const inputChannels = new Map<string, InputChannel[]>();
    const outputEdges = new Map<string, OutputEdge[]>();
    for (const op of ops) {
      op.inputs.forEach((edge, inputIndex) => {
        if (chainOf.get(edge.source) === chainOf.get(op.id) && edge.partitioning.kind === 'forward') return;
        const up = ops[edge.source]!;
        const perProducer: Channel[][] = Array.from({ length: up.parallelism }, () => []);
        for (let d = 0; d < op.parallelism; d++) {
          for (let u = 0; u < up.parallelism; u++) {
            if (edge.partitioning.kind === 'forward' && u !== d) continue;
            const ch = new Channel(`${up.name}[${u}] -> ${op.name}[${d}]`);
            // Dense: indexed by consumer subtask on a partitioned edge; a forward edge has its one channel.
            perProducer[u]!.push(ch);
            const key = `${op.id}/${d}`;
            const list = inputChannels.get(key) ?? [];
            list.push({ channel: ch, input: inputIndex });
            inputChannels.set(key, list);
          }
        }
        for (let u = 0; u < up.parallelism; u++) {
          const key = `${up.id}/${u}`;
          const list = outputEdges.get(key) ?? [];
          list.push({
            partitioning: edge.partitioning,
            channels: perProducer[u]!,
            subtaskIndex: u,
            maxParallelism: maxP,
          });
          outputEdges.set(key, list);
        }
      });
    }
    const restoredData = restore ? await this.loadState(restore) : undefined;
    const tasks: StreamTask[] = [];
    const pendingRestores: Promise<void>[] = [];
    const listener = this.listener();
    this.backends.length = 0;
    this.opMetrics.clear();
    for (const chain of g.chains) {
      for (let s = 0; s < chain.parallelism; s++) {
        const members: ChainMember[] = chain.operators.map((id) => {
          const op = ops[id]!;
          const range = keyGroupRange(s, op.parallelism, maxP);
          const metrics = newMetrics();
          const list = this.opMetrics.get(op.uid) ?? [];
          list[s] = metrics;
          this.opMetrics.set(op.uid, list);
          const state = op.stateful ? this.createBackend(op, s, range) : undefined;
          const restored = restoredData?.get(op.uid);
          if (state && restored) pendingRestores.push(restoreBackend(state, op.name, restored, range));
          const ctx: OperatorContext = {
            jobName: this.name,
            operator: op,
            subtaskIndex: s,
            parallelism: op.parallelism,
            maxParallelism: maxP,
            keyGroupRange: range,
            state,
            clock: this.clock,
            metrics,
            attempt: this.attempt,
            inputUpdating: op.inputs.map((e) => ops[e.source]!.changelog === 'updating'),
            batchSize,
            stateTtl: parseDuration(setting(this.job.config, 'table.exec.state.ttl') ?? '0') ?? 0,
            allowLateness:
              parseDuration(setting(this.job.config, 'table.exec.emit.allow-lateness') ?? '0') ?? 0,
          };
          const opState: RestoredOperatorState | undefined =
            restored && restore
              ? {
                  checkpointId: restore.metadata.checkpointId,
                  own: restored.operatorStates[s],
                  all: restored.operatorStates.filter((x) => x !== undefined),
                }
              : undefined;
          const inputs = op.inputs.map((e) => ops[e.source]!);
          return {
            op: createOperator(op, inputs, this.env.connectors, (c) => this.connectorContext(c)),
            ctx,
            restored: opState,
          };
        });
        const head = ops[chain.operators[0]!]!;
        const tail = ops[chain.operators[chain.operators.length - 1]!]!;
        const task = new StreamTask({
          key: `${chain.id}-${s}`,
          chain: members,
          inputs: inputChannels.get(`${head.id}/${s}`) ?? [],
          writer: new RecordWriter(outputEdges.get(`${tail.id}/${s}`) ?? []),
          mode: this.mode,
          writeState: (id, name, data, shared) => this.coordinator.writeState(id, name, data, shared),
          jobName: this.name,
          listener,
          clock: this.clock,
          idleTimeout: parseDuration(setting(this.job.config, 'table.exec.source.idle-timeout') ?? '0') ?? 0,
        });
        tasks.push(task);
      }
    }
    try {
      await Promise.all(pendingRestores);
      for (const t of tasks) await t.open();
    } catch (e) {
      // A restore or open that fails MUST NOT leave open databases and their folders behind.
      await Promise.allSettled(pendingRestores);
      await Promise.allSettled(this.backends.map((b) => b.dispose()));
      throw e;
    }
    this.tasks = tasks;
    this.sourcesEnded = new Set();
    this.finalCheckpoint = undefined;
    this.finalDone = false;
    this.coordinator.attach({
      taskKeys: () => this.tasks.map((t) => t.key),
      triggerSources: (id, ts, final, savepoint) => {
        for (const t of this.tasks) if (t.isSourceTask) t.triggerCheckpoint(id, ts, final, savepoint);
        this.wake?.();
      },
      notifyComplete: async (id) => {
        for (const t of this.tasks) await t.notifyCheckpointComplete(id);
      },
      abort: (id) => {
        for (const t of this.tasks) t.abortCheckpoint(id);
      },
    });
  }

  private createBackend(
    op: JobOperator,
    subtask: number,
    range: { start: number; end: number },
  ): KeyedStateBackend {
    const b = this.env.stateBackend
      ? this.env.stateBackend(this.backendKind, {
          jobName: this.name,
          uid: op.uid,
          subtask,
          range,
          incremental: this.incremental,
          config: this.job.config,
        })
      : new HeapKeyedStateBackend(range, this.incremental);
    this.backends.push(b);
    return b;
  }

  /** Reads every operator's state files (verifying checksums) and operator states, by uid. */
  private async loadState(restore: NonNullable<StartOptions['restore']>) {
    const out = new Map<string, RestoredState>();
    for (const op of restore.metadata.operators) {
      const keyed = [];
      const native: NativeRestore[] = [];
      const operatorStates: unknown[] = [];
      for (const s of op.subtasks) {
        operatorStates[s.subtask] = s.operatorState;
        if (s.native) {
          // Native files are read when the backend restores them (only the overlapping subtasks' files).
          native.push({ state: s.native, read: (f) => this.env.storage.readState(restore.location, f) });
        }
        // A full base, then incremental changes: decoded in order, applied in order.
        for (const f of keyedFiles(s)) {
          const data = await this.env.storage.readState(restore.location, f);
          keyed.push(...decodeKeyGroups(data, `${restore.location}/${f.path}`));
        }
      }
      out.set(op.uid, { keyed, native, operatorStates });
    }
    return out;
  }

  private listener(): TaskListener {
    return {
      acknowledge: (ack) => {
        this.env.onAcknowledge?.(ack.taskKey, ack.checkpointId);
        this.coordinator.acknowledge(ack);
      },
      decline: (key, id, error, fatal) => this.coordinator.decline(key, id, error, fatal),
      sourceEnded: (key) => {
        this.sourcesEnded.add(key);
        if (this.tasks.filter((t) => t.isSourceTask).every((t) => this.sourcesEnded.has(t.key))) {
          // Bounded input: a final checkpoint lets transactional sinks commit the last rows.
          this.finalCheckpoint = this.coordinator.trigger(true);
          this.finalCheckpoint.then(
            () => {
              this.finalDone = true;
              this.wake?.();
            },
            (e) => this.fail(e),
          );
        }
      },
      failed: (_key, error) => this.fail(error),
      ready: () => this.wake?.(),
    };
  }

  private fail(error: unknown): void {
    if (this.failure === undefined) this.failure = error;
    this.wake?.();
  }

  // ───────────────────────────── the loop ─────────────────────────────

  private async loop(): Promise<void> {
    let round = 0;
    let lastYield = this.clock.now();
    for (;;) {
      if (this.cancelled) return this.end(this.stopStatus);
      if (this.failure !== undefined) {
        const restarted = await this.restartOrFail();
        if (!restarted) return;
        continue;
      }
      const order = this.env.schedule ? this.env.schedule(this.tasks, round++) : this.tasks;
      let worked = false;
      let current: StreamTask | undefined;
      try {
        for (const t of order) {
          current = t;
          this.env.beforeStep?.(t, this.attempt);
          if (t.step(64)) worked = true;
        }
      } catch (e) {
        // Name the task: "in Join(...) -> Sink(...) subtask 1: <cause>".
        const where = current
          ? `${current.members.map((m) => m.ctx.operator.name.replace(/\(.*/, '')).join(' -> ')} (subtask ${current.members[0]!.ctx.subtaskIndex})`
          : 'a task';
        const err = e instanceof Error ? e : new Error(String(e));
        err.message = `in ${where}: ${err.message}`;
        this.fail(err);
        continue;
      }
      if (this.finalDone && this.tasks.every((t) => t.status === 'ENDED')) {
        for (const t of this.tasks) await t.drain();
        return this.end('FINISHED');
      }
      if (!worked) {
        await new Promise<void>((resolve) => {
          const cancel = this.clock === systemClock ? setTimeout(() => resolve(), 2) : undefined;
          this.wake = () => {
            if (cancel) clearTimeout(cancel);
            resolve();
          };
          if (!cancel) void yieldNow().then(resolve);
        });
        this.wake = undefined;
        lastYield = this.clock.now();
      } else if (this.clock.now() - lastYield > 8) {
        // On the job's clock: with an injected clock, asynchronous work (snapshots, commits) gets its turn
        // after the same number of steps however fast the machine is.
        await yieldNow();
        lastYield = this.clock.now();
      }
    }
  }

  private async restartOrFail(): Promise<boolean> {
    const error = this.failure;
    this.failure = undefined;
    const message = error instanceof Error ? error.message : String(error);
    const c = this.job.config;
    const strategy = setting(c, 'restart-strategy.type')!;
    const attempts = Number(setting(c, 'restart-strategy.fixed-delay.attempts'));
    await this.teardown();
    if (strategy !== 'fixed-delay' || this.restarts >= attempts) {
      await this.end('FAILED', message);
      return false;
    }
    this.restarts++;
    this.attempt++;
    this.state = 'RESTARTING';
    const latest = this.coordinator.latestCompleted;
    this.env.log(
      `job '${this.name}' failed (${message}); restarting (attempt ${this.restarts} of ${attempts}) from ${latest ? `checkpoint ${latest.id}` : this.options.restore ? 'the restored checkpoint' : 'the beginning'}`,
    );
    const delay = parseDuration(setting(c, 'restart-strategy.fixed-delay.delay')!)!;
    if (delay > 0) await new Promise<void>((r) => this.clock.schedule(delay, r));
    if (this.cancelled) {
      await this.end('CANCELED');
      return false;
    }
    try {
      const restore = latest
        ? { metadata: latest.metadata, location: latest.location }
        : this.options.restore;
      await this.startAttempt(restore);
      this.state = 'RUNNING';
      return true;
    } catch (e) {
      this.failure = e;
      return true;
    }
  }

  private async teardown(): Promise<void> {
    this.coordinator.detach();
    for (const t of this.tasks) t.cancel();
    for (const t of this.tasks) {
      try {
        await t.close();
      } catch (e) {
        this.env.log(`closing task ${t.key}: ${String(e)}`);
      }
    }
    this.tasks = [];
  }

  private async end(status: JobResult['status'], error?: string): Promise<void> {
    if (status !== 'FAILED') await this.teardown();
    const retention = setting(this.job.config, 'execution.checkpointing.externalized-checkpoint-retention');
    // A failed job keeps its checkpoints, so that it can be resumed with --from-checkpoint.
    await this.coordinator.shutdown(status === 'FAILED' || retention === 'RETAIN_ON_CANCELLATION');
    this.state = status;
    this.resolveDone({ status, ...(error !== undefined ? { error } : {}) });
  }
}

/** Refuses a restore that would lose state or mix incompatible layouts. */
function checkRestorable(m: CheckpointMetadata, job: CompiledJob, ignoreUnclaimed: boolean): void {
  const { problems } = restorePlan(m, job, ignoreUnclaimed);
  if (problems.length > 0) throw new Error(`cannot restore: ${problems.join('; ')}`);
}

/** Starts a compiled job; resolves once its tasks are open. */
export async function runJob(
  job: CompiledJob,
  env: EngineEnvironment,
  options: StartOptions = {},
): Promise<JobRunner> {
  const runner = new JobRunner(job, env, options);
  await runner.start();
  return runner;
}

/** One operator's state as read from a checkpoint, before it is handed to the new subtasks. */
interface RestoredState {
  readonly keyed: KeyGroupData[];
  readonly native: NativeRestore[];
  readonly operatorStates: unknown[];
}

/** Loads a new subtask's key groups into its backend: canonical key groups, or the overlapping native snapshots. */
async function restoreBackend(
  state: KeyedStateBackend,
  name: string,
  restored: RestoredState,
  range: { start: number; end: number },
): Promise<void> {
  await state.restore(restored.keyed.filter((kg) => kg.keyGroup >= range.start && kg.keyGroup <= range.end));
  const native = restored.native.filter(
    (n) => n.state.keyGroupRange.start <= range.end && n.state.keyGroupRange.end >= range.start,
  );
  if (native.length === 0) return;
  if (!state.restoreNative)
    throw new Error(
      `the checkpoint holds ${native[0]!.state.format} state of ${name}, which the ${state.kind} backend cannot read: ` +
        `restore it with SET 'state.backend.type' = '${native[0]!.state.format}', or restore from a savepoint to change backends`,
    );
  await state.restoreNative(native);
}
