// Nexmark q3's two-stream join (auctions of category 10 ⋈ sellers in OR/ID/CA): a hand-written hash join, d2ts, db-ivm.
import * as d2ts from '@electric-sql/d2ts';
import * as ivm from '@tanstack/db-ivm';
import { generate } from './events';

type Person = [name: string, city: string, state: string];
/** The join's output rows, serialized as q3's (name, city, state, id), with their multiplicities. */
export type Rows = Map<string, number>;

const STATES = new Set(['OR', 'ID', 'CA']);
const row = (p: Person, auction: number) => JSON.stringify([...p, auction]);

/** q3's filtered inputs of one batch: auctions as [seller, id], persons as [id, person]. */
function inputs(
  batch: unknown[][],
  k: number,
): { auctions: [number, number][]; persons: [number, Person][] } {
  const auctions: [number, number][] = [];
  const persons: [number, Person][] = [];
  for (let i = 0; i < k; i++) {
    const e = batch[i]!;
    if (e[0] === 1) {
      const a = e[2] as unknown[];
      if (a[8] === 10) auctions.push([a[7] as number, a[0] as number]);
    } else if (e[0] === 0) {
      const p = e[1] as unknown[];
      if (STATES.has(p[5] as string)) persons.push([p[0] as number, [p[1], p[4], p[5]] as Person]);
    }
  }
  return { auctions, persons };
}

const add = (rows: Rows, key: string, m: number) => {
  const n = (rows.get(key) ?? 0) + m;
  if (n === 0) rows.delete(key);
  else rows.set(key, n);
};

/** The hardware limit: a symmetric hash join in two Maps. */
export function handWrittenJoin(events: number): { ms: number; rows: Rows } {
  const rows: Rows = new Map();
  const bySeller = new Map<number, number[]>();
  const byId = new Map<number, Person[]>();
  const start = performance.now();
  generate(events, (batch, k) => {
    const { auctions, persons } = inputs(batch, k);
    for (const [seller, id] of auctions) {
      const l = bySeller.get(seller);
      if (l) l.push(id);
      else bySeller.set(seller, [id]);
      for (const p of byId.get(seller) ?? []) add(rows, row(p, id), 1);
    }
    for (const [id, p] of persons) {
      const l = byId.get(id);
      if (l) l.push(p);
      else byId.set(id, [p]);
      for (const a of bySeller.get(id) ?? []) add(rows, row(p, a), 1);
    }
  });
  return { ms: performance.now() - start, rows };
}

type Joined = [number, [number, Person]];
const collect = (rows: Rows, changes: [Joined, number][]) => {
  for (const [[, [auction, p]], m] of changes) add(rows, row(p, auction), m);
};

export function d2tsJoin(events: number): { ms: number; rows: Rows } {
  const rows: Rows = new Map();
  const graph = new d2ts.D2({ initialFrontier: 0 });
  const a = graph.newInput<[number, number]>();
  const p = graph.newInput<[number, Person]>();
  a.pipe(
    d2ts.innerJoin(p),
    d2ts.output((msg) => {
      if (msg.type === d2ts.MessageType.DATA)
        collect(rows, msg.data.collection.getInner() as [Joined, number][]);
    }),
  );
  graph.finalize();
  let version = 0;
  const start = performance.now();
  generate(events, (batch, k) => {
    const { auctions, persons } = inputs(batch, k);
    a.sendData(version, new d2ts.MultiSet(auctions.map((x) => [x, 1])));
    p.sendData(version, new d2ts.MultiSet(persons.map((x) => [x, 1])));
    version++;
    a.sendFrontier(version);
    p.sendFrontier(version);
    graph.run();
  });
  return { ms: performance.now() - start, rows };
}

export function dbIvmJoin(events: number): { ms: number; rows: Rows } {
  const rows: Rows = new Map();
  const graph = new ivm.D2();
  const a = graph.newInput<[number, number]>();
  const p = graph.newInput<[number, Person]>();
  a.pipe(
    ivm.join(p, 'inner'),
    ivm.output((data) => collect(rows, data.getInner() as [Joined, number][])),
  );
  graph.finalize();
  const start = performance.now();
  generate(events, (batch, k) => {
    const { auctions, persons } = inputs(batch, k);
    a.sendData(new ivm.MultiSet(auctions.map((x) => [x, 1])));
    p.sendData(new ivm.MultiSet(persons.map((x) => [x, 1])));
    graph.run();
  });
  return { ms: performance.now() - start, rows };
}

/** Throws unless two join results are the same multiset; returns the row count. */
export function sameRows(name: string, got: Rows, want: Rows): number {
  let n = 0;
  for (const [r, m] of want) {
    if (got.get(r) !== m)
      throw new Error(`${name}: row ${r} x${got.get(r) ?? 0}, hand-written join has x${m}`);
    n += m;
  }
  if (got.size !== want.size)
    throw new Error(`${name}: ${got.size} distinct rows, hand-written join has ${want.size}`);
  return n;
}
