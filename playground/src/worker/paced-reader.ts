// Source readers at the page's rate (a shared token bucket), and gated at given offsets for the shadow run.
import type { ConnectorContext, SourceReader } from '../../../runtime/connectors/connector';
import type { RecordBatch, Row } from '../../../runtime/messages';

/** Events per second over all sources of a job, adjustable while it runs; 0 means as fast as possible. */
export class Pacer {
  private base = performance.now();
  private taken = 0;

  constructor(private rate: number) {}

  setRate(rate: number): void {
    this.rate = rate;
    this.base = performance.now();
    this.taken = 0;
  }

  /** How many of `want` events may go now. */
  allow(want: number): number {
    if (this.rate <= 0) return want;
    const allowed = Math.floor(((performance.now() - this.base) / 1000) * this.rate) + 1 - this.taken;
    // Never let a long pause build up a burst larger than a tenth of a second.
    if (allowed > this.rate / 10 + want) {
      this.base = performance.now();
      this.taken = 0;
    }
    const n = Math.max(0, Math.min(want, allowed));
    this.taken += n;
    return n;
  }
}

export class PacedReader implements SourceReader {
  constructor(
    private readonly inner: SourceReader,
    private readonly pacer: Pacer,
  ) {}

  open(ctx: ConnectorContext, restored: unknown, all?: readonly unknown[]): void | Promise<void> {
    return this.inner.open(ctx, restored, all);
  }

  poll(max: number): Row[] | RecordBatch | 'idle' | 'end' {
    const n = this.pacer.allow(max);
    if (n === 0) return 'idle';
    return this.inner.poll(n);
  }

  offset(): unknown {
    return this.inner.offset();
  }

  close(): void | Promise<void> {
    return this.inner.close?.();
  }
}

/** How far a sequence-offset source (nexmark, datagen, pasted lines) has read. */
export function emittedOf(offset: unknown): number | undefined {
  const e = (offset as { emitted?: unknown } | undefined)?.emitted;
  return typeof e === 'number' ? e : undefined;
}

/**
 * Stops at a target offset (the shadow run reads exactly what a checkpoint's sources had read). `reached`
 * turns true once the split is there.
 */
export class GatedReader implements SourceReader {
  reached = false;
  private target = 0;

  constructor(
    private readonly inner: SourceReader,
    private readonly targetOf: (subtask: number) => number,
  ) {}

  open(ctx: ConnectorContext, restored: unknown, all?: readonly unknown[]): void | Promise<void> {
    this.target = this.targetOf(ctx.subtaskIndex);
    return this.inner.open(ctx, restored, all);
  }

  poll(max: number): Row[] | RecordBatch | 'idle' | 'end' {
    const left = this.target - (emittedOf(this.inner.offset()) ?? 0);
    if (left <= 0) {
      this.reached = true;
      return 'idle';
    }
    const r = this.inner.poll(Math.min(max, left));
    if (r === 'end') this.reached = true;
    return r;
  }

  offset(): unknown {
    return this.inner.offset();
  }

  close(): void | Promise<void> {
    return this.inner.close?.();
  }
}
