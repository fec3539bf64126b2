// The checkpoint coordinator: triggers checkpoints at the sources, collects acks, writes `_metadata` last, notifies, subsumes.
import type { TaskAck } from '../task/stream-task';
import { type CheckpointMetadata, isSharedPath, referencedFiles } from './metadata';
import {
  type CheckpointStats,
  type CompletedCheckpoint,
  finalizeMetadata,
  type MetadataContext,
  type PendingCheckpoint,
} from './pending-checkpoint';
import type { CheckpointStorage, JobRun } from './storage';

export type { CheckpointStats, CompletedCheckpoint } from './pending-checkpoint';

/** What the coordinator needs from the running attempt's tasks. */
export interface CheckpointParticipants {
  /** Keys of every task that must acknowledge. */
  taskKeys(): readonly string[];
  /** Asks each source task to inject barrier `id`. */
  triggerSources(id: number, timestamp: number, final: boolean, savepoint: boolean): void;
  notifyComplete(id: number): Promise<void>;
  abort(id: number): void;
}

/** The job's facts `_metadata` records (name, graph, clock, mode, backend, query), and how to checkpoint it. */
export interface CoordinatorOptions extends MetadataContext {
  readonly storage: CheckpointStorage;
  /** Milliseconds between periodic checkpoints; undefined: only on demand and at the end. */
  readonly interval?: number;
  readonly maxConcurrent: number;
  readonly timeout: number;
  readonly numRetained: number;
  /** Called when a checkpoint fails (a task declined or it timed out): the job fails over. */
  readonly onFailure: (id: number, reason: string) => void;
  readonly log: (message: string) => void;
}

/** A savepoint asked for: its folder is named after the id it gets when it starts. */
interface SavepointRequest {
  readonly dir: string;
  /** The job stops after it (STOP JOB ... WITH SAVEPOINT): its completion commits sinks' output. */
  readonly stop: boolean;
}

export class CheckpointCoordinator {
  private nextId = 1;
  private readonly pending = new Map<number, PendingCheckpoint>();
  private readonly completed: CompletedCheckpoint[] = [];
  readonly history: CheckpointStats[] = [];
  private participants: CheckpointParticipants | undefined;
  private cancelTimer: (() => void) | undefined;
  private readonly waitingTriggers: {
    final: boolean;
    savepoint?: SavepointRequest;
    resolve: (c: CompletedCheckpoint) => void;
    reject: (e: Error) => void;
  }[] = [];
  private stopped = false;
  /** Checkpoints whose `_metadata` is being written: the files they list count as referenced. */
  private readonly committing = new Set<CheckpointMetadata>();
  /**
   * Shared files deleted with subsumed checkpoints, with the next checkpoint id at deletion. A checkpoint
   * triggered before then may still list one (a task extended a chain before hearing that a newer
   * checkpoint replaced it): such a checkpoint fails rather than completing with a missing file.
   */
  private readonly deletedShared = new Map<string, number>();

  private readonly run: JobRun;

  constructor(private readonly o: CoordinatorOptions) {
    this.run = { name: o.jobName, id: o.jobId };
  }

  /**
   * Continues numbering after a restored checkpoint, as Flink does. `claimed` (Flink's CLAIM mode): completed
   * checkpoints this run now owns, oldest first (the restored one and the older ones of its run): retention
   * subsumes them like the run's own, shared files included.
   */
  restoredFrom(id: number, claimed: readonly CompletedCheckpoint[] = []): void {
    this.nextId = Math.max(this.nextId, id + 1);
    for (const c of claimed)
      if (!this.completed.some((x) => x.location === c.location)) {
        this.completed.push(c);
        this.claimed.add(c.location);
      }
    // Claimed checkpoints beyond `numRetained` go now: the restored one (last) stays until a newer replaces it.
    if (this.completed.length > this.o.numRetained)
      void this.subsume().catch((e) => this.o.log(`could not delete claimed checkpoints: ${String(e)}`));
  }

  /** Locations of checkpoints of earlier runs that this run claimed. */
  private readonly claimed = new Set<string>();

  get latestCompleted(): CompletedCheckpoint | undefined {
    return this.completed[this.completed.length - 1];
  }

  /** A (new) attempt's tasks; pending checkpoints of the previous attempt are abandoned. */
  attach(p: CheckpointParticipants): void {
    for (const id of [...this.pending.keys()]) this.fail(id, 'the job restarted');
    this.participants = p;
    this.schedulePeriodic();
  }

  detach(): void {
    this.participants = undefined;
    this.cancelTimer?.();
  }

  private schedulePeriodic(): void {
    this.cancelTimer?.();
    if (this.o.interval === undefined || this.stopped) return;
    this.cancelTimer = this.o.clock.schedule(this.o.interval, () => {
      if (this.participants && this.pending.size < this.o.maxConcurrent) this.trigger(false).catch(() => {});
      this.schedulePeriodic();
    });
  }

  /**
   * Triggers a savepoint into a new folder under `dir`; resolves with it once every task wrote its state.
   * As in Flink (1.15+), an intermediate savepoint commits no side effects: a restart resumes from the
   * latest checkpoint, which a savepoint is not, so output committed at a savepoint would be written again.
   * Sinks commit it with the next checkpoint. With `stop` (stop-with-savepoint) the job ends at the
   * savepoint, so its completion commits what precedes it.
   */
  triggerSavepoint(dir: string, stop = false): Promise<CompletedCheckpoint> {
    return new Promise((resolve, reject) => {
      if (!this.participants) {
        reject(new Error('no running tasks to take a savepoint of'));
        return;
      }
      // A savepoint waits for its turn like a checkpoint.
      if (this.pending.size >= this.o.maxConcurrent) {
        this.waitingTriggers.push({ final: false, savepoint: { dir, stop }, resolve, reject });
        return;
      }
      this.start(false, { resolve, reject }, { dir, stop });
    });
  }

  /** Writes a state file of checkpoint or savepoint `id` where it belongs. */
  writeState(id: number, name: string, data: Uint8Array, shared: boolean) {
    const sp = this.pending.get(id)?.savepoint;
    return sp ? sp.writeState(name, data) : this.o.storage.writeState(this.run, id, name, data, shared);
  }

  /** Whether `id` is a savepoint in flight. */
  isSavepoint(id: number): boolean {
    return this.pending.get(id)?.savepoint !== undefined;
  }

  /** Triggers a checkpoint now (or as soon as fewer than the maximum are in flight); resolves on completion. */
  trigger(final: boolean): Promise<CompletedCheckpoint> {
    return new Promise((resolve, reject) => {
      if (!this.participants) {
        reject(new Error('no running tasks to checkpoint'));
        return;
      }
      if (this.pending.size >= this.o.maxConcurrent) {
        this.waitingTriggers.push({ final, resolve, reject });
        return;
      }
      this.start(final, { resolve, reject });
    });
  }

  private start(final: boolean, done: PendingCheckpoint['done'][number], request?: SavepointRequest): void {
    const id = this.nextId++;
    const savepoint = request && this.o.storage.savepoint(request.dir, this.o.jobName, id);
    const now = this.o.clock.now();
    const stats: CheckpointStats = {
      id,
      status: 'IN_PROGRESS',
      triggerTime: now,
      syncDuration: 0,
      asyncDuration: 0,
      alignmentDuration: 0,
      size: 0,
      ...(request ? { savepoint: true } : {}),
    };
    this.history.push(stats);
    const p: PendingCheckpoint = {
      id,
      stats,
      waiting: new Set(this.participants!.taskKeys()),
      acks: [],
      final,
      done: [done],
      ...(savepoint ? { savepoint } : {}),
      notifies: !request || request.stop,
      cancelTimeout: this.o.clock.schedule(this.o.timeout, () =>
        this.fail(id, `timed out after ${this.o.timeout} ms`),
      ),
    };
    this.pending.set(id, p);
    this.participants!.triggerSources(id, now, final, savepoint !== undefined);
  }

  acknowledge(ack: TaskAck): void {
    const p = this.pending.get(ack.checkpointId);
    if (!p || !p.waiting.delete(ack.taskKey)) return;
    p.acks.push(ack);
    p.stats.syncDuration = Math.max(p.stats.syncDuration, ack.syncMs);
    p.stats.asyncDuration = Math.max(p.stats.asyncDuration, ack.asyncMs);
    p.stats.alignmentDuration = Math.max(p.stats.alignmentDuration, ack.alignmentMs);
    p.stats.size += ack.bytes;
    if (ack.unaligned) {
      p.stats.unaligned = true;
      p.stats.inFlightBytes = (p.stats.inFlightBytes ?? 0) + (ack.inFlightBytes ?? 0);
    }
    if (p.waiting.size === 0) void this.complete(p);
  }

  decline(taskKey: string, id: number, error: unknown, fatal = true): void {
    if (!this.pending.has(id)) return;
    const reason = `task ${taskKey} declined: ${error instanceof Error ? error.message : String(error)}`;
    this.fail(id, reason);
    if (fatal) this.o.onFailure(id, reason);
  }

  private fail(id: number, reason: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.cancelTimeout();
    p.stats.status = 'FAILED';
    p.stats.failure = reason;
    this.participants?.abort(id);
    for (const d of p.done) d.reject(new Error(`checkpoint ${id} failed: ${reason}`));
    this.o.log(`${p.savepoint ? 'savepoint' : 'checkpoint'} ${id} failed: ${reason}`);
    if (p.savepoint) void p.savepoint.discard().catch(() => {});
    else void this.o.storage.discard(this.o.storage.checkpointLocation(this.run, id)).catch(() => {});
    this.startWaiting();
  }

  private async complete(p: PendingCheckpoint): Promise<void> {
    p.cancelTimeout();
    const held = this.completed.filter((c) => this.claimed.has(c.location)).map((c) => c.location);
    const metadata = {
      ...finalizeMetadata(p, this.o),
      ...(held.length > 0 && !p.savepoint ? { claimed: held } : {}),
    };
    const gone = referencedFiles(metadata).find((f) => this.deletedShared.has(f));
    if (gone !== undefined) {
      this.fail(p.id, `it lists ${gone}, a shared file deleted with a subsumed checkpoint`);
      return;
    }
    let location: string;
    this.committing.add(metadata);
    try {
      location = p.savepoint
        ? await p.savepoint.commit(metadata)
        : await this.o.storage.commit(this.run, metadata);
      this.committing.delete(metadata);
    } catch (e) {
      this.committing.delete(metadata);
      const reason = `writing _metadata failed: ${e instanceof Error ? e.message : String(e)}`;
      this.fail(p.id, reason);
      this.o.onFailure(p.id, reason);
      return;
    }
    if (!this.pending.delete(p.id)) return;
    const now = this.o.clock.now();
    p.stats.status = 'COMPLETED';
    p.stats.duration = now - p.stats.triggerTime;
    p.stats.location = location;
    const completed: CompletedCheckpoint = {
      id: p.id,
      location,
      size: p.stats.size,
      duration: p.stats.duration,
      metadata,
    };
    // A savepoint belongs to the user: not retained, not subsuming, not a base to restart from.
    if (!p.savepoint) {
      this.completed.push(completed);
      // Older pending checkpoints are subsumed by this one (their barriers are behind).
      for (const id of [...this.pending.keys()])
        if (id < p.id) this.fail(id, `subsumed by checkpoint ${p.id}`);
    }
    try {
      if (p.notifies) await this.participants?.notifyComplete(p.id);
    } catch (e) {
      this.o.onFailure(
        p.id,
        `committing checkpoint ${p.id} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (!p.savepoint) await this.subsume();
    for (const d of p.done) d.resolve(completed);
    this.startWaiting();
  }

  private startWaiting(): void {
    while (this.waitingTriggers.length > 0 && this.pending.size < this.o.maxConcurrent && this.participants) {
      const w = this.waitingTriggers.shift()!;
      this.start(w.final, w, w.savepoint);
    }
  }

  /**
   * Keeps the newest `numRetained` completed checkpoints; deletes the others' folders and the shared files
   * that no retained checkpoint (nor one being committed) lists.
   */
  private async subsume(): Promise<void> {
    // Deletions that no checkpoint in flight can list any more are forgotten.
    const oldest = Math.min(...this.pending.keys(), ...[...this.committing].map((m) => m.checkpointId));
    for (const [f, before] of this.deletedShared) if (before <= oldest) this.deletedShared.delete(f);
    while (this.completed.length > this.o.numRetained) {
      const old = this.completed.shift()!;
      const kept = new Set(
        [...this.completed.map((c) => c.metadata), ...this.committing].flatMap(referencedFiles),
      );
      const unreferenced = [...new Set(referencedFiles(old.metadata))].filter(
        (f) => isSharedPath(f) && !kept.has(f),
      );
      for (const f of unreferenced) this.deletedShared.set(f, this.nextId);
      await this.o.storage
        .discard(old.location, unreferenced)
        .catch((e) => this.o.log(`could not delete checkpoint ${old.id}: ${String(e)}`));
    }
  }

  /** Stops periodic triggering; in-flight checkpoints may still complete. */
  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Discards checkpoints on job end unless they are to be retained. */
  async shutdown(retain: boolean): Promise<void> {
    this.stop();
    for (const id of [...this.pending.keys()]) this.fail(id, 'the job ended');
    for (const w of this.waitingTriggers.splice(0)) w.reject(new Error('the job ended'));
    if (!retain) {
      // The run's own folder, and the checkpoints it claimed (it owns them now).
      for (const c of this.completed.splice(0))
        if (this.claimed.has(c.location)) await this.o.storage.discard(c.location).catch(() => {});
      await this.o.storage.discardAll(this.run).catch(() => {});
    }
  }
}
