// The job summary after SIGKILLs and `--from-checkpoint latest`: records over the job's whole life, and since the restore.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointMetadata } from '../../runtime/checkpoint/metadata';
import { WEIR_BIN } from './crash-harness';

const N = 600;
const RATE = 100;
let dir = '';

function script(rate: number): string {
  return `SET 'execution.checkpointing.interval' = '200ms';
SET 'execution.checkpointing.dir' = '.weir/checkpoints';
SET 'state.checkpoints.num-retained' = '100';
SET 'restart-strategy.type' = 'none';
CREATE TABLE events (event_type INT, person ROW<id BIGINT>, auction ROW<id BIGINT>, bid ROW<auction BIGINT, price BIGINT>)
  WITH ('connector' = 'nexmark', 'events.num' = '${N}', 'first-event.rate' = '${rate}');
CREATE TABLE out (event_type INT) WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'json');
INSERT INTO out SELECT event_type FROM events;
`;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-summary-'));
  // A paced source (6 s of input): the kills land mid-run, after a checkpoint, whatever the machine's load.
  fs.writeFileSync(path.join(dir, 'job.sql'), script(RATE));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every completed checkpoint's `_metadata` under the checkpoint folder, whatever its layout. */
function checkpoints(): CheckpointMetadata[] {
  const root = path.join(dir, '.weir/checkpoints');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => path.basename(f) === '_metadata')
    .map((f) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')) as CheckpointMetadata)
    .sort((a, b) => a.completionTime - b.completionTime);
}

interface Run {
  readonly killed: boolean;
  readonly code: number | null;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs `weir run job.sql [args]`; with `killAfterNew`, SIGKILLs it once it completed that many new checkpoints. */
function run(args: string[], killAfterNew?: number): Promise<Run> {
  const before = checkpoints().length;
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WEIR_BIN, 'run', 'job.sql', ...args], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    let killed = false;
    const watch =
      killAfterNew === undefined
        ? undefined
        : setInterval(() => {
            if (checkpoints().length >= before + killAfterNew) {
              killed = true;
              child.kill('SIGKILL');
            }
          }, 20);
    child.on('exit', (code) => {
      if (watch) clearInterval(watch);
      resolve({ killed, code, stderr, seconds: (Date.now() - start) / 1000 });
    });
  });
}

function committedRows(): number {
  const out = path.join(dir, 'out');
  return fs
    .readdirSync(out)
    .filter((f) => f.startsWith('part-'))
    .reduce((n, f) => n + fs.readFileSync(path.join(out, f), 'utf8').split('\n').filter(Boolean).length, 0);
}

describe('job summary across restores', () => {
  it("counts the job's records over its whole life, and since the restore", async () => {
    const first = await run([], 3);
    expect(first.killed, first.stderr).toBe(true);
    // The counts recorded with a checkpoint are those at its barrier: the source's offset says as much.
    for (const m of checkpoints()) {
      const offsets = Object.values(m.sourceOffsets)[0] as { emitted: number }[];
      expect(m.recordsIn).toBe(offsets[0]!.emitted);
      expect(m.recordsOut).toBe(m.recordsIn);
    }
    const firstCheckpoint = checkpoints().at(-1)!;
    expect(firstCheckpoint.recordsIn).toBeGreaterThan(0);
    expect(firstCheckpoint.recordsIn).toBeLessThan(N);

    // Killed again after the resume: the next checkpoints count on from the restored one.
    const second = await run(['--from-checkpoint', 'latest'], 3);
    expect(second.killed, second.stderr).toBe(true);
    const secondCheckpoint = checkpoints().at(-1)!;
    expect(secondCheckpoint.recordsIn).toBeGreaterThan(firstCheckpoint.recordsIn!);
    expect(secondCheckpoint.recordsIn).toBeLessThan(N);

    const last = await run(['--from-checkpoint', 'latest']);
    expect(last.code, last.stderr).toBe(0);
    const since = N - secondCheckpoint.recordsIn!;
    expect(last.stderr).toContain(
      `[weir] job 'job-1' finished: ${N} records in (${since} since restore), ${N} out (${since} since restore),`,
    );
    expect(checkpoints().at(-1)!.recordsIn).toBe(N);
    expect(committedRows()).toBe(N);
    // The paced source carried on at its rate after the restore.
    expect(last.seconds).toBeGreaterThanOrEqual((since - 1) / RATE);
  });

  it('says nothing of a restore on a fresh run', async () => {
    fs.rmSync(path.join(dir, '.weir'), { recursive: true, force: true });
    fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    fs.writeFileSync(path.join(dir, 'job.sql'), script(0));
    const r = await run([]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`[weir] job 'job-1' finished: ${N} records in, ${N} out,`);
  });
});
