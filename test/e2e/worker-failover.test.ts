// A task manager thread that dies (process.exit in the worker) or throws mid-run fails the job, which restarts from
// its latest checkpoint on new threads and ends with exactly the output of a run without failures.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashScript, expectSameCommittedOutput, runWeir, writeInputs } from './crash-harness';

const SETTINGS = `
SET 'parallelism.default' = '2';
SET 'weir.workers' = '2';
SET 'weir.batch-size' = '256';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '3';
SET 'restart-strategy.fixed-delay.delay' = '0 ms';
`;

/** Folders left under `root`, two levels down (<job>/<uid>-<subtask>-<id>). */
function leftovers(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((job) => readdirSync(join(root, job)).map((f) => `${job}/${f}`));
}

describe('a task manager thread dies mid-run', () => {
  it.each([
    { fault: 'worker-exit:20', how: 'exited with code 3', backend: 'hashmap' },
    { fault: 'worker-throw:20', how: 'injected fault: task manager 0 throws', backend: 'hashmap' },
    // Its RocksDB databases die with the thread; the restarted attempt opens new ones from the checkpoint.
    { fault: 'worker-exit:3', how: 'exited with code 3', backend: 'rocksdb' },
  ])(
    '$fault ($backend): the job restarts from its latest checkpoint with exact output',
    async ({ fault, how, backend }) => {
      const reference = mkdtempSync(join(tmpdir(), 'weir-wfo-ref-'));
      const failed = mkdtempSync(join(tmpdir(), 'weir-wfo-'));
      for (const dir of [reference, failed]) {
        writeInputs(dir, 60_000, 2_000, 5);
        // crashScript sets no restarts; the later SETs of SETTINGS win.
        writeFileSync(
          join(dir, 'job.sql'),
          crashScript('100ms', `${SETTINGS} SET 'state.backend.type' = '${backend}';`),
        );
      }
      const ref = await runWeir(reference, ['run', 'job.sql']);
      expect(ref.code, ref.stderr).toBe(0);
      const r = await runWeir(failed, ['run', 'job.sql'], undefined, { WEIR_FAULT: fault });
      expect(r.code, r.stderr).toBe(0);
      // Both jobs' task manager 0 died once and each job restarted from a checkpoint (or the beginning).
      expect(r.stderr).toContain(how);
      expect(r.stderr).toMatch(/restarting \(attempt 1 of 3\) from checkpoint \d+/);
      expectSameCommittedOutput(failed, reference);
      // The dead thread's RocksDB folders go too, not only those of the threads that closed their tasks.
      if (backend === 'rocksdb') expect(leftovers(join(failed, '.weir/rocksdb'))).toEqual([]);
    },
    120_000,
  );
});
