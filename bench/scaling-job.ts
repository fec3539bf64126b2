// Child process of the scaling bench: one workload at one parallelism (2: on two worker threads), the fastest of N runs as JSON.
import { workerTaskManagers } from '../runtime/node/workers/worker-task-managers';
import { NEXMARK_TABLE, keyedCountScript } from './keyed-count';
import { inStep } from './child-job';
import { peakRss } from './results';
import { runScriptJob } from './run-job';

/** Every bid joined with its auction (a regular join: both sides stay in state), into blackhole. */
function joinScript(events: number): string {
  return `
SET 'execution.checkpointing.storage' = 'jobmanager';
SET 'state.checkpoint-storage.jobmanager.max-size' = '2gb';
${NEXMARK_TABLE} WITH ('connector' = 'nexmark', 'events.num' = '${events}');
CREATE VIEW auction AS SELECT auction.id, auction.seller, auction.category FROM nexmark WHERE event_type = 1;
CREATE VIEW bid AS SELECT bid.auction, bid.bidder, bid.price FROM nexmark WHERE event_type = 2;
CREATE TABLE sink (auction BIGINT, bidder BIGINT, price BIGINT, seller BIGINT, category BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO sink SELECT B.auction, B.bidder, B.price, A.seller, A.category FROM bid B JOIN auction A ON B.auction = A.id;
`;
}

/** One run: deployment (threads started, tasks open) and processing (until the job finished), in ms. */
export interface Timing {
  readonly deployMs: number;
  readonly runMs: number;
}

/** Runs `sql` at `parallelism` (more than 1: on that many task manager threads). */
async function timed(sql: string, parallelism: number): Promise<Timing> {
  const settings = `SET 'parallelism.default' = '${parallelism}'; SET 'weir.workers' = '${parallelism > 1 ? parallelism : 0}';`;
  const { ms, deployMs } = await runScriptJob(settings + sql, 'scaling', undefined, workerTaskManagers);
  return { deployMs, runMs: ms - deployMs };
}

const [workload = 'count', parallelismArg = '1', eventsArg = '1000000', runsArg = '2'] =
  process.argv.slice(2);
const sql =
  workload === 'join' ? joinScript(Number(eventsArg)) : keyedCountScript(Number(eventsArg), undefined);
let best: Timing | undefined;
for (let i = 0; i < Number(runsArg); i++) {
  await inStep();
  const t = await timed(sql, Number(parallelismArg));
  if (!best || t.runMs < best.runMs) best = t;
}
console.log(JSON.stringify({ ...best, peakRss: peakRss() }));
