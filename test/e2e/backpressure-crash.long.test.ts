// The long crash runs under backpressure (npm run test:crash -- backpressure): GROUP BY + LEFT JOIN at parallelism 2
// on worker threads, a slow sink, unaligned checkpoints and the aligned-checkpoint timeout on both backends, SIGKILLs
// at random moments and fault points (inside channel-state writing at least once each); output exact.
import { describe, it } from 'vitest';
import { backpressureCrashRun, forcedCrashRun } from './backpressure-crash';

const only = process.env['WEIR_CRASH_ONLY']?.split(',');
const kills = Number(process.env['WEIR_CRASH_KILLS'] ?? 20);

describe.skipIf(only !== undefined && !only.includes('backpressure'))(
  'long crash run under backpressure',
  () => {
    it.each([
      { label: 'hashmap, unaligned', backend: 'hashmap', mode: 'unaligned' },
      { label: 'hashmap, aligned-checkpoint timeout', backend: 'hashmap', mode: 'timeout' },
      { label: 'rocksdb, unaligned', backend: 'rocksdb', mode: 'unaligned' },
      { label: 'rocksdb, aligned-checkpoint timeout', backend: 'rocksdb', mode: 'timeout' },
    ] as const)('random and fault-point kills ($label): output exact', async (v) => {
      const variant = {
        ...v,
        kills,
        orders: 60_000,
        customers: 3_000,
        sinkRate: 8_000,
        seed: Number(process.env['WEIR_CRASH_SEED'] ?? 20261207),
      };
      await forcedCrashRun(variant);
      await backpressureCrashRun(variant);
    });
  },
);
