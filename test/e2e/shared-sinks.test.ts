// Filesystem sinks sharing a folder (issue 19), short versions for npm test: two INSERTs into one folder, a kill
// and resume, a rerun next to an earlier run's files, a savepoint restored into a job writing to another folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Shell } from '../support/shell';
import { runWeir } from './crash-harness';
import {
  IDS,
  committedFiles,
  expectIds,
  hiddenFiles,
  idCounts,
  prepareTwoInserts,
  slowIdsScript,
  twoInsertsKilledAndResumed,
  twoInsertsRuns,
} from './shared-sinks';

const root = mkdtempSync(join(tmpdir(), 'weir-shared-sinks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('filesystem sinks that share a folder', () => {
  it('two INSERTs into one folder: every row exactly once, run after run', async () => {
    await twoInsertsRuns(join(root, 'runs'), 2);
  }, 120_000);

  it('two INSERTs into one folder, SIGKILLed at a checkpoint or commit and resumed from the latest checkpoint: every row once', async () => {
    const kills = await twoInsertsKilledAndResumed(join(root, 'kills'), 2);
    expect(kills, 'runs killed at their fault point').toBeGreaterThan(0);
  }, 120_000);

  it("a fresh rerun of the script into the same folder keeps the first run's committed files as they were", async () => {
    const dir = join(root, 'rerun');
    prepareTwoInserts(dir);
    const first = await runWeir(dir, ['run', 'job.sql']);
    expect(first.code, first.stderr).toBe(0);
    const before = committedFiles(join(dir, 'out'));
    expect(before.size).toBeGreaterThan(0);
    const second = await runWeir(dir, ['run', 'job.sql']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('already holds');
    const after = committedFiles(join(dir, 'out'));
    for (const [name, text] of before) expect(after.get(name), `${name} after the rerun`).toBe(text);
    expect(after.size).toBeGreaterThan(before.size);
    expectIds(join(dir, 'out'), 1, IDS, 2, 'after two runs');
  }, 60_000);
});

describe('a savepoint restored into a job whose filesystem sink writes to another folder', () => {
  it("commits the old folder's pending files there (or skips them with a notice once that folder is gone); the new folder gets exactly the rows after the savepoint", async () => {
    const dir = join(root, 'elsewhere');
    const rows = 3000;
    prepareTwoInserts(dir, '');
    // Savepoint mid-stream (nothing committed before it: no periodic checkpoints), then the process dies.
    const shell = new Shell(dir);
    let savepoint: string;
    try {
      shell.send(slowIdsScript('out-v1', rows, 3000));
      await shell.waitFor(/Job '[^']+' started/);
      await new Promise((r) => setTimeout(r, 300));
      shell.send(`SAVEPOINT TO 'savepoints';`);
      savepoint = (await shell.waitFor(/Savepoint of job '[^']+' completed: (\S+) \(/))[1]!;
    } finally {
      shell.kill();
    }
    await shell.exit;
    const old = join(dir, 'out-v1');
    expect(committedFiles(old).size, 'nothing committed in the old folder before the restore').toBe(0);
    expect(hiddenFiles(old).some((n) => n.startsWith('.pending-'))).toBe(true);

    const restore = async (out: string) => {
      writeFileSync(join(dir, `${out}.sql`), slowIdsScript(out, rows, 100_000));
      const r = await runWeir(dir, ['run', `${out}.sql`, '--from-savepoint', savepoint]);
      expect(r.code, r.stderr).toBe(0);
      return r.stderr;
    };
    const first = await restore('out-v2');
    expect(first).toMatch(
      /pending file\(s\) of '\S+out-v1', which is not this sink's folder '\S+out-v2': 1 committed there now/,
    );
    // The old folder holds the rows before the savepoint, the new one exactly those after it.
    const before = idCounts(old);
    const savedAt = before.size;
    expect(savedAt).toBeGreaterThan(0);
    expect(savedAt).toBeLessThan(rows);
    expectIds(old, 1, savedAt, 1, 'the old folder');
    expectIds(join(dir, 'out-v2'), savedAt + 1, rows, 1, 'the new folder');
    // Again into a third folder: the old files were committed before; nothing changes there.
    const second = await restore('out-v3');
    expect(second).toContain('0 committed there now, 1 committed before');
    expectIds(old, 1, savedAt, 1, 'the old folder after a second restore');
    expectIds(join(dir, 'out-v3'), savedAt + 1, rows, 1, 'the third folder');
    // The old folder deleted: its pending file is skipped with a notice, the restore goes on.
    rmSync(old, { recursive: true });
    const third = await restore('out-v4');
    expect(third).toMatch(/skipped 1 that can no longer be committed/);
    expectIds(join(dir, 'out-v4'), savedAt + 1, rows, 1, 'the fourth folder');
  }, 90_000);
});
