// `weir savepoint inspect|diff`: what a savepoint holds and how two differ, every file checked (weir's own tool; Flink has none).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Packr } from 'msgpackr';
import {
  type CheckpointMetadata,
  type OperatorStateEntry,
  type StateFileHandle,
  keyedFiles,
} from '../checkpoint/metadata';
import type { StateKey } from '../key-groups';
import { decodeKeyGroups } from '../state/snapshot-format';
import { formatBytes, renderTable } from './format';
import { FsCheckpointStorage, storagePath } from './fs-storage';

export const SAVEPOINT_USAGE = `usage: weir savepoint inspect PATH   what a savepoint holds: operators, key groups, entries, bytes, source offsets
       weir savepoint diff A B        per operator uid: state in A only, B only or both; entries added, removed, changed

PATH is a savepoint folder or its _metadata file; a checkpoint folder (chk-N) of the hashmap backend works too.
Every state file's size and checksum is verified; a damaged one is named and the status is 1.`;

/** One table of an operator's keyed state, merged over subtasks and key groups: key → value. */
type Table = Map<StateKey, unknown>;

export interface LoadedOperator {
  readonly entry: OperatorStateEntry;
  /** Whether any subtask has keyed-state files (a stateful operator). */
  readonly keyed: boolean;
  readonly files: number;
  readonly bytes: number;
  /** Table name → its entries (values only when loaded for a diff). */
  readonly tables: ReadonlyMap<string, Table>;
}

export interface LoadedSnapshot {
  /** The folder holding `_metadata`. */
  readonly location: string;
  readonly metadata: CheckpointMetadata;
  readonly files: number;
  readonly bytes: number;
  readonly operators: readonly LoadedOperator[];
}

/** `PATH` as given → the folder holding `_metadata`; says what is there instead when it is not one. */
export function resolveSnapshotFolder(path: string): string {
  const p = storagePath(path);
  if (!existsSync(p)) throw new Error(`no savepoint at ${p}: no such file or folder`);
  if (!statSync(p).isDirectory()) {
    if (basename(p) === '_metadata') return dirname(p);
    throw new Error(`${p} is a file, not a savepoint folder or its _metadata file`);
  }
  if (existsSync(join(p, '_metadata'))) return p;
  // A savepoint directory, or a job's checkpoint folder: name what it holds.
  const inside = readdirSync(p, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(p, e.name, '_metadata')))
    .map((e) => e.name)
    .sort();
  const hint =
    inside.length === 0
      ? ''
      : `; folders in it that have one: ${inside.slice(0, 8).join(', ')}${inside.length > 8 ? `, … (${inside.length})` : ''}`;
  throw new Error(`no savepoint at ${p}: the folder has no _metadata${hint}`);
}

/**
 * Reads `_metadata` and every keyed-state file (size and CRC-32 verified, incremental chains applied in
 * order). Every damaged file is named, not just the first. `keepValues`: keep values (for a diff), else
 * only keys are counted.
 */
export async function loadSnapshot(path: string, keepValues: boolean, what: string): Promise<LoadedSnapshot> {
  const location = resolveSnapshotFolder(path);
  const fs = new FsCheckpointStorage('/');
  const metadata = await fs.readMetadata(location);
  const native = metadata.operators.find((o) => o.subtasks.some((s) => s.native !== undefined));
  if (native)
    throw new Error(
      `${location} is a ${metadata.backend} ${metadata.kind} in RocksDB's native format (SST files of ${native.uid}); ` +
        `${what} needs a savepoint or a hashmap checkpoint (take one with SAVEPOINT; or STOP JOB '<name>' WITH SAVEPOINT;)`,
    );
  const problems: string[] = [];
  const operators: LoadedOperator[] = [];
  let files = 0;
  let bytes = 0;
  for (const entry of metadata.operators) {
    const tables = new Map<string, Table>();
    let opFiles = 0;
    let opBytes = 0;
    for (const s of entry.subtasks) {
      for (const handle of keyedFiles(s)) {
        opFiles++;
        opBytes += handle.size;
        const groups = await readGroups(fs, location, handle, metadata.kind, problems);
        if (groups === undefined) continue;
        // Deletions, then values: how a backend restores a chain of incremental files.
        for (const g of groups)
          for (const [name, [keys, values, deleted]] of Object.entries(g.tables)) {
            let t = tables.get(name);
            if (!t) tables.set(name, (t = new Map()));
            for (const k of deleted ?? []) t.delete(k);
            for (let i = 0; i < keys.length; i++) t.set(keys[i]!, keepValues ? values[i] : true);
          }
      }
    }
    files += opFiles;
    bytes += opBytes;
    operators.push({ entry, keyed: opFiles > 0, files: opFiles, bytes: opBytes, tables });
  }
  if (problems.length > 0)
    throw new Error(
      `${location} is damaged (${problems.length} of ${files} state file${files === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
  return { location, metadata, files, bytes, operators };
}

async function readGroups(
  fs: FsCheckpointStorage,
  location: string,
  handle: StateFileHandle,
  kind: CheckpointMetadata['kind'],
  problems: string[],
) {
  try {
    const data = await fs.readState(location, handle);
    return decodeKeyGroups(data, join(location, handle.path));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // The storage's messages say "state file"; name the kind of snapshot it belongs to.
    problems.push(message.replace(/^state file /, `${kind} file `));
    return undefined;
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/** Merged key-group ranges of the subtasks: `0-127`, or `0-31, 64-127` with a gap. */
function keyGroups(o: OperatorStateEntry): string {
  const ranges = o.subtasks.map((s) => s.keyGroupRange).sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged.map((r) => `${r.start}-${r.end}`).join(', ');
}

/** Entry counts: `500`, or per table when several (`left 12, right 30`). */
function entries(o: LoadedOperator): string {
  if (o.tables.size === 0) return '0';
  if (o.tables.size === 1) return count([...o.tables.values()][0]!.size);
  return [...o.tables]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, t]) => `${name} ${count(t.size)}`)
    .join(', ');
}

function shortName(name: string, max = 60): string {
  return name.length <= max ? name : `${name.slice(0, max - 1)}…`;
}

function numberField(o: unknown, key: string): number | undefined {
  const v = (o as Record<string, unknown> | null)?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** One line per source: rows taken (datagen, nexmark), where each split reads (filesystem), else the JSON. */
export function summarizeOffsets(offsets: readonly unknown[]): string {
  if (offsets.length === 0) return 'no offsets';
  const splits = `${offsets.length} split${offsets.length === 1 ? '' : 's'}`;
  const emitted = offsets.map((o) => numberField(o, 'emitted'));
  if (emitted.every((e) => e !== undefined)) {
    const total = emitted.reduce((a, b) => a! + b!, 0)!;
    const each = offsets.length > 1 ? ` (${emitted.map((e) => count(e!)).join(' + ')})` : '';
    const layered = offsets.some((o) => (o as { before?: unknown }).before !== undefined)
      ? ', after earlier runs at another parallelism'
      : '';
    return `${splits}, ${count(total)} rows emitted${each}${layered}`;
  }
  const parts = offsets.map((o, i) => {
    const file = (o as { file?: unknown } | null)?.file;
    const position = numberField(o, 'position');
    if (file !== undefined && position !== undefined) {
      const line = numberField(o, 'line');
      return file === null
        ? `split ${i}: no file`
        : `split ${i}: ${basename(String(file))} at byte ${count(position)}${line !== undefined ? ` (line ${count(line)})` : ''}`;
    }
    const json = JSON.stringify(o) ?? 'none';
    return `split ${i}: ${json.length > 80 ? `${json.slice(0, 79)}…` : json}`;
  });
  return `${splits}: ${parts.join('; ')}`;
}

function when(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** The header, the operator table and the source offsets of a loaded snapshot. */
export function formatInspect(s: LoadedSnapshot): string {
  const m = s.metadata;
  const kind = m.kind === 'savepoint' ? 'savepoint' : `checkpoint, ${m.snapshotType}`;
  const header: [string, string][] = [
    ['job', m.jobName],
    ['id', String(m.checkpointId)],
    ['kind', `${kind}, ${m.mode}`],
    ['created', `${when(m.completionTime)} (took ${count(m.durationMs)} ms)`],
    ['weir version', m.weirVersion ?? 'unknown (written before weir recorded it)'],
    ['query hash', m.queryHash ?? 'unknown'],
    ['taken on backend', m.backend],
    ['max parallelism', String(m.maxParallelism)],
    [
      'total size',
      `${formatBytes(s.bytes)} in ${s.files} state file${s.files === 1 ? '' : 's'}, checksums verified`,
    ],
  ];
  const width = Math.max(...header.map(([k]) => k.length));
  const rows = s.operators.map((o) => [
    o.entry.uid,
    shortName(o.entry.name),
    String(o.entry.parallelism),
    o.keyed ? keyGroups(o.entry) : '-',
    o.keyed ? entries(o) : '-',
    o.keyed ? formatBytes(o.bytes) : '-',
  ]);
  const sources = Object.entries(m.sourceOffsets ?? {});
  const names = new Map(m.operators.map((o) => [o.uid, o.name]));
  return [
    `${m.kind} ${s.location}`,
    ...header.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
    renderTable(['uid', 'name', 'parallelism', 'key groups', 'entries', 'state bytes'], rows),
    '',
    sources.length === 0 ? 'source offsets: none' : 'source offsets:',
    ...sources.map(
      ([uid, offsets]) => `  ${uid} ${shortName(names.get(uid) ?? '', 60)}: ${summarizeOffsets(offsets)}`,
    ),
  ].join('\n');
}

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

/** `weir savepoint ...`: 0 on success, 1 when a savepoint is missing or damaged, 2 on a usage error. */
export async function savepointCommand(args: readonly string[]): Promise<number> {
  const [sub, ...paths] = args;
  const usage = (message: string) => {
    console.error(`weir savepoint: ${message}\n\n${SAVEPOINT_USAGE}`);
    return 2;
  };
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    console.log(SAVEPOINT_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'inspect' && sub !== 'diff') return usage(`unknown subcommand '${sub}'`);
  const flag = paths.find((p) => p.startsWith('-'));
  if (flag !== undefined) return usage(`unknown option '${flag}'`);
  if (sub === 'inspect' && paths.length !== 1) return usage('inspect expects one PATH');
  if (sub === 'diff' && paths.length !== 2) return usage('diff expects two paths, A and B');
  try {
    if (sub === 'inspect') {
      console.log(formatInspect(await loadSnapshot(paths[0]!, false, 'inspect')));
    } else {
      const a = await loadSnapshot(paths[0]!, true, 'diff');
      const b = await loadSnapshot(paths[1]!, true, 'diff');
      console.log(formatDiff(a, b, diffSnapshots(a, b)));
    }
    return 0;
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    console.error(`weir savepoint ${sub}: ${e.message}`);
    return 1;
  }
}
