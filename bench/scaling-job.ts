// Child process of the scaling bench: one workload at one parallelism (2: on two worker threads), the fastest of N runs as JSON.
import { compileScript } from '../compiler/index';
import { MemoryCheckpointStorage } from '../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../runtime/connectors/builtin';
import { runJob } from '../runtime/engine';
import { stateBackendFactory } from '../runtime/node/environment';
import { workerTaskManagers } from '../runtime/node/workers/worker-task-managers';
import { keyedCountScript } from './keyed-count';
import { peakRss } from './results';

const NEXMARK_TABLE = `
CREATE TABLE nexmark (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, \`dateTime\` TIMESTAMP(3), extra VARCHAR>,
  auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, \`dateTime\` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, \`dateTime\` TIMESTAMP(3), extra VARCHAR>
)`;

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
  const r = compileScript(settings + sql, { scriptName: 'scaling' });
  if (r.diagnostics.some((d) => d.severity === 'error'))
    throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const s = r.statements.find((x) => x.kind === 'job');
  if (s?.kind !== 'job') throw new Error('scaling: no job');
  const start = performance.now();
  const runner = await runJob(s.job, {
    connectors: builtinConnectors(),
    storage: new MemoryCheckpointStorage(2 * 1024 ** 3),
    stateBackend: stateBackendFactory(s.job),
    taskManagers: workerTaskManagers,
    print: () => {},
    log: (m) => console.error(m),
  });
  const deployed = performance.now();
  const result = await runner.done;
  const end = performance.now();
  if (result.status !== 'FINISHED') throw new Error(`scaling: job ${result.status}: ${result.error}`);
  return { deployMs: deployed - start, runMs: end - deployed };
}

const [workload = 'count', parallelismArg = '1', eventsArg = '1000000', runsArg = '2'] =
  process.argv.slice(2);
const sql =
  workload === 'join' ? joinScript(Number(eventsArg)) : keyedCountScript(Number(eventsArg), undefined);
let best: Timing | undefined;
for (let i = 0; i < Number(runsArg); i++) {
  const t = await timed(sql, Number(parallelismArg));
  if (!best || t.runMs < best.runMs) best = t;
}
console.log(JSON.stringify({ ...best, peakRss: peakRss() }));
