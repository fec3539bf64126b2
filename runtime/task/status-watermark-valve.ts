// A task's per-input watermarks and idleness, combined into the one watermark it passes on (Flink's StatusWatermarkValve).
import type { StreamElement } from '../messages';

/** The task's watermark: the minimum over live, active inputs; undefined while every live input is idle. */
function combinedWatermark(
  watermarks: readonly number[],
  idle: readonly boolean[],
  ended: readonly boolean[],
): number | undefined {
  let min = Infinity;
  for (let c = 0; c < watermarks.length; c++) if (!ended[c] && !idle[c]) min = Math.min(min, watermarks[c]!);
  // Every live input idle: nothing holds event time back, but nothing advances it either.
  if (min === Infinity && idle.some((x, c) => x && !ended[c])) return undefined;
  return min === Infinity ? Math.max(...watermarks) : min;
}

/** Watermark and idleness per input channel; a channel the task marked ended holds nothing back. */
export class StatusWatermarkValve {
  /** Per channel: the highest watermark it sent. */
  readonly watermarks: number[];
  /** Inputs that declared themselves idle; a batch or watermark makes them active again (the task clears it). */
  readonly idle: boolean[];
  /** The last watermark passed on. */
  private current = -Infinity;

  /** `ended`: the task's view of which channels ended; only read here. */
  constructor(private readonly ended: readonly boolean[]) {
    this.watermarks = ended.map(() => -Infinity);
    this.idle = ended.map(() => false);
  }

  onWatermark(c: number, timestamp: number): void {
    this.watermarks[c] = Math.max(this.watermarks[c]!, timestamp);
  }

  /** The combined watermark if it advanced (it becomes the current one), else undefined. */
  advance(): number | undefined {
    const min = combinedWatermark(this.watermarks, this.idle, this.ended);
    if (min !== undefined && min > this.current) {
      this.current = min;
      return min;
    }
    return undefined;
  }

  /** Whether every live input is idle. */
  allIdle(): boolean {
    return this.idle.every((x, i) => x || this.ended[i]);
  }

  /** What `advance` would return once `e` arrived on channel `c`; changes nothing (for the state loader). */
  advanceAfter(c: number, e: StreamElement): number | undefined {
    const watermarks = this.watermarks.slice();
    const idle = this.idle.slice();
    const ended = this.ended.slice();
    if (e.kind === 'watermark') watermarks[c] = Math.max(watermarks[c]!, e.timestamp);
    if (e.kind === 'idle') idle[c] = true;
    if (e.kind === 'end') ended[c] = true;
    const w = combinedWatermark(watermarks, idle, ended);
    return w !== undefined && w > this.current ? w : undefined;
  }
}
