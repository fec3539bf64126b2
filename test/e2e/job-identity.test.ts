// Exactly-once in everyday operation, with real `weir` processes: reruns, the shell and `weir run` resuming each
// other, fallback past committed output, Ctrl-C, and retention across kill/resume cycles.
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedRows, crashScript, expectSameCommittedOutput, runWeir, writeInputs } from './crash-harness';
import { RETENTION_CASES, retentionCycles, workdir } from './retention-cycles';
import { completedCheckpoints, fingerprint, runsOf, startWeir, waitFor } from './weir-process';

const SEED = 5;

/** A failure-free run of the crash script: the reference output. */
async function reference(settings = '', orders = 30_000): Promise<string> {
  const dir = workdir('ref', settings, orders);
  const r = await runWeir(dir, ['run', 'job.sql']);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

/** A paced job (datagen at 4,000 rows/s, 16,000 rows) that runs long enough to be interrupted. */
const PACED = (extra = '', sink = '') => `
SET 'execution.checkpointing.interval' = '200ms';
${extra}
CREATE TABLE src (k INT, v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '4000',
  'number-of-rows' = '16000', 'fields.k.min' = '1', 'fields.k.max' = '40',
  'fields.v.kind' = 'sequence', 'fields.v.start' = '1', 'fields.v.end' = '16000');
CREATE TABLE dst (k INT, n BIGINT, s BIGINT) WITH ('connector' = 'filesystem', 'path' = 'out/dst', 'format' = 'changelog-json'${sink});
INSERT INTO dst SELECT k, COUNT(*), SUM(v) FROM src GROUP BY k;
`;

describe('job ids: reruns and resumes across runs', () => {
  it('a fresh rerun writes into a run folder of its own; latest resumes the newest run and says which', async () => {
    const ref = await reference();
    const dir = workdir('rerun');
    const first = await runWeir(dir, ['run', 'job.sql']);
    expect(first.code, first.stderr).toBe(0);
    expectSameCommittedOutput(dir, ref, 'of the first run');
    const firstRuns = runsOf(dir, 'job-1');
    expect(firstRuns).toHaveLength(1);
    const before = fingerprint(join(dir, '.weir/checkpoints'));

    // The same script again, fresh, into other output folders; killed right after its third checkpoint.
    writeFileSync(join(dir, 'job.sql'), crashScript('100ms').replaceAll("'out/", "'out2/"));
    const second = await runWeir(dir, ['run', 'job.sql'], undefined, { WEIR_FAULT: 'metadata-written:3' });
    expect(second.signal).toBe('SIGKILL');
    const secondRun = runsOf(dir, 'job-1').find((r) => !firstRuns.includes(r));
    expect(secondRun, 'the second run has a folder of its own').toBeDefined();
    // Nothing of the first run's checkpoints was written, overwritten or deleted.
    const after = fingerprint(join(dir, '.weir/checkpoints'));
    for (const [file, sum] of before) expect(after.get(file), file).toBe(sum);

    const resumed = await runWeir(dir, ['run', 'job.sql', '--from-checkpoint', 'latest']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(
      new RegExp(`job 'job-1' resumes from checkpoint \\d+ of job 'job-1' \\(run ${secondRun}\\)`),
    );
    for (const sink of ['totals', 'enriched'])
      expect(committedRows(join(dir, 'out2', sink)), sink).toEqual(committedRows(join(ref, 'out', sink)));
    expectSameCommittedOutput(dir, ref, 'of the first run, after the second');
  }, 180_000);

  it("a job started in the shell and killed resumes with 'weir run FILE --from-checkpoint latest'", async () => {
    const ref = await reference();
    const dir = workdir('shell');
    const sql = startWeir(dir, ['sql', 'job.sql'], {
      stdin: 'pipe',
      env: { WEIR_FAULT: 'metadata-written:3' },
    });
    const killed = await sql.exited;
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    // Killed right after the third _metadata: retention (num-retained 1) may have subsumed earlier ones.
    expect(
      completedCheckpoints(dir, 'job-1').length + completedCheckpoints(dir, 'job-2').length,
    ).toBeGreaterThan(0);
    const resumed = await runWeir(dir, ['run', 'job.sql', '--from-checkpoint', 'latest']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/job 'job-1' resumes from checkpoint \d+ of job 'job-1'/);
    expectSameCommittedOutput(dir, ref, 'after the shell was killed and weir run resumed');
  }, 180_000);
});

describe('fallback past committed output', () => {
  /** Kills the crash script right after its fourth completed checkpoint, then corrupts job-1's newest. */
  async function killedWithCorruptNewest(): Promise<{ dir: string; newest: string }> {
    const dir = workdir('fallback', "SET 'state.checkpoints.num-retained' = '3';");
    const r = await runWeir(dir, ['run', 'job.sql'], undefined, { WEIR_FAULT: 'metadata-written:4' });
    expect(r.signal, r.stderr).toBe('SIGKILL');
    const done = completedCheckpoints(dir, 'job-1');
    expect(done.length, 'job-1 checkpoints').toBeGreaterThanOrEqual(2);
    const newest = join(dir, '.weir/checkpoints/job-1', done[0]!);
    const state = readdirSync(newest).find((n) => n !== '_metadata')!;
    const raw = readFileSync(join(newest, state));
    raw[Math.floor(raw.length / 2)]! ^= 0xff;
    writeFileSync(join(newest, state), raw);
    return { dir, newest };
  }

  it('refuses by default, naming the checkpoints, the sinks and the ways on; nothing is written', async () => {
    const { dir, newest } = await killedWithCorruptNewest();
    const out = fingerprint(join(dir, 'out'));
    const r = await runWeir(dir, ['run', 'job.sql', '--from-checkpoint', 'latest']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot resume job 'job-1' without repeating committed output");
    expect(r.stderr).toContain(newest);
    expect(r.stderr).toMatch(/The newest usable one is checkpoint \d+ of job 'job-1'/);
    expect(r.stderr).toContain('totals (filesystem)');
    expect(r.stderr).toContain('weir.state-recovery.accept-replayed-output=true');
    expect(fingerprint(join(dir, 'out'))).toEqual(out);
  }, 120_000);

  it('proceeds, saying so, when asked to accept replayed output', async () => {
    const { dir } = await killedWithCorruptNewest();
    const r = await runWeir(dir, [
      'run',
      'job.sql',
      '--from-checkpoint',
      'latest',
      '-D',
      'weir.state-recovery.accept-replayed-output=true',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/is written again into totals \(filesystem\)/);
  }, 120_000);

  it('proceeds, saying so, when every sink is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-idem-'));
    writeInputs(dir, 30_000, 1_000, SEED);
    const script = crashScript('100ms')
      .replace(
        /WITH \('connector' = 'filesystem', 'path' = 'out\/totals', 'format' = 'changelog-json'\)/,
        "WITH ('connector' = 'blackhole')",
      )
      .replace(
        /WITH \('connector' = 'filesystem', 'path' = 'out\/enriched', 'format' = 'changelog-json'\)/,
        "WITH ('connector' = 'blackhole')",
      );
    writeFileSync(join(dir, 'job.sql'), `SET 'state.checkpoints.num-retained' = '3';\n${script}`);
    const r = await runWeir(dir, ['run', 'job.sql'], undefined, { WEIR_FAULT: 'metadata-written:4' });
    expect(r.signal).toBe('SIGKILL');
    const done = completedCheckpoints(dir, 'job-1');
    const newest = join(dir, '.weir/checkpoints/job-1', done[0]!);
    writeFileSync(join(newest, '_metadata'), '{ damaged');
    const resumed = await runWeir(dir, ['run', 'job.sql', '--from-checkpoint', 'latest']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/every sink is idempotent \(totals: blackhole\)/);
  }, 120_000);
});

describe('graceful stop', () => {
  it('Ctrl-C stops with a final checkpoint and prints the resume command; the resume ends exact', async () => {
    const ref = mkdtempSync(join(tmpdir(), 'weir-paced-ref-'));
    writeFileSync(join(ref, 'job.sql'), PACED());
    const full = await runWeir(ref, ['run', 'job.sql']);
    expect(full.code, full.stderr).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 'weir-ctrlc-'));
    copyFileSync(join(ref, 'job.sql'), join(dir, 'job.sql'));
    const p = startWeir(dir, ['run', 'job.sql']);
    await waitFor(() => completedCheckpoints(dir, 'job-1').length > 0, 'a first checkpoint');
    p.child.kill('SIGINT');
    const r = await p.exited;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('SIGINT: stopping 1 job with a final checkpoint');
    expect(r.stderr).toMatch(/job 'job-1' \(job id [0-9a-f]{32}\) stopped at checkpoint \d+ \(/);
    expect(r.stderr).toContain('resume with: weir run job.sql --from-checkpoint latest');
    const interrupted = committedRows(join(dir, 'out/dst'));
    expect(interrupted.size, 'output committed by the final checkpoint').toBeGreaterThan(0);

    const resumed = await runWeir(dir, ['run', 'job.sql', '--from-checkpoint', 'latest']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(committedRows(join(dir, 'out/dst'))).toEqual(committedRows(join(ref, 'out/dst')));
  }, 120_000);

  it('SIGTERM does the same; a second signal aborts at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-term-'));
    // A slow sink (backpressure): the final checkpoint's barrier waits behind queued rows, so the stop takes a
    // while and the second signal comes during it.
    writeFileSync(join(dir, 'job.sql'), PACED('', ", 'sink.rows-per-second' = '200'"));
    const p = startWeir(dir, ['run', 'job.sql']);
    await waitFor(() => completedCheckpoints(dir, 'job-1').length > 0, 'a first checkpoint');
    p.child.kill('SIGTERM');
    // Signals that arrive together count once: the second comes after the first was taken.
    await waitFor(() => p.stderr().includes('SIGTERM: stopping'), 'the first SIGTERM taken');
    p.child.kill('SIGTERM');
    const r = await p.exited;
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toContain('SIGTERM again: aborting at once');
  }, 120_000);
});

describe('retention across kill/resume cycles (num-retained 1)', () => {
  it.each(RETENTION_CASES)(
    'at most 2 checkpoints per job at any time, none left over, no orphan shared file ($label)',
    ({ settings }) => retentionCycles(settings, 3),
    300_000,
  );
});
