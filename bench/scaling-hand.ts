// Child process of the scaling bench: the workloads hand-written (no engine) on 1 worker thread, or on 2 with half the events each.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { inStep } from './child-job';
import { generate } from './events';
import { handWrittenKeyedCount } from './keyed-count';

/**
 * Every bid joined with its auction, as the scaling bench's SQL join does it but in plain code: both sides
 * kept per auction id (bids flat, three numbers each), each match built as a row and dropped.
 */
export function handWrittenBidJoin(events: number, from: number): { ms: number; rows: number } {
  const bids = new Map<number, number[]>();
  const auctions = new Map<number, number[]>();
  let rows = 0;
  let width = 0;
  const start = performance.now();
  generate(
    events,
    (batch, k) => {
      for (let i = 0; i < k; i++) {
        const e = batch[i]!;
        if (e[0] === 2) {
          const b = e[3] as number[];
          const id = b[0]!;
          const kept = bids.get(id);
          if (kept) kept.push(id, b[1]!, b[2]!);
          else bids.set(id, [id, b[1]!, b[2]!]);
          const a = auctions.get(id);
          if (a) width += [id, b[1]!, b[2]!, a[1]!, a[2]!].length;
          if (a) rows++;
        } else if (e[0] === 1) {
          const x = e[2] as number[];
          const a = [x[0]!, x[7]!, x[8]!];
          auctions.set(a[0]!, a);
          const kept = bids.get(a[0]!);
          if (kept)
            for (let j = 0; j < kept.length; j += 3) {
              width += [kept[j]!, kept[j + 1]!, kept[j + 2]!, a[1]!, a[2]!].length;
              rows++;
            }
        }
      }
    },
    from,
  );
  if (width !== rows * 5) throw new Error('hand-written join: rows of the wrong width');
  return { ms: performance.now() - start, rows };
}

/**
 * The same join with the bids kept off the heap: three numbers per bid in one growing Float64Array, chained
 * per auction id through an Int32Array of next indexes, so the collector never sees a kept bid.
 */
export function handWrittenBidJoinOffHeap(events: number, from: number): { ms: number; rows: number } {
  const head = new Map<number, number>();
  const auctions = new Map<number, number[]>();
  let capacity = 1 << 16;
  let fields = new Float64Array(capacity * 3);
  let next = new Int32Array(capacity);
  let kept = 0;
  let rows = 0;
  let width = 0;
  const start = performance.now();
  generate(
    events,
    (batch, k) => {
      for (let i = 0; i < k; i++) {
        const e = batch[i]!;
        if (e[0] === 2) {
          const b = e[3] as number[];
          const id = b[0]!;
          if (kept === capacity) {
            capacity *= 2;
            const f = new Float64Array(capacity * 3);
            f.set(fields);
            fields = f;
            const n = new Int32Array(capacity);
            n.set(next);
            next = n;
          }
          fields[kept * 3] = id;
          fields[kept * 3 + 1] = b[1]!;
          fields[kept * 3 + 2] = b[2]!;
          next[kept] = head.get(id) ?? -1;
          head.set(id, kept++);
          const a = auctions.get(id);
          if (a) width += [id, b[1]!, b[2]!, a[1]!, a[2]!].length;
          if (a) rows++;
        } else if (e[0] === 1) {
          const x = e[2] as number[];
          const a = [x[0]!, x[7]!, x[8]!];
          auctions.set(a[0]!, a);
          for (let j = head.get(a[0]!) ?? -1; j >= 0; j = next[j]!) {
            width += [fields[j * 3]!, fields[j * 3 + 1]!, fields[j * 3 + 2]!, a[1]!, a[2]!].length;
            rows++;
          }
        }
      }
    },
    from,
  );
  if (width !== rows * 5) throw new Error('hand-written join: rows of the wrong width');
  return { ms: performance.now() - start, rows };
}

interface Share {
  readonly workload: string;
  readonly events: number;
  readonly from: number;
}

function runShare(s: Share): number {
  if (s.workload === 'join') return handWrittenBidJoin(s.events, s.from).ms;
  if (s.workload === 'join-off-heap') return handWrittenBidJoinOffHeap(s.events, s.from).ms;
  return handWrittenKeyedCount(s.events, s.from).ms;
}

/** A worker thread running this file through tsx (Node 20 does not apply --import loaders to workers). */
function startWorker(share: Share): Worker {
  const self = import.meta.url;
  const tsxApi = pathToFileURL(
    createRequire(self)
      .resolve('tsx/esm/api')
      .replace(/index\.cjs$/, 'index.mjs'),
  ).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((api) => api.tsImport(${JSON.stringify(self)}, ${JSON.stringify(self)}));`;
  return new Worker(code, { eval: true, workerData: share });
}

/** Wall time from the moment every thread is loaded until the last one is done, in ms. */
async function timed(workload: string, threads: number, events: number): Promise<number> {
  const workers = Array.from({ length: threads }, (_, i) =>
    startWorker({
      workload,
      events: Math.floor(((i + 1) * events) / threads) - Math.floor((i * events) / threads),
      from: Math.floor((i * events) / threads),
    }),
  );
  const next = (w: Worker) =>
    new Promise<unknown>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  await Promise.all(workers.map(next)); // loaded
  const start = performance.now();
  const done = Promise.all(workers.map(next));
  for (const w of workers) w.postMessage('go');
  await done;
  const ms = performance.now() - start;
  await Promise.all(workers.map((w) => w.terminate()));
  return ms;
}

if (isMainThread) {
  const [workload = 'count', threadsArg = '1', eventsArg = '1000000', runsArg = '2'] = process.argv.slice(2);
  let best = Infinity;
  for (let i = 0; i < Number(runsArg); i++) {
    await inStep();
    best = Math.min(best, await timed(workload, Number(threadsArg), Number(eventsArg)));
  }
  console.log(JSON.stringify({ runMs: best }));
} else {
  const port = parentPort!;
  port.postMessage('loaded');
  port.once('message', () => port.postMessage(runShare(workerData as Share)));
}
