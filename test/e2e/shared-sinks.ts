// Scenarios of filesystem sinks that share a folder (two INSERTs, reruns, kills) run as real `weir` processes; the short and the long suites run them.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runWeir } from './crash-harness';

/** Ids 1..2000, one JSON object a line. */
export const IDS = 2000;

/** Issue 19's script: two INSERTs of one script into one filesystem sink folder, checkpointing on. */
export const TWO_INSERTS = `
SET 'execution.checkpointing.interval' = '100ms';
SET 'restart-strategy.type' = 'none';
CREATE TABLE src (id BIGINT) WITH ('connector'='filesystem','path'='ids.json','format'='json');
CREATE TABLE dst (id BIGINT) WITH ('connector'='filesystem','path'='out','format'='json');
INSERT INTO dst SELECT id FROM src WHERE id <= 1000;
INSERT INTO dst SELECT id FROM src WHERE id > 1000;
`;

/** A work folder holding `ids.json` and `job.sql` (TWO_INSERTS unless told). */
export function prepareTwoInserts(dir: string, script = TWO_INSERTS): void {
  mkdirSync(dir, { recursive: true });
  const lines = Array.from({ length: IDS }, (_, i) => JSON.stringify({ id: i + 1 }));
  writeFileSync(join(dir, 'ids.json'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'job.sql'), script);
}

/** The committed (visible) files of a sink folder, by name, with their contents. */
export function committedFiles(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(folder)) return files;
  for (const n of readdirSync(folder).sort())
    if (n.startsWith('part-')) files.set(n, readFileSync(join(folder, n), 'utf8'));
  return files;
}

/** The hidden (in-progress or pending) files of a sink folder. */
export const hiddenFiles = (folder: string): string[] =>
  existsSync(folder) ? readdirSync(folder).filter((n) => n.startsWith('.')) : [];

/** How many times each id is in the committed files of a `json` sink folder. */
export function idCounts(folder: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const text of committedFiles(folder).values()) {
    for (const line of text.split('\n')) {
      if (!line) continue;
      const id = (JSON.parse(line) as { id: number }).id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

/** Requires ids `from..to` each exactly `times` times in `folder`, and nothing else. */
export function expectIds(folder: string, from: number, to: number, times: number, context: string): void {
  const counts = idCounts(folder);
  const wrong: string[] = [];
  for (let id = from; id <= to; id++)
    if ((counts.get(id) ?? 0) !== times) wrong.push(`${id}×${counts.get(id) ?? 0}`);
  for (const id of counts.keys()) if (id < from || id > to) wrong.push(`${id} (not expected)`);
  expect(wrong.slice(0, 20), `${context}: ids not ${times}× (of ${wrong.length})`).toEqual([]);
}

/** Runs TWO_INSERTS `runs` times, each in a fresh folder: every id committed exactly once every time. */
export async function twoInsertsRuns(root: string, runs: number): Promise<void> {
  for (let i = 0; i < runs; i++) {
    const dir = join(root, `run-${i}`);
    prepareTwoInserts(dir);
    const r = await runWeir(dir, ['run', 'job.sql']);
    expect(r.code, r.stderr).toBe(0);
    expectIds(join(dir, 'out'), 1, IDS, 1, `run ${i + 1} of ${runs}`);
    expect(hiddenFiles(join(dir, 'out')), `run ${i + 1}: hidden files left`).toEqual([]);
  }
}

/**
 * Fault points a run of TWO_INSERTS dies at (the process SIGKILLs itself): after a checkpoint's state or
 * `_metadata` was written, or in the middle of a sink's commits; whichever of the two jobs gets there first.
 */
const FAULTS = [
  'sink-committing:1',
  'metadata-written:1',
  'sink-committing:2',
  'state-written:3',
  'metadata-written:2',
  'sink-committing:3',
];

/**
 * `cycles` times, in a fresh folder: TWO_INSERTS killed by SIGKILL at a fault point, then resumed with
 * `--from-checkpoint latest`: every id committed exactly once. Returns how many runs were killed.
 */
export async function twoInsertsKilledAndResumed(root: string, cycles: number): Promise<number> {
  let kills = 0;
  for (let i = 0; i < cycles; i++) {
    const dir = join(root, `kill-${i}`);
    prepareTwoInserts(dir);
    const fault = FAULTS[i % FAULTS.length]!;
    const killed = await runWeir(dir, ['run', 'job.sql'], undefined, { WEIR_FAULT: fault });
    // A job may finish before the point is reached: then the run simply ends.
    if (killed.signal === 'SIGKILL') kills++;
    else expect(killed.code, killed.stderr).toBe(0);
    const resumed = await runWeir(dir, ['run', 'job.sql', '--from-checkpoint', 'latest']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectIds(join(dir, 'out'), 1, IDS, 1, `cycle ${i + 1} (WEIR_FAULT=${fault}, killed: ${killed.signal})`);
    expect(hiddenFiles(join(dir, 'out')), `cycle ${i + 1}: hidden files left`).toEqual([]);
  }
  return kills;
}

/** A job reading ids 1..`rows` from datagen at `rate` rows/s into filesystem folder `out`; no periodic checkpoints. */
export const slowIdsScript = (out: string, rows: number, rate: number): string => `
SET 'restart-strategy.type' = 'none';
SET 'execution.checkpointing.savepoint-dir' = 'savepoints';
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '${rate}',
  'number-of-rows' = '${rows}', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}');
CREATE TABLE dst (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json');
INSERT INTO dst SELECT id FROM src;
`;
