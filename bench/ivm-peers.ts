// TypeScript peers: the keyed count in @electric-sql/d2ts and @tanstack/db-ivm, 1,024 events per step, checked against the loop.
import * as d2ts from '@electric-sql/d2ts';
import * as ivm from '@tanstack/db-ivm';
import { generate } from './events';

type Bid = [auction: number, price: number];
type Result = [auction: number, [count: number, max: number]];

/** COUNT(*), MAX(price) over one key's [price, multiplicity] pairs. */
function countMax(values: [number, number][]): [[number, number], number][] {
  let count = 0;
  let max = -Infinity;
  for (const [price, m] of values) {
    count += m;
    if (m > 0 && price > max) max = price;
  }
  return [[[count, max], 1]];
}

/** Applies an output multiset's changes (insert +1, retract -1) to the materialized result. */
function apply(view: Map<number, [number, number]>, changes: [Result, number][]): void {
  for (const [[k, v], m] of changes) {
    if (m > 0) view.set(k, v);
    // A retraction of the value still shown (not of one an insertion in the same step already replaced).
    else if (view.get(k)?.[0] === v[0] && view.get(k)?.[1] === v[1]) view.delete(k);
  }
}

/** Feeds `events` events' bids, 1,024 events per step, to `send`, calling `step` after each. */
function feed(events: number, send: (bids: [Bid, number][]) => void, step: () => void): void {
  generate(events, (batch, k) => {
    const bids: [Bid, number][] = [];
    for (let i = 0; i < k; i++) {
      const e = batch[i]!;
      if (e[0] === 2) bids.push([[(e[3] as number[])[0]!, (e[3] as number[])[2]!], 1]);
    }
    send(bids);
    step();
  });
}

/** The keyed count in d2ts; the materialized result and the wall time. */
export function d2tsKeyedCount(events: number): { ms: number; view: Map<number, [number, number]> } {
  const view = new Map<number, [number, number]>();
  const graph = new d2ts.D2({ initialFrontier: 0 });
  const input = graph.newInput<Bid>();
  input.pipe(
    d2ts.reduce(countMax),
    d2ts.output((msg) => {
      if (msg.type === d2ts.MessageType.DATA)
        apply(view, msg.data.collection.getInner() as [Result, number][]);
    }),
  );
  graph.finalize();
  let version = 0;
  const start = performance.now();
  feed(
    events,
    (bids) => input.sendData(version, new d2ts.MultiSet(bids)),
    () => {
      input.sendFrontier(++version);
      graph.run();
    },
  );
  return { ms: performance.now() - start, view };
}

/** The keyed count in db-ivm; the materialized result and the wall time. */
export function dbIvmKeyedCount(events: number): { ms: number; view: Map<number, [number, number]> } {
  const view = new Map<number, [number, number]>();
  const graph = new ivm.D2();
  const input = graph.newInput<Bid>();
  input.pipe(
    ivm.reduce(countMax),
    ivm.output((data) => apply(view, data.getInner() as [Result, number][])),
  );
  graph.finalize();
  const start = performance.now();
  feed(
    events,
    (bids) => input.sendData(new ivm.MultiSet(bids)),
    () => graph.run(),
  );
  return { ms: performance.now() - start, view };
}

/** Throws unless `view` equals the hand-written loop's counts. */
export function checkSame(
  name: string,
  view: Map<number, [number, number]>,
  want: ReadonlyMap<number, readonly number[]>,
) {
  if (view.size !== want.size) throw new Error(`${name}: ${view.size} keys, loop has ${want.size}`);
  for (const [k, [c, m]] of view) {
    const w = want.get(k);
    if (!w || w[0] !== c || w[1] !== m)
      throw new Error(`${name}: key ${k} = (${c}, ${m}), loop has ${JSON.stringify(w)}`);
  }
}
