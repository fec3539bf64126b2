// The crash run under backpressure: GROUP BY + LEFT JOIN at parallelism 2 on two worker threads, a deliberately
// slow sink, unaligned checkpoints (or an aligned-checkpoint timeout), SIGKILLs at random moments and inside
// channel-state writing; the committed output must equal a failure-free run's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  checkpointProblems,
  crashScript,
  expectSameCommittedOutput,
  prng,
  runWeir,
  runWithKills,
  writeInputs,
} from './crash-harness';

export interface BackpressureVariant {
  readonly label: string;
  readonly backend: 'hashmap' | 'rocksdb';
  /** 'unaligned': every checkpoint starts unaligned; 'timeout': aligned first, unaligned after the timeout. */
  readonly mode: 'unaligned' | 'timeout';
  readonly kills: number;
  readonly orders: number;
  readonly customers: number;
  /** Rows a second each sink takes (over both subtasks). */
  readonly sinkRate: number;
  readonly seed: number;
}

/** Fault points inside channel-state writing (a torn file, and a written file before `_metadata`). */
export const CHANNEL_STATE_FAULTS = ['channel-state-writing', 'channel-state-written'];

/** Writes the inputs and both scripts; runs the failure-free reference. Returns the crash run's folder. */
async function prepare(v: BackpressureVariant): Promise<{ reference: string; crashed: string }> {
  const reference = mkdtempSync(join(tmpdir(), 'weir-bpref-'));
  const crashed = mkdtempSync(join(tmpdir(), 'weir-bpcrash-'));
  const backend = v.backend === 'rocksdb' ? "SET 'state.backend.type' = 'rocksdb';" : '';
  const checkpointing =
    "SET 'execution.checkpointing.unaligned.enabled' = 'true';" +
    (v.mode === 'timeout' ? " SET 'execution.checkpointing.aligned-checkpoint-timeout' = '20ms';" : '');
  for (const dir of [reference, crashed]) writeInputs(dir, v.orders, v.customers, v.seed);
  // The reference: aligned, one thread, no slow sink.
  writeFileSync(
    join(reference, 'job.sql'),
    crashScript('150ms', `SET 'parallelism.default' = '2'; SET 'weir.workers' = '0'; ${backend}`),
  );
  writeFileSync(
    join(crashed, 'job.sql'),
    crashScript(
      '150ms',
      `SET 'parallelism.default' = '2'; SET 'weir.workers' = '2'; ${backend} ${checkpointing}`,
      `, 'sink.rows-per-second' = '${v.sinkRate}'`,
    ),
  );
  const ref = await runWeir(reference, ['run', 'job.sql']);
  expect(ref.code, ref.stderr).toBe(0);
  return { reference, crashed };
}

const IN_FLIGHT_RESUME = /resumes from checkpoint .*, replaying .* of in-flight data/;

/**
 * Kills at fixed places, each run resuming from the latest checkpoint: first after a random delay, then
 * inside channel-state writing (a torn file; a written file before its `_metadata`), then right after a
 * `_metadata` (under backpressure the latest checkpoint holds in-flight data: the next run replays it);
 * then to the end.
 */
export async function forcedCrashRun(v: BackpressureVariant): Promise<void> {
  const { reference, crashed } = await prepare(v);
  const rnd = prng(v.seed);
  const steps: { fault?: string; killAfterMs?: number }[] = [
    { killAfterMs: Math.floor(1000 + rnd() * 3000) },
    { fault: 'channel-state-writing:2' },
    { fault: 'channel-state-written:2' },
    { fault: 'metadata-written:2' },
    {},
  ];
  const killedAt: string[] = [];
  let inFlightResumes = 0;
  for (const [i, step] of steps.entries()) {
    const args = ['run', 'job.sql', ...(i > 0 ? ['--from-checkpoint', 'latest'] : [])];
    const r = await runWeir(crashed, args, step.killAfterMs, step.fault ? { WEIR_FAULT: step.fault } : {});
    inFlightResumes += r.stderr.split('\n').filter((l) => IN_FLIGHT_RESUME.test(l)).length;
    if (r.signal === 'SIGKILL') {
      killedAt.push(step.fault?.replace(/:.*/, '') ?? 'timer');
      continue;
    }
    expect(r.code, r.stderr).toBe(0);
    break;
  }
  console.log(
    `backpressure crash run (${v.label}): killed at ${killedAt.join(', ')}; ${inFlightResumes} resumes replayed in-flight data`,
  );
  for (const point of ['metadata-written', ...CHANNEL_STATE_FAULTS]) expect(killedAt).toContain(point);
  expect(inFlightResumes).toBeGreaterThan(0);
  expect(checkpointProblems(crashed).problems).toEqual([]);
  expectSameCommittedOutput(crashed, reference, `after kills at ${killedAt.join(', ')}`);
}

/** `kills` SIGKILLs at random moments and random fault points (those inside channel-state writing each at least once). */
export async function backpressureCrashRun(v: BackpressureVariant): Promise<void> {
  const { reference, crashed } = await prepare(v);
  const summary = await runWithKills(crashed, 'job.sql', {
    kills: v.kills,
    // Late enough for checkpoints with in-flight data to complete (a loaded machine starts slowly).
    minMs: 1000,
    maxMs: 6000,
    seed: v.seed,
    faultPoints: [...CHANNEL_STATE_FAULTS, 'state-written', 'metadata-written', 'sink-committing'],
    mustHit: CHANNEL_STATE_FAULTS,
    faultHits: {
      'channel-state-writing': 3,
      'channel-state-written': 3,
      'metadata-written': 4,
      'state-written': 8,
    },
    count: IN_FLIGHT_RESUME,
  });
  console.log(
    `backpressure crash run (${v.label}): ${summary.kills} SIGKILLs over ${summary.runs} runs, ${summary.counted} resumes replayed in-flight data (seed ${v.seed}; at fault points: ${JSON.stringify(summary.faultKills)})`,
  );
  expect(summary.kills).toBeGreaterThanOrEqual(Math.min(v.kills, 10));
  for (const point of CHANNEL_STATE_FAULTS)
    expect(summary.faultKills[point] ?? 0, `kills at fault point ${point}`).toBeGreaterThan(0);
  expect(summary.counted).toBeGreaterThan(0);
  expect(checkpointProblems(crashed).problems).toEqual([]);
  expectSameCommittedOutput(crashed, reference, `after ${summary.kills} kills in ${summary.runs} runs`);
}
