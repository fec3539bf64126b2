// Keyed count: 10M Nexmark bids, GROUP BY auction COUNT(*), MAX(price) into blackhole, beside a hand-written Map loop.
import { CONFIG_KEYS } from '../compiler/config';
import { checkpointFigures, record } from './results';
import { runScriptJob } from './run-job';
import { generate } from './events';

const BIDS = Number(process.env.WEIR_BENCH_BIDS ?? 10_000_000);
/** Events such that BIDS of them are bids (46 of every 50 by default). */
const EVENTS = Math.ceil((BIDS * 50) / 46);

/** The Nexmark source table's columns (the WITH clause follows). */
export const NEXMARK_TABLE = `CREATE TABLE nexmark (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, \`dateTime\` TIMESTAMP(3), extra VARCHAR>,
  auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, \`dateTime\` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, \`dateTime\` TIMESTAMP(3), extra VARCHAR>
)`;

/** The keyed-count job over `events` Nexmark events (bids are 46 of every 50). */
export function keyedCountScript(
  events: number,
  checkpointMs: number | undefined,
  incremental = false,
  backend = 'hashmap',
): string {
  return `
SET 'state.backend.type' = '${backend}';
${checkpointMs ? `SET 'execution.checkpointing.interval' = '${checkpointMs}ms';` : ''}
SET 'execution.checkpointing.incremental' = '${incremental}';
SET 'execution.checkpointing.storage' = 'jobmanager';
SET 'state.checkpoint-storage.jobmanager.max-size' = '2gb';
${NEXMARK_TABLE} WITH ('connector' = 'nexmark', 'events.num' = '${events}');
CREATE TABLE sink (auction BIGINT, bids BIGINT, max_price BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO sink SELECT bid.auction, COUNT(*), MAX(bid.price) FROM nexmark WHERE event_type = 2 GROUP BY bid.auction;
`;
}

/** The hardware limit: the same generated events (`events` of them from event `from` on) through one Map, no engine. */
export function handWrittenKeyedCount(
  events: number,
  from = 0,
): {
  ms: number;
  keys: number;
  counts: Map<number, number[]>;
} {
  const counts = new Map<number, number[]>();
  const start = performance.now();
  generate(
    events,
    (batch, k) => {
      for (let i = 0; i < k; i++) {
        const e = batch[i]!;
        if (e[0] !== 2) continue;
        const b = e[3] as number[];
        const acc = counts.get(b[0]!);
        if (acc === undefined) counts.set(b[0]!, [1, b[2]!]);
        else {
          acc[0]!++;
          if (b[2]! > acc[1]!) acc[1] = b[2]!;
        }
      }
    },
    from,
  );
  return { ms: performance.now() - start, keys: counts.size, counts };
}

interface Weir {
  ms: number;
  checkpoints: number;
  bytes: number;
  figures: ReturnType<typeof checkpointFigures>;
}

async function weir(
  checkpointMs: number | undefined,
  incremental = false,
  backend = 'hashmap',
): Promise<Weir> {
  const { ms, runner } = await runScriptJob(
    keyedCountScript(EVENTS, checkpointMs, incremental, backend),
    'keyed-count',
  );
  const done = runner.checkpoints().filter((c) => c.status === 'COMPLETED');
  return {
    ms,
    bytes: done.reduce((n, c) => n + c.size, 0),
    checkpoints: done.length,
    figures: checkpointFigures(runner.checkpoints()),
  };
}

/** The rocksdb backend's default decoded-key cache (`weir.state.rocksdb.cache-entries`). */
const CACHE = CONFIG_KEYS.find((k) => k.key === 'weir.state.rocksdb.cache-entries')!.default!;

const rate = (ms: number) => Math.round((EVENTS * 1000) / ms);
const fmt = (n: number) => n.toLocaleString('en-US').padStart(12);

export async function keyedCountBench(): Promise<void> {
  console.log(
    `${EVENTS.toLocaleString('en-US')} events (${BIDS.toLocaleString('en-US')} bids), same process, median of 3`,
  );
  const median = <T extends { ms: number }>(xs: T[]) => xs.sort((a, b) => a.ms - b.ms)[1]!;
  // Interleaved, so that heap growth and JIT warm-up over the process's life weigh on every configuration alike.
  const loops = [];
  const nones = [];
  const fulls = [];
  const incrementals = [];
  const rocks = [];
  const rocksIncrementals = [];
  for (let i = 0; i < 3; i++) {
    loops.push(handWrittenKeyedCount(EVENTS));
    nones.push(await weir(undefined));
    fulls.push(await weir(1000));
    incrementals.push(await weir(1000, true));
    rocks.push(await weir(undefined, true, 'rocksdb'));
    rocksIncrementals.push(await weir(1000, true, 'rocksdb'));
  }
  const loop = median(loops);
  const none = median(nones);
  const every = median(fulls);
  const incremental = median(incrementals);
  console.log(
    `hand-written Map loop      ${fmt(rate(loop.ms))} events/s  (${loop.keys.toLocaleString('en-US')} keys)`,
  );
  console.log(
    `weir, no checkpoints       ${fmt(rate(none.ms))} events/s  ratio to loop ${(loop.ms / none.ms).toFixed(3)}  (target >= 0.20)`,
  );
  const line = (label: string, r: Weir) =>
    console.log(
      `${label} ${fmt(rate(r.ms))} events/s  ${r.checkpoints} checkpoints, ${(r.bytes / 1024 / 1024).toFixed(1)} MiB written, overhead ${(((r.ms - none.ms) / none.ms) * 100).toFixed(1)}%  (target <= 5%)`,
    );
  line('weir, checkpoint every 1 s, full       ', every);
  line('weir, checkpoint every 1 s, incremental', incremental);
  const rock = median(rocks);
  const rockInc = median(rocksIncrementals);
  console.log(
    `weir rocksdb, no checkpoints ${fmt(rate(rock.ms))} events/s  ratio to heap ${(none.ms / rock.ms).toFixed(3)}  (target >= 0.333; ${CACHE} keys cached)`,
  );
  console.log(
    `weir rocksdb, checkpoint every 1 s, incremental ${fmt(rate(rockInc.ms))} events/s  ratio to heap ${(none.ms / rockInc.ms).toFixed(3)}  ${rockInc.checkpoints} checkpoints, ${(rockInc.bytes / 1024 / 1024).toFixed(1)} MiB uploaded`,
  );
  const row = (engine: string, r: { ms: number }, figures?: Weir['figures'], note?: string) =>
    record({ workload: 'keyed count', engine, eventsPerSec: rate(r.ms), runs: 3, ...figures, note });
  row('hand-written Map loop', loop, undefined, `${loop.keys} keys`);
  row('weir heap, no ckpt', none, undefined, `${(loop.ms / none.ms).toFixed(3)} of loop (target >= 0.20)`);
  row('weir heap, ckpt 1s full', every, every.figures);
  row('weir heap, ckpt 1s incremental', incremental, incremental.figures);
  row(
    'weir rocksdb, no ckpt',
    rock,
    undefined,
    `${(none.ms / rock.ms).toFixed(3)} of heap (target >= 0.333)`,
  );
  row('weir rocksdb, ckpt 1s incremental', rockInc, rockInc.figures);
}
