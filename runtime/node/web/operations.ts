// Flink's asynchronous operations: a savepoint, checkpoint or stop answers with a `request-id` polled for its result.
import { randomBytes } from 'node:crypto';

export interface OperationStatus {
  readonly status: { readonly id: 'IN_PROGRESS' | 'COMPLETED' };
  readonly operation?: Readonly<Record<string, unknown>>;
}

/** Trigger ids per job; an operation's result stays readable after it finished. */
export class Operations {
  private readonly ops = new Map<string, OperationStatus>();
  /** Operations whose completed result no one has read yet. */
  private readonly unread = new Set<string>();

  /** Starts tracking `work`; returns its trigger id (32 hex digits, as Flink's TriggerId). */
  start(jobId: string, work: Promise<Record<string, unknown>>): string {
    const id = randomBytes(16).toString('hex');
    const key = `${jobId}/${id}`;
    this.ops.set(key, { status: { id: 'IN_PROGRESS' } });
    this.unread.add(key);
    work.then(
      (operation) => this.ops.set(key, { status: { id: 'COMPLETED' }, operation }),
      (e: unknown) =>
        this.ops.set(key, {
          status: { id: 'COMPLETED' },
          operation: {
            'failure-cause': {
              class: 'java.lang.Exception',
              'stack-trace': e instanceof Error ? (e.stack ?? e.message) : String(e),
              'serialized-throwable': e instanceof Error ? e.message : String(e),
            },
          },
        }),
    );
    return id;
  }

  get(jobId: string, triggerId: string): OperationStatus | undefined {
    const key = `${jobId}/${triggerId}`;
    const s = this.ops.get(key);
    if (s?.status.id === 'COMPLETED') this.unread.delete(key);
    return s;
  }

  /**
   * Resolves once every operation's result was read, or after `ms`: a stop with savepoint ends the last job and
   * with it `weir run`, and its caller still gets the savepoint's location.
   */
  async settled(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (this.unread.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  }
}
