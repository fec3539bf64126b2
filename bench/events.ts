// The benchmarks' input: Nexmark events of the default seed, generated 1,024 at a time, the same for every engine.
import { NexmarkGenerator, nexmarkConfigFromOptions } from '../runtime/connectors/nexmark/generator';

/**
 * Generates `events` events (default seed) from event number `from` on, 1,024 at a time, handing each batch
 * to `step`.
 */
export function generate(events: number, step: (batch: unknown[][], k: number) => void, from = 0): void {
  const gen = new NexmarkGenerator(nexmarkConfigFromOptions({}));
  const batch: unknown[][] = new Array(1024);
  const end = from + events;
  for (let n = from; n < end; n += 1024) {
    const k = Math.min(1024, end - n);
    gen.fill(n, 1, k, batch);
    step(batch, k);
  }
}
