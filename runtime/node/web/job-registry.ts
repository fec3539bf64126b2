// The jobs the REST API serves, and the one place where a job id in a URL is matched to a running job.
import type { JobHandle } from '../../job';

/**
 * A job's id in URLs and metric labels. MUST be the only place that reads it: when JobHandle's id changes
 * form (Flink's 32 hex digits), nothing else here changes.
 */
export function jobId(job: JobHandle): string {
  return job.id;
}

/** The session's jobs, each with the time it ended (seen when its `done` settles). */
export class JobRegistry {
  private readonly ended = new WeakMap<JobHandle, number>();
  private readonly watched = new WeakSet<JobHandle>();

  /** `jobs` is read on every request: jobs a session starts later are served too. */
  constructor(private readonly jobs: () => readonly JobHandle[]) {}

  list(): readonly JobHandle[] {
    const jobs = this.jobs();
    for (const j of jobs) this.watch(j);
    return jobs;
  }

  find(id: string): JobHandle | undefined {
    return this.list().find((j) => jobId(j) === id);
  }

  /** Epoch ms when the job ended; undefined while it runs. */
  endTime(job: JobHandle): number | undefined {
    return this.ended.get(job);
  }

  private watch(job: JobHandle): void {
    if (this.watched.has(job)) return;
    this.watched.add(job);
    void job.done.then(() => this.ended.set(job, Date.now()));
  }
}
