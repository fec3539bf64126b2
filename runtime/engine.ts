// The engine: turns a job graph into tasks and channels, runs them on the event loop, restores and restarts.
import type { CompiledJob } from '../compiler/compile';
import { parseDuration } from '../compiler/options';
import {
  type AttemptContext,
  checkRestorable,
  deployLocalAttempt,
  deployRemoteAttempt,
  localParticipants,
  remoteParticipants,
} from './attempt-deployment';
import { type Clock, systemClock, yieldNow } from './clock';
import {
  type CheckpointStats,
  CheckpointCoordinator,
  type CompletedCheckpoint,
} from './checkpoint/coordinator';
import { recordCounts } from './checkpoint/metadata';
import { type EngineEnvironment, type StartOptions, newJobId } from './engine-environment';
import type { JobHandle, JobMetrics, JobResult, JobStatus } from './job';
import { jobMetrics } from './job-metrics';
import type { OperatorMetrics } from './operator';
import { restartBackoffTimeStrategy } from './restart-strategy';
import type { KeyedStateBackend } from './state/backend';
import type { CheckpointingMode } from './task/barrier-aligner';
import { type StreamTask, type TaskListener, stepFailure } from './task/stream-task';
import { setting } from './task/task-builder';
import type { RemoteAttempt } from './task/task-managers';

export { setting };
export type { EngineEnvironment, StartOptions };

export class JobRunner implements JobHandle {
  readonly id: string;
  readonly name: string;
  readonly done: Promise<JobResult>;
  readonly startTime: number;
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
  private readonly opMetrics = new Map<string, OperatorMetrics[]>();
  private readonly backends: KeyedStateBackend[] = [];
  private sourceTaskKeys: readonly string[] = [];
  /** Task manager threads the subtasks run on (0: this thread). */
  private readonly taskManagers: number;
  /** The running attempt's task managers, when the subtasks run on them. */
  private remote: RemoteAttempt | undefined;
  private remoteEnded = false;
  /** Keyed-state entries per task manager, as last reported. */
  private readonly remoteStateEntries = new Map<number, number>();
  /** The job's record counts before the running attempt: zero on a fresh start, the restored checkpoint's after. */
  private recordsBefore: { recordsIn: number; recordsOut: number } | undefined = {
    recordsIn: 0,
    recordsOut: 0,
  };
  private restored = false;

  constructor(
    private readonly job: CompiledJob,
    private readonly env: EngineEnvironment,
    private readonly options: StartOptions = {},
  ) {
    this.name = job.name;
    this.id = options.jobId ?? newJobId();
    this.clock = env.clock ?? systemClock;
    this.startTime = Date.now();
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
      jobId: this.id,
      graph: job.graph,
      storage: env.storage,
      clock: this.clock,
      mode: this.mode,
      backend: this.backendKind,
      queryText: job.statementText,
      recordsBefore: () => this.recordsBefore,
      interval: interval !== undefined ? parseDuration(interval) : undefined,
      maxConcurrent: Number(setting(c, 'execution.checkpointing.max-concurrent-checkpoints')),
      timeout: parseDuration(setting(c, 'execution.checkpointing.timeout')!)!,
      numRetained: Math.max(1, Number(setting(c, 'state.checkpoints.num-retained'))),
      onFailure: (_id, reason) => this.fail(new Error(`checkpoint failed: ${reason}`)),
      log: env.log,
    });
    this.taskManagers = env.taskManagers?.count(job) ?? 0;
    if (options.restore) {
      const m = options.restore.metadata;
      this.coordinator.restoredFrom(m.checkpointId, options.restore.claimed);
    }
  }

  /** Builds the first attempt and starts the task loop; resolves once tasks are open. */
  async start(): Promise<void> {
    await this.startAttempt(this.options.restore);
    void (this.taskManagers > 0 ? this.remoteLoop() : this.loop());
  }

  status(): JobStatus {
    return this.state;
  }

  checkpoints(): readonly CheckpointStats[] {
    return this.coordinator.history;
  }

  metrics(): JobMetrics {
    return jobMetrics({
      operators: this.job.graph.operators,
      opMetrics: this.opMetrics,
      restarts: this.restarts,
      latestCompleted: this.coordinator.latestCompleted,
      backends: this.backends,
      remoteStateEntries: this.remoteStateEntries,
      ...(this.restored ? { restored: this.recordsBefore ?? {} } : {}),
    });
  }

  get compiled(): CompiledJob {
    return this.job;
  }

  operatorMetrics(): ReadonlyMap<string, readonly (OperatorMetrics | undefined)[]> {
    return this.opMetrics;
  }

  latestCompleted(): CompletedCheckpoint | undefined {
    return this.coordinator.latestCompleted;
  }

  triggerCheckpoint(): Promise<CompletedCheckpoint> {
    if (this.state !== 'RUNNING')
      return Promise.reject(new Error(`job '${this.name}' is ${this.state.toLowerCase()}`));
    const p = this.coordinator.trigger(false);
    this.wake?.();
    return p;
  }

  triggerSavepoint(dir?: string, stop = false): Promise<CompletedCheckpoint> {
    if (this.state !== 'RUNNING')
      return Promise.reject(new Error(`job '${this.name}' is ${this.state.toLowerCase()}`));
    const p = this.coordinator.triggerSavepoint(
      dir ?? setting(this.job.config, 'execution.checkpointing.savepoint-dir')!,
      stop,
    );
    this.wake?.();
    return p;
  }

  async stopWithSavepoint(dir?: string): Promise<CompletedCheckpoint> {
    const savepoint = await this.triggerSavepoint(dir, true);
    // Rows after the savepoint's barrier are never committed: the output stays what the savepoint holds.
    this.stopStatus = 'FINISHED';
    await this.cancel();
    return savepoint;
  }

  /** How a cancel ends the job: CANCELED, or FINISHED after a stop with savepoint. */
  private stopStatus: 'CANCELED' | 'FINISHED' = 'CANCELED';
  /** A graceful stop keeps the job's checkpoints whatever the retention setting says. */
  private retainOnCancel = false;

  async stopWithCheckpoint(): Promise<CompletedCheckpoint> {
    this.retainOnCancel = true;
    try {
      // Its completion commits the sinks' output up to its barrier; rows after it are replayed on resume.
      return await this.triggerCheckpoint();
    } finally {
      await this.cancel();
    }
  }

  async cancel(): Promise<void> {
    if (this.state === 'FINISHED' || this.state === 'FAILED' || this.state === 'CANCELED') return;
    this.cancelled = true;
    this.wake?.();
    await this.done;
  }

  // ───────────────────────────── attempts ─────────────────────────────

  private attemptContext(): AttemptContext {
    return {
      job: this.job,
      env: this.env,
      attempt: this.attempt,
      clock: this.clock,
      mode: this.mode,
      backendKind: this.backendKind,
      incremental: this.incremental,
      coordinator: this.coordinator,
      listener: this.listener(),
      opMetrics: this.opMetrics,
    };
  }

  private async startAttempt(restore: StartOptions['restore']): Promise<void> {
    if (restore) checkRestorable(restore.metadata, this.job);
    this.restored = restore !== undefined;
    this.recordsBefore = restore ? recordCounts(restore.metadata) : { recordsIn: 0, recordsOut: 0 };
    if (this.taskManagers > 0) return this.startRemoteAttempt(restore);
    const tasks = await deployLocalAttempt(this.attemptContext(), restore, this.backends);
    this.tasks = tasks;
    this.sourceTaskKeys = tasks.filter((t) => t.isSourceTask).map((t) => t.key);
    this.sourcesEnded = new Set();
    this.finalCheckpoint = undefined;
    this.finalDone = false;
    this.coordinator.attach(
      localParticipants(
        () => this.tasks,
        () => this.wake?.(),
      ),
    );
  }

  /** Runs the attempt's subtasks on task manager threads; this thread stays the job master. */
  private async startRemoteAttempt(restore: StartOptions['restore']): Promise<void> {
    this.opMetrics.clear();
    this.remoteStateEntries.clear();
    this.sourcesEnded = new Set();
    this.finalCheckpoint = undefined;
    this.finalDone = false;
    this.remoteEnded = false;
    const remote = await deployRemoteAttempt(
      this.attemptContext(),
      restore,
      this.taskManagers,
      this.remoteStateEntries,
      () => {
        this.remoteEnded = true;
        this.wake?.();
      },
    );
    this.remote = remote;
    this.sourceTaskKeys = remote.sourceTaskKeys;
    this.coordinator.attach(remoteParticipants(remote));
    remote.run();
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
        if (this.sourceTaskKeys.every((k) => this.sourcesEnded.has(k))) {
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
        this.fail(stepFailure(current, e));
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

  /** The job master's loop while task managers run the subtasks: waits for failures, cancellation and the end. */
  private async remoteLoop(): Promise<void> {
    for (;;) {
      if (this.cancelled) return this.end(this.stopStatus);
      if (this.failure !== undefined) {
        const restarted = await this.restartOrFail();
        if (!restarted) return;
        continue;
      }
      if (this.finalDone) {
        // After the final checkpoint nothing is left to snapshot: no periodic checkpoint fails at the end.
        this.coordinator.stop();
        if (this.remoteEnded) return this.end('FINISHED');
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  private async restartOrFail(): Promise<boolean> {
    const error = this.failure;
    this.failure = undefined;
    const message = error instanceof Error ? error.message : String(error);
    const strategy = restartBackoffTimeStrategy(this.job.config);
    await this.teardown();
    if (!strategy.canRestart(this.restarts)) {
      await this.end('FAILED', message);
      return false;
    }
    this.restarts++;
    this.attempt++;
    this.state = 'RESTARTING';
    const latest = this.coordinator.latestCompleted;
    this.env.log(
      `job '${this.name}' failed (${message}); restarting (attempt ${this.restarts} of ${strategy.attempts}) from ${latest ? `checkpoint ${latest.id}` : this.options.restore ? 'the restored checkpoint' : 'the beginning'}`,
    );
    const delay = strategy.backoffTime();
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
    const remote = this.remote;
    this.remote = undefined;
    if (remote) await remote.shutdown();
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
    await this.coordinator.shutdown(
      status === 'FAILED' || retention === 'RETAIN_ON_CANCELLATION' || this.retainOnCancel,
    );
    this.state = status;
    this.resolveDone({ status, ...(error !== undefined ? { error } : {}) });
  }
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
