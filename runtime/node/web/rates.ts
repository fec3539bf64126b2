// Per-second rates of the cumulative counters (Flink's meters): sampled every second, averaged over the last few.
import type { JobHandle } from '../../job';
import { jobId } from './job-registry';
import { type TaskVertex, operatorCounters, subtaskCounters, taskVertices } from './tasks';

/** Seconds a rate averages over (Flink's MeterView averages over 60 s; a dashboard wants to see changes sooner). */
const WINDOW_SAMPLES = 5;

export interface TaskRates {
  readonly busy: number;
  readonly backPressured: number;
  readonly idle: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
}

interface Sample {
  readonly t: number;
  readonly v: number;
}

export class Rates {
  private readonly samples = new Map<string, Sample[]>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly jobs: () => readonly JobHandle[],
    intervalMs = 1000,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads every counter once; a counter that went down (a restart's fresh tasks) starts over. */
  sample(now = performance.now()): void {
    for (const job of this.jobs()) {
      const id = jobId(job);
      const ops = operatorCounters(job);
      for (const v of taskVertices(job))
        subtaskCounters(v, ops).forEach((c, i) => {
          if (!c) return;
          const k = `${id}|${v.id}|${i}|`;
          this.add(`${k}busy`, now, c.busyTimeMs);
          this.add(`${k}bp`, now, c.backPressuredTimeMs);
          this.add(`${k}idle`, now, c.idleTimeMs);
          this.add(`${k}in`, now, c.recordsIn);
          this.add(`${k}out`, now, c.recordsOut);
        });
      for (const [uid, subtasks] of ops)
        subtasks.forEach((m, i) => {
          if (!m) return;
          this.add(`${id}|op|${uid}|${i}|in`, now, m.recordsIn);
          this.add(`${id}|op|${uid}|${i}|out`, now, m.recordsOut);
        });
    }
  }

  task(job: JobHandle, v: TaskVertex, subtask: number): TaskRates {
    const k = `${jobId(job)}|${v.id}|${subtask}|`;
    return {
      busy: this.rate(`${k}busy`),
      backPressured: this.rate(`${k}bp`),
      idle: this.rate(`${k}idle`),
      recordsIn: this.rate(`${k}in`),
      recordsOut: this.rate(`${k}out`),
    };
  }

  operator(job: JobHandle, uid: string, subtask: number): { recordsIn: number; recordsOut: number } {
    const k = `${jobId(job)}|op|${uid}|${subtask}|`;
    return { recordsIn: this.rate(`${k}in`), recordsOut: this.rate(`${k}out`) };
  }

  /** Per second over the samples kept; 0 until there are two. */
  private rate(key: string): number {
    const s = this.samples.get(key);
    if (!s || s.length < 2) return 0;
    const a = s[0]!;
    const b = s[s.length - 1]!;
    return b.t > a.t ? ((b.v - a.v) * 1000) / (b.t - a.t) : 0;
  }

  private add(key: string, t: number, v: number): void {
    let s = this.samples.get(key);
    if (!s || (s.length > 0 && v < s[s.length - 1]!.v)) this.samples.set(key, (s = []));
    s.push({ t, v });
    if (s.length > WINDOW_SAMPLES + 1) s.shift();
  }
}

/** `jobs` for views that need every rate of one job: the vertices and their task rates. */
export function vertexRates(rates: Rates, job: JobHandle): { vertex: TaskVertex; subtasks: TaskRates[] }[] {
  return taskVertices(job).map((vertex) => ({
    vertex,
    subtasks: Array.from({ length: vertex.parallelism }, (_, i) => rates.task(job, vertex, i)),
  }));
}
