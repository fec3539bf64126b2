// A real Prometheus server (Debian's package) scrapes `weir run --web`'s /metrics; its query API sees weir's counters.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { type WebRun, eventually, startWebRun, webScript } from './web-harness';

const PROMETHEUS = 'prometheus';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts Prometheus scraping `target` every second; throws saying why when it cannot start (never skips). */
async function startPrometheus(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const version = spawnSync(PROMETHEUS, ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0)
    throw new Error(
      `cannot run '${PROMETHEUS}' (${version.error?.message ?? version.stderr}): this test needs Debian's prometheus package (apt-get install prometheus; .ci/run installs it)`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'weir-prometheus-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: weir\n    scrape_interval: 1s\n    metrics_path: /metrics\n    static_configs:\n      - targets: ['${target}']\n`,
  );
  const port = await freePort();
  const proc: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(
      'prometheus to be ready',
      async () => {
        if (proc.exitCode !== null) throw new Error(`prometheus exited (${proc.exitCode}):\n${log}`);
        return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
      },
      30_000,
    );
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`prometheus did not start: ${e instanceof Error ? e.message : String(e)}\n${log}`);
  }
  return {
    url,
    close: async () => {
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One instant query's single value through Prometheus's HTTP API. */
async function query(prom: string, q: string): Promise<number | undefined> {
  const res = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as {
    status: string;
    data: { result: { value: [number, string] }[] };
  };
  expect(body.status).toBe('success');
  const v = body.data.result[0]?.value[1];
  return v === undefined ? undefined : Number(v);
}

let weir: WebRun | undefined;
let prometheus: { url: string; close(): Promise<void> } | undefined;
afterAll(async () => {
  await prometheus?.close();
  await weir?.kill();
});

it('Prometheus scrapes weir: records in grow, checkpoints complete', async () => {
  weir = await startWebRun(webScript('1s', 5000));
  const target = new URL(weir.url).host;
  prometheus = await startPrometheus(target);
  const p = prometheus.url;

  await eventually('the target up', async () =>
    (await query(p, 'up{job="weir"}')) === 1 ? true : undefined,
  );
  const series =
    'flink_taskmanager_job_task_operator_numRecordsIn{job="weir",job_name="clicks-1",operator_name=~"Source.*"}';
  const recordsIn = `sum(${series})`;
  const first = await eventually('records in scraped', async () => {
    const v = await query(p, recordsIn);
    return v !== undefined && v > 0 ? v : undefined;
  });
  const later = await eventually('records in increasing', async () => {
    const v = await query(p, recordsIn);
    return v !== undefined && v > first ? v : undefined;
  });
  expect(later).toBeGreaterThan(first);
  // Prometheus's own view of the rate agrees that records flow.
  await eventually('a positive rate', async () => {
    const v = await query(p, `sum(rate(${series}[5s]))`);
    return v !== undefined && v > 0 ? v : undefined;
  });
  const checkpoints = await eventually('completed checkpoints', async () => {
    const v = await query(p, 'flink_jobmanager_job_numberOfCompletedCheckpoints{job_name="clicks-1"}');
    return v !== undefined && v >= 2 ? v : undefined;
  });
  // The same count the REST API reports (it may have grown since the last scrape).
  const ov = (await (await fetch(`${weir.url}jobs/overview`)).json()) as { jobs: { jid: string }[] };
  const stats = (await (await fetch(`${weir.url}jobs/${ov.jobs[0]!.jid}/checkpoints`)).json()) as {
    counts: { completed: number };
  };
  expect(stats.counts.completed).toBeGreaterThanOrEqual(checkpoints);
  expect(await query(p, 'flink_jobmanager_job_numberOfFailedCheckpoints{job_name="clicks-1"}')).toBe(0);
  expect(
    await query(p, 'max(flink_taskmanager_job_task_busyTimeMsPerSecond{job_name="clicks-1"})'),
  ).toBeGreaterThanOrEqual(0);
}, 120_000);
