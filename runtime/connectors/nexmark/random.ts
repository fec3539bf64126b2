// Deterministic randomness of the Nexmark generator: a PRNG reseeded per event, with no allocation.

const TWO_32 = 4294967296;

/** murmur3's 32-bit finalizer: a bijection on 32-bit integers. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32, reseeded per event: a few integer ops a draw, no allocation. */
export class EventRandom {
  private state = 0;
  private readonly seedLo: number;
  private readonly seedHi: number;

  constructor(seed: number) {
    this.seedLo = mix32((seed >>> 0) ^ 0x5bd1e995);
    this.seedHi = mix32(Math.floor(seed / TWO_32) >>> 0);
  }

  /** Positions the stream at event `n` (`salt` separates the pools' streams from the events'). */
  reset(n: number, salt = 0): void {
    const lo = n >>> 0;
    const hi = (n / TWO_32) >>> 0;
    // For a fixed seed and hi, lo ↦ state is a bijection, so events below 2^32 never share a state.
    this.state = mix32(
      (this.seedLo ^ Math.imul(lo, 0x9e3779b1)) + Math.imul(hi ^ this.seedHi ^ salt, 0x85ebca77),
    );
  }

  u32(): number {
    const s = (this.state = (this.state + 0x6d2b79f5) | 0);
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  unit(): number {
    return this.u32() / TWO_32;
  }

  /** Uniform integer in [0, n); 0 when n ≤ 0. */
  int(n: number): number {
    return n > 0 ? Math.floor((this.u32() / TWO_32) * n) : 0;
  }
}
