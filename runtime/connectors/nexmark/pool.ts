// Lazily built string pools: events pick costly strings (emails, urls, extras) by index, not by drawing them.

import type { EventRandom } from './random';

/**
 * A pool of strings built on first use: entry i MUST depend only on (seed, salt, i), so a pool is the same
 * whichever events touched it first.
 */
export class LazyPool {
  private readonly items: (string | undefined)[];

  constructor(
    private readonly random: EventRandom,
    private readonly salt: number,
    size: number,
    private readonly make: (random: EventRandom, i: number) => string,
  ) {
    this.items = new Array<string | undefined>(size).fill(undefined);
  }

  get(i: number): string {
    const item = this.items[i];
    if (item !== undefined) return item;
    this.random.reset(i, this.salt);
    return (this.items[i] = this.make(this.random, i));
  }
}
