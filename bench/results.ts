// The shared results collector: benches report rows here; `npm run bench` writes bench/results/<date>.md, .json, .svg.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointStats } from '../runtime/checkpoint/coordinator';
import { formatBytes } from '../runtime/node/format';

/** One measured configuration. Fields a bench does not measure stay undefined (shown as '-'). */
export interface ResultRow {
  /** The bench that reported it (`npm run bench -- <bench>`). */
  bench: string;
  workload: string;
  /** Engine and backend, e.g. 'weir heap, ckpt 1s' or 'hand-written Map loop'. */
  engine: string;
  eventsPerSec?: number;
  /** How many runs the median is over. */
  runs?: number;
  checkpoints?: number;
  ckptP50Ms?: number;
  ckptP99Ms?: number;
  /** Bytes of the largest completed checkpoint (or the snapshot measured). */
  ckptBytes?: number;
  /** The process's peak RSS when the configuration finished (bytes; monotonic over the process's life). */
  peakRss?: number;
  note?: string;
}

const rows: ResultRow[] = [];
let current = 'bench';

/** Names the bench whose rows follow (run.ts calls it before each bench). */
export function startBench(name: string): void {
  current = name;
}

export function record(row: Omit<ResultRow, 'bench'>): void {
  rows.push({ bench: current, peakRss: peakRss(), ...row });
}

export function recorded(): readonly ResultRow[] {
  return rows;
}

/** The process's peak resident set size so far, in bytes. */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** The median of `xs` by `by` (the upper one for an even count). */
export function median<T>(xs: readonly T[], by: (x: T) => number): T {
  const s = [...xs].sort((a, b) => by(a) - by(b));
  return s[Math.floor(s.length / 2)]!;
}

export function percentile(xs: readonly number[], p: number): number | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** p50/p99 duration, count and the largest size of a run's completed checkpoints. */
export function checkpointFigures(
  stats: readonly CheckpointStats[],
): Pick<ResultRow, 'checkpoints' | 'ckptP50Ms' | 'ckptP99Ms' | 'ckptBytes'> {
  const done = stats.filter((c) => c.status === 'COMPLETED');
  const durations = done.map((c) => c.duration ?? c.syncDuration + c.asyncDuration);
  return {
    checkpoints: done.length,
    ckptP50Ms: percentile(durations, 50),
    ckptP99Ms: percentile(durations, 99),
    ckptBytes: done.length ? Math.max(...done.map((c) => c.size)) : undefined,
  };
}

const HEADER = [
  'workload',
  'engine/backend',
  'events/s',
  'runs',
  'ckpts',
  'ckpt p50',
  'ckpt p99',
  'ckpt size',
  'peak RSS',
  'note',
];

function cells(r: ResultRow): string[] {
  const n = (x: number | undefined, f: (x: number) => string) => (x === undefined ? '-' : f(x));
  return [
    r.workload,
    r.engine,
    n(r.eventsPerSec, (x) => Math.round(x).toLocaleString('en-US')),
    n(r.runs, String),
    n(r.checkpoints, String),
    n(r.ckptP50Ms, (x) => `${x.toFixed(1)} ms`),
    n(r.ckptP99Ms, (x) => `${x.toFixed(1)} ms`),
    n(r.ckptBytes, formatBytes),
    n(r.peakRss, formatBytes),
    r.note ?? '',
  ];
}

export function markdownTable(rs: readonly ResultRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map((_, i) => (i >= 2 && i <= 8 ? '---:' : '---')).join(' | ')} |`,
    ...rs.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
  ].join('\n');
}

/** A horizontal bar chart of events/s, one bar per row that has a rate; plain SVG strings. */
export function svgChart(rs: readonly ResultRow[], title: string): string {
  const bars = rs.filter((r) => r.eventsPerSec !== undefined);
  const max = Math.max(1, ...bars.map((r) => r.eventsPerSec!));
  const [labelW, barW, rowH, top] = [360, 480, 18, 30];
  const x = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = bars.map((r, i) => {
    const y = top + i * rowH;
    const w = Math.max(1, (r.eventsPerSec! / max) * barW);
    const rate = Math.round(r.eventsPerSec!).toLocaleString('en-US');
    return [
      `<text x="${labelW - 6}" y="${y + 13}" text-anchor="end">${x(`${r.workload} · ${r.engine}`)}</text>`,
      `<rect x="${labelW}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 4}" fill="${r.engine.startsWith('weir') ? '#3b7dd8' : '#999'}"/>`,
      `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + 13}">${rate}</text>`,
    ].join('');
  });
  const h = top + bars.length * rowH + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 110}" height="${h}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="18" font-size="13" font-weight="bold">${x(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Writes today's files, keeping rows of benches not run this time from an earlier run the same day. */
export function writeResults(benches: readonly string[], dir = join(import.meta.dirname, 'results')): string {
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(dir, { recursive: true });
  const jsonFile = join(dir, `${date}.json`);
  const earlier: ResultRow[] = existsSync(jsonFile)
    ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as { rows: ResultRow[] }).rows
    : [];
  const all = [...earlier.filter((r) => !benches.includes(r.bench)), ...rows];
  const env = `Node ${process.version}, ${process.platform}/${process.arch}`;
  writeFileSync(jsonFile, JSON.stringify({ date, env, rows: all }, null, 2) + '\n');
  const sections = [...new Set(all.map((r) => r.bench))].map(
    (b) => `## ${b}\n\n${markdownTable(all.filter((r) => r.bench === b))}\n`,
  );
  writeFileSync(
    join(dir, `${date}.md`),
    `# weir benchmarks, ${date}\n\n${env}. Reproduce with \`npm run bench [-- <name> ...]\`. ` +
      `Peak RSS is the process's peak when the configuration finished (benches share one process).\n\n` +
      `![events/s](${date}.svg)\n\n${sections.join('\n')}`,
  );
  writeFileSync(join(dir, `${date}.svg`), svgChart(all, `weir benchmarks ${date}: events/s (median)`));
  return join(dir, `${date}.md`);
}
