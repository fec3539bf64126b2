// Long runs (npm run test:crash): over 5M Nexmark events, a tumbling-window count, an interval join and a window
// Top-N keep their live state under a fixed bound, while the same stream holds hundreds of thousands of distinct
// keys; the window Top-N's state is back to zero once the last window closed.
import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import { runJob } from '../../runtime/engine';
import { stateBackendFactory } from '../../runtime/node/environment';
import { compileJob } from '../support/jobs';

const EVENTS = Number(process.env['WEIR_LONG_EVENTS'] ?? 5_000_000);

const NEXMARK = `
CREATE TABLE nexmark (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, \`dateTime\` TIMESTAMP(3), extra VARCHAR>,
  auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, \`dateTime\` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, \`dateTime\` TIMESTAMP(3), extra VARCHAR>,
  \`dateTime\` AS CASE WHEN event_type = 0 THEN person.\`dateTime\` WHEN event_type = 1 THEN auction.\`dateTime\` ELSE bid.\`dateTime\` END,
  WATERMARK FOR \`dateTime\` AS \`dateTime\` - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'events.num' = '${EVENTS}');
CREATE VIEW bid AS SELECT bid.auction, bid.bidder, bid.price, \`dateTime\` FROM nexmark WHERE event_type = 2;
CREATE VIEW auction AS SELECT auction.id, auction.seller, \`dateTime\` FROM nexmark WHERE event_type = 1;
SET 'execution.checkpointing.interval' = '1s';
SET 'execution.checkpointing.storage' = 'jobmanager';
SET 'state.checkpoint-storage.jobmanager.max-size' = '1gb';
`;

/**
 * Runs the script's job, sampling the live keyed-state entries every 20 ms; returns the largest sample and the
 * entries left when the input ended (after the final watermark).
 */
async function maxLiveState(
  sql: string,
): Promise<{ max: number; samples: number; out: number; last: number }> {
  const job = compileJob(NEXMARK + sql, 'bounded');
  const factory = stateBackendFactory(job);
  // Entries each backend still holds when the job ends, counted just before it is disposed.
  let last = 0;
  const runner = await runJob(job, {
    connectors: builtinConnectors(),
    storage: new MemoryCheckpointStorage(1024 ** 3),
    stateBackend: (kind, ctx) => {
      const b = factory(kind, ctx);
      const dispose = b.dispose.bind(b);
      b.dispose = () => {
        last += b.numEntries();
        return dispose();
      };
      return b;
    },
    print: () => {},
    log: () => {},
  });
  let max = 0;
  let samples = 0;
  const timer = setInterval(() => {
    max = Math.max(max, runner.metrics().stateEntries);
    samples++;
  }, 20);
  const result = await runner.done;
  clearInterval(timer);
  expect(result.status, result.error).toBe('FINISHED');
  return { max, samples, out: runner.metrics().recordsOut, last };
}

describe('bounded state over 5M events', () => {
  it('a tumbling-window count per auction keeps only the open windows', async () => {
    const { max, samples, out } = await maxLiveState(`
      CREATE TABLE sink (auction BIGINT, ws TIMESTAMP(3), bids BIGINT) WITH ('connector' = 'blackhole');
      INSERT INTO sink SELECT auction, window_start, COUNT(*)
        FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(\`dateTime\`), INTERVAL '10' SECOND))
        GROUP BY auction, window_start, window_end;`);
    console.log(
      `tumbling count: max ${max} live state entries over ${samples} samples; ${out} window rows emitted`,
    );
    expect(samples).toBeGreaterThan(10);
    // Some 300,000 auctions exist over the run; the live state holds those with an open window.
    expect(out).toBeGreaterThan(EVENTS / 20);
    expect(max).toBeLessThan(20_000);
  });

  it('an interval join keeps rows only until the watermark passes their interval', async () => {
    const { max, samples, out } = await maxLiveState(`
      CREATE TABLE sink (auction BIGINT, price BIGINT) WITH ('connector' = 'blackhole');
      INSERT INTO sink SELECT B.auction, B.price FROM auction A JOIN bid B
        ON A.id = B.auction AND B.\`dateTime\` BETWEEN A.\`dateTime\` AND A.\`dateTime\` + INTERVAL '10' SECOND;`);
    console.log(`interval join: max ${max} live state entries over ${samples} samples; ${out} joined rows`);
    expect(samples).toBeGreaterThan(10);
    expect(out).toBeGreaterThan(EVENTS / 20);
    expect(max).toBeLessThan(50_000);
  });

  it('a window Top-N (the 3 highest bids per auction and 10 s window) keeps only open windows, none at the end', async () => {
    const { max, samples, out, last } = await maxLiveState(`
      CREATE TABLE sink (auction BIGINT, price BIGINT, ws TIMESTAMP(3), rn BIGINT) WITH ('connector' = 'blackhole');
      INSERT INTO sink SELECT auction, price, window_start, rn FROM (
        SELECT auction, price, window_start, window_end,
          ROW_NUMBER() OVER (PARTITION BY auction, window_start, window_end ORDER BY price DESC) AS rn
        FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(\`dateTime\`), INTERVAL '10' SECOND))
      ) WHERE rn <= 3;`);
    console.log(
      `window Top-N: max ${max} live state entries over ${samples} samples, ${last} at the end; ${out} rows emitted`,
    );
    expect(samples).toBeGreaterThan(10);
    expect(out).toBeGreaterThan(EVENTS / 20);
    expect(max).toBeLessThan(20_000);
    expect(last).toBe(0);
  });
});
