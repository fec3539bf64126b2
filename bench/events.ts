// The benchmarks' input: Nexmark events of the default seed, generated 1,024 at a time, the same for every engine.
import { NexmarkGenerator, nexmarkConfigFromOptions } from '../runtime/connectors/nexmark/generator';

/** Generates `events` events (default seed), 1,024 at a time, handing each batch to `step`. */
export function generate(events: number, step: (batch: unknown[][], k: number) => void): void {
  const gen = new NexmarkGenerator(nexmarkConfigFromOptions({}));
  const batch: unknown[][] = new Array(1024);
  for (let n = 0; n < events; n += 1024) {
    const k = Math.min(1024, events - n);
    gen.fill(n, 1, k, batch);
    step(batch, k);
  }
}
