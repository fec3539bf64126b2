// `weir savepoint inspect`: a loaded snapshot as a header, an operator table and its source offsets.
import { basename } from 'node:path';
import type { OperatorStateEntry } from '../checkpoint/metadata';
import { formatBytes, renderTable } from './format';
import type { LoadedOperator, LoadedSnapshot } from './savepoint-snapshot';

export const count = (n: number) => n.toLocaleString('en-US');

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

export function shortName(name: string, max = 60): string {
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

export function when(ms: number): string {
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
