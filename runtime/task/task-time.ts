// A task's wall time split as Flink's busyTimeMsPerSecond / backPressuredTimeMsPerSecond / idleTimeMsPerSecond count it.
import type { OperatorMetrics } from '../operator';

/** The page's and Node's monotonic clock: busy time is real time even when the job runs on an injected clock. */
const now = (): number => performance.now();

/**
 * Two clock reads per `StreamTask.step` (which handles up to a budget of batches), never per record.
 * A step that did work is busy time; the time until the next step, and a step that did nothing, count as
 * back-pressured when the task's output had no room at the end of its last step, else as idle.
 */
export class TaskTime {
  private lastEnd = now();
  private backPressured = false;
  private start = 0;

  constructor(private readonly m: OperatorMetrics) {}

  /** Called as a step begins. */
  begin(): void {
    const t = now();
    this.start = t;
    this.waited(t - this.lastEnd);
  }

  /** Called as a step ends: whether it did work, and whether the task's output is full now. */
  end(worked: boolean, backPressured: boolean): void {
    const t = now();
    if (worked) this.m.busyTimeMs += t - this.start;
    else this.waited(t - this.start);
    this.lastEnd = t;
    this.backPressured = backPressured;
  }

  private waited(ms: number): void {
    if (this.backPressured) this.m.backPressuredTimeMs += ms;
    else this.m.idleTimeMs += ms;
  }
}
