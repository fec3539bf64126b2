// `weir savepoint diff`: per operator uid, state in A only, B only or both, and entries added, removed, changed.
import { Packr } from 'msgpackr';
import { formatBytes, renderTable } from './format';
import { count, shortName, summarizeOffsets, when } from './savepoint-inspect';
import type { LoadedOperator, LoadedSnapshot, Table } from './savepoint-snapshot';

export interface TableDiff {
  readonly table: string;
  readonly before: number;
  readonly after: number;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

export interface OperatorDiff {
  readonly uid: string;
  readonly name: string;
  readonly presence: 'A only' | 'B only' | 'both';
  /** Whether either side holds keyed state for it. */
  readonly keyed: boolean;
  readonly before?: number;
  readonly after?: number;
  readonly added?: number;
  readonly removed?: number;
  readonly changed?: number;
  /** Per table, when the operator has several. */
  readonly tables: readonly TableDiff[];
}

/** Values compare as their msgpack encodings (the state file format), so 1 and 1.0, or equal Maps, are equal. */
const packr = new Packr({ useRecords: false, moreTypes: true });

function sameValue(a: unknown, b: unknown): boolean {
  // pack() may reuse its buffer: copy the first encoding before making the second.
  const ea = Buffer.from(packr.pack(a));
  return ea.equals(packr.pack(b));
}

function diffTable(table: string, a: Table | undefined, b: Table | undefined): TableDiff {
  const before = a?.size ?? 0;
  const after = b?.size ?? 0;
  let removed = 0;
  let changed = 0;
  let kept = 0;
  for (const [k, v] of a ?? []) {
    if (!b?.has(k)) removed++;
    else {
      kept++;
      if (!sameValue(v, b.get(k))) changed++;
    }
  }
  return { table, before, after, added: after - kept, removed, changed };
}

function size(o: LoadedOperator): number {
  let n = 0;
  for (const t of o.tables.values()) n += t.size;
  return n;
}

/** Per operator uid (A's order, then B's new ones): where it is and, when in both, what changed. */
export function diffSnapshots(a: LoadedSnapshot, b: LoadedSnapshot): OperatorDiff[] {
  const inB = new Map(b.operators.map((o) => [o.entry.uid, o]));
  const inA = new Set(a.operators.map((o) => o.entry.uid));
  const out: OperatorDiff[] = [];
  for (const oa of a.operators) {
    const ob = inB.get(oa.entry.uid);
    if (!ob) {
      out.push({
        uid: oa.entry.uid,
        name: oa.entry.name,
        presence: 'A only',
        keyed: oa.keyed,
        ...(oa.keyed ? { before: size(oa) } : {}),
        tables: [],
      });
      continue;
    }
    const keyed = oa.keyed || ob.keyed;
    const names = [...new Set([...oa.tables.keys(), ...ob.tables.keys()])].sort();
    const tables = names.map((t) => diffTable(t, oa.tables.get(t), ob.tables.get(t)));
    const sum = (f: (t: TableDiff) => number) => tables.reduce((n, t) => n + f(t), 0);
    out.push({
      uid: oa.entry.uid,
      name: oa.entry.name,
      presence: 'both',
      keyed,
      ...(keyed
        ? {
            before: sum((t) => t.before),
            after: sum((t) => t.after),
            added: sum((t) => t.added),
            removed: sum((t) => t.removed),
            changed: sum((t) => t.changed),
          }
        : {}),
      tables: tables.length > 1 ? tables : [],
    });
  }
  for (const ob of b.operators)
    if (!inA.has(ob.entry.uid))
      out.push({
        uid: ob.entry.uid,
        name: ob.entry.name,
        presence: 'B only',
        keyed: ob.keyed,
        ...(ob.keyed ? { after: size(ob) } : {}),
        tables: [],
      });
  return out;
}

function describe(label: string, s: LoadedSnapshot): string {
  const m = s.metadata;
  return `${label}: ${m.kind} ${m.checkpointId} of job '${m.jobName}', ${when(m.completionTime)}, ${m.backend}, ${formatBytes(s.bytes)} (${s.location})`;
}

export function formatDiff(a: LoadedSnapshot, b: LoadedSnapshot, diffs: readonly OperatorDiff[]): string {
  const n = (v: number | undefined) => (v === undefined ? '-' : count(v));
  const rows: string[][] = [];
  for (const d of diffs) {
    rows.push([
      d.uid,
      shortName(d.name, 48),
      d.presence,
      n(d.before),
      n(d.after),
      n(d.added),
      n(d.removed),
      n(d.changed),
    ]);
    for (const t of d.tables)
      rows.push([`  · ${t.table}`, '', '', n(t.before), n(t.after), n(t.added), n(t.removed), n(t.changed)]);
  }
  const ma = a.metadata;
  const mb = b.metadata;
  const notes: string[] = [];
  if (ma.queryHash !== mb.queryHash)
    notes.push(`query hash differs: A ${ma.queryHash ?? 'unknown'}, B ${mb.queryHash ?? 'unknown'}`);
  else if (ma.queryHash) notes.push(`same query hash ${ma.queryHash}`);
  if (ma.jobName !== mb.jobName) notes.push(`different jobs: A '${ma.jobName}', B '${mb.jobName}'`);
  if (ma.maxParallelism !== mb.maxParallelism)
    notes.push(`max parallelism differs: A ${ma.maxParallelism}, B ${mb.maxParallelism}`);
  const sources: string[] = [];
  for (const [uid, offsets] of Object.entries(mb.sourceOffsets ?? {})) {
    const before = ma.sourceOffsets?.[uid];
    if (before === undefined) continue;
    const sa = summarizeOffsets(before);
    const sb = summarizeOffsets(offsets);
    sources.push(`  ${uid}: ${sa === sb ? `unchanged, ${sa}` : `A ${sa}; B ${sb}`}`);
  }
  return [
    describe('A', a),
    describe('B', b),
    ...notes,
    '',
    renderTable(['uid', 'name', 'in', 'entries A', 'entries B', 'added', 'removed', 'changed'], rows),
    ...(sources.length ? ['', 'source offsets:', ...sources] : []),
  ].join('\n');
}
