// Wall-clock pacing of the nexmark source (nexmark-flink's `max-emit-speed` = false): event time runs with the clock.
import type { Clock } from '../../clock';
import type { NexmarkSequence } from './sequence';

/**
 * Whether a `nexmark` table's source is paced: `'max-emit-speed'` decides when set (nexmark-flink's option:
 * 'true' emits as fast as possible); otherwise a `first-event.rate` or `next-event.rate` above 0 paces it.
 *
 * @example nexmarkPaced({ 'first-event.rate': '1000' }) // true
 */
export function nexmarkPaced(options: Readonly<Record<string, string>>): boolean {
  const max = options['max-emit-speed']?.trim().toLowerCase();
  if (max !== undefined) {
    if (max !== 'true' && max !== 'false')
      throw new Error(
        `nexmark option 'max-emit-speed' must be 'true' or 'false': '${options['max-emit-speed']}'`,
      );
    return max === 'false';
  }
  return ['first-event.rate', 'next-event.rate'].some((k) => Number(options[k] ?? '0') > 0);
}

/**
 * Emits event n once the wall clock has advanced as far past the split's start as event time has past the
 * split's first event — nexmark-flink's `wallclockBaseTime + (eventTimestamp - baseTime)` — so the source
 * runs at the configured rates (and follows their square wave). It is asked once per batch, never per event.
 * The anchor is taken when the split opens, so a restored split carries on at the rate from where it stopped
 * instead of bursting to catch up with the time it was down (nexmark-flink keeps its wall-clock base in the
 * checkpoint, and so catches up at full speed after a restore).
 */
export class NexmarkPacer {
  private wallStart = 0;
  private eventStart = 0;

  constructor(
    private readonly sequence: NexmarkSequence,
    private readonly clock: Clock,
  ) {}

  /** Anchors the pacing: event `anchor` is due now. */
  start(anchor: number): void {
    this.wallStart = this.clock.now();
    this.eventStart = this.sequence.timestampForEvent(anchor);
  }

  /**
   * How many of the events `next`, `next + stride`, … (at most `max`) are due now (0: none yet). Event times
   * do not decrease with the event number, so the due ones are a prefix: one check when all are, else a
   * binary search over the batch.
   */
  due(next: number, stride: number, max: number): number {
    const until = this.eventStart + (this.clock.now() - this.wallStart);
    const at = (k: number) => this.sequence.timestampForEvent(next + k * stride);
    if (max <= 0 || at(0) > until) return 0;
    if (at(max - 1) <= until) return max;
    let lo = 0; // due
    let hi = max - 1; // not due
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (at(mid) <= until) lo = mid;
      else hi = mid;
    }
    return lo + 1;
  }
}
