// Kill/resume cycles with num-retained 1: checkpoints per job stay ≤ 2, none is left over, no shared file is orphaned.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  checkpointProblems,
  crashScript,
  expectSameCommittedOutput,
  runWeir,
  writeInputs,
} from './crash-harness';
import { completedCheckpoints, runsOf } from './weir-process';

export const RETENTION_CASES = [
  { label: 'heap', settings: '' },
  { label: 'rocksdb, incremental', settings: "SET 'state.backend.type' = 'rocksdb';" },
];

const POINTS = ['metadata-written', 'state-written', 'sink-committing', 'metadata-written', 'sst-upload'];

/** A folder with the crash suite's inputs and `job.sql` (jobs job-1 and job-2) built from `settings`. */
export function workdir(prefix: string, settings = '', orders = 30_000): string {
  const dir = mkdtempSync(join(tmpdir(), `weir-${prefix}-`));
  writeInputs(dir, orders, 1_000, 5);
  writeFileSync(join(dir, 'job.sql'), crashScript('100ms', settings));
  return dir;
}

/** `cycles` runs each SIGKILLed at a fault point and resumed with `latest`, then a last run to the end. */
export async function retentionCycles(settings: string, cycles: number): Promise<void> {
  const all = `SET 'state.checkpoints.num-retained' = '1';\n${settings}`;
  const ref = workdir('retain-ref', all);
  const full = await runWeir(ref, ['run', 'job.sql']);
  expect(full.code, full.stderr).toBe(0);
  const dir = workdir('retain', all);
  let kills = 0;
  for (let i = 0; i < cycles; i++) {
    const args = ['run', 'job.sql', ...(i > 0 ? ['--from-checkpoint', 'latest'] : [])];
    const point = POINTS[i % POINTS.length]!;
    const r = await runWeir(dir, args, undefined, { WEIR_FAULT: `${point}:${2 + (i % 3)}` });
    if (r.signal !== 'SIGKILL') {
      expect(r.code, r.stderr).toBe(0);
      continue; // finished before the fault point: the next cycle starts fresh
    }
    kills++;
    for (const job of ['job-1', 'job-2'])
      expect(completedCheckpoints(dir, job).length, `${job} after kill ${kills}`).toBeLessThanOrEqual(2);
  }
  expect(kills, 'kills').toBeGreaterThan(0);
  const last = await runWeir(dir, ['run', 'job.sql', '--from-checkpoint', 'latest']);
  expect(last.code, last.stderr).toBe(0);
  for (const job of ['job-1', 'job-2']) {
    expect(completedCheckpoints(dir, job), job).toHaveLength(1);
    expect(runsOf(dir, job), `${job}: run folders left`).toHaveLength(1);
  }
  const left = checkpointProblems(dir);
  expect(left.problems).toEqual([]);
  expect(left.orphans, 'shared files no checkpoint lists').toBe(0);
  console.log(
    `retention: ${kills} kills over ${cycles} cycles (${settings || 'heap'}): 1 checkpoint per job left`,
  );
  expectSameCommittedOutput(dir, ref, `after ${kills} kill/resume cycles`);
}
