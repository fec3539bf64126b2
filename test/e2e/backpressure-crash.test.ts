// Crash recovery under backpressure (short version; `npm run test:crash -- backpressure` runs the long one):
// unaligned checkpoints on hashmap, the aligned-checkpoint timeout on rocksdb; a kill at a random moment, after a
// checkpoint with in-flight data, and inside channel-state writing; the output equals a failure-free run's.
import { describe, it } from 'vitest';
import { forcedCrashRun } from './backpressure-crash';

describe('crash recovery under backpressure, subtasks on worker threads', () => {
  it.each([
    { label: 'hashmap, unaligned', backend: 'hashmap', mode: 'unaligned' },
    { label: 'rocksdb, aligned-checkpoint timeout', backend: 'rocksdb', mode: 'timeout' },
  ] as const)(
    'committed output equals a failure-free run ($label)',
    (v) =>
      forcedCrashRun({
        ...v,
        kills: 4,
        orders: 30_000,
        customers: 1_000,
        sinkRate: 4_000,
        seed: Number(process.env['WEIR_CRASH_SEED'] ?? 25),
      }),
    400_000,
  );
});
