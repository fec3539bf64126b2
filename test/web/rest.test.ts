// The REST API of `weir run --web` through real HTTP requests: every endpoint, Flink's shapes, and the errors.
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEIR_BIN } from '../e2e/crash-harness';
import { type WebRun, eventually, startWebRun, webScript } from './web-harness';

interface Res {
  status: number;
  headers: Headers;
  json: any;
}

async function http(url: string, init: RequestInit = {}): Promise<Res> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

/** Polls an operation's status until it completed. */
async function completed(url: string): Promise<Record<string, unknown>> {
  return eventually(`operation ${url}`, async () => {
    const r = await http(url);
    expect(r.status).toBe(200);
    return r.json.status.id === 'COMPLETED' ? (r.json.operation as Record<string, unknown>) : undefined;
  });
}

describe('REST API on the loopback address', () => {
  let run: WebRun;
  let base: string;
  let jobs: { jid: string; name: string; state: string }[];
  let job: string;

  beforeAll(async () => {
    run = await startWebRun(webScript('1s', 20000, 2));
    base = run.url;
    jobs = await eventually('two running jobs', async () => {
      const r = await http(`${base}jobs/overview`);
      return r.json.jobs.length === 2 ? r.json.jobs : undefined;
    });
    job = jobs[0]!.jid;
  });
  afterAll(async () => run?.kill());

  it('prints the dashboard URL once, on 127.0.0.1', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(run.stderr().match(/\[weir\] dashboard:/g)).toHaveLength(1);
  });

  it('GET /jobs/overview lists the jobs as Flink does', async () => {
    const r = await http(`${base}jobs/overview`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.json.jobs.map((j: { name: string }) => j.name)).toEqual(['clicks-1', 'clicks-2']);
    const j = r.json.jobs[0];
    expect(j).toMatchObject({ state: 'RUNNING', 'end-time': -1, tasks: { total: 2, running: 2, failed: 0 } });
    expect(j['start-time']).toBeLessThanOrEqual(Date.now());
    expect(j.duration).toBeGreaterThan(0);
    const list = await http(`${base}jobs`);
    expect(list.json.jobs).toEqual(jobs.map((x) => ({ id: x.jid, status: 'RUNNING' })));
  });

  it('GET /jobs/:jobid has the vertices (operator chains) with their records and the plan', async () => {
    const r = await eventually('records read', async () => {
      const r = await http(`${base}jobs/${job}`);
      return r.json.vertices[1].metrics['read-records'] > 0 ? r : undefined;
    });
    expect(r.json).toMatchObject({ jid: job, name: 'clicks-1', state: 'RUNNING', 'job-type': 'STREAMING' });
    const [source, agg] = r.json.vertices;
    expect(source.name).toBe('Source(table=[clicks], connector=[datagen]) -> Calc(select=[user_id])');
    expect(agg.name).toMatch(/^GroupAggregate\(groupBy=\[user_id\].* -> Sink\(table=\[counts\]/);
    expect(source.metrics['write-records']).toBeGreaterThan(0);
    expect(source.metrics['accumulated-busy-time']).toBeGreaterThan(0);
    expect(r.json.plan.nodes.map((n: { id: string }) => n.id)).toEqual([source.id, agg.id]);
    expect(r.json.plan.nodes[1].inputs).toEqual([
      { num: 0, id: source.id, ship_strategy: 'HASH', exchange: 'pipelined_bounded' },
    ]);
  });

  it('GET /jobs/:jobid/checkpoints has counts, summary, latest and history (newest first)', async () => {
    const r = await eventually('a completed checkpoint', async () => {
      const r = await http(`${base}jobs/${job}/checkpoints`);
      return r.json.counts.completed >= 2 ? r : undefined;
    });
    expect(r.json.counts.failed).toBe(0);
    const [newest, older] = r.json.history;
    expect(newest.id).toBeGreaterThan(older.id);
    expect(r.json.latest.completed).toMatchObject({ className: 'completed', is_savepoint: false });
    expect(r.json.latest.completed.external_path).toContain(join(run.dir, 'checkpoints'));
    expect(r.json.summary.checkpointed_size.max).toBeGreaterThan(0);
  });

  it('POST /jobs/:jobid/checkpoints triggers one; its trigger id tells the checkpoint id', async () => {
    const before = (await http(`${base}jobs/${job}/checkpoints`)).json.counts.total;
    const r = await http(`${base}jobs/${job}/checkpoints`, { method: 'POST' });
    expect(r.status).toBe(202);
    expect(r.json['request-id']).toMatch(/^[0-9a-f]{32}$/);
    const op = await completed(`${base}jobs/${job}/checkpoints/${r.json['request-id']}`);
    expect(op.checkpointId).toBeGreaterThan(before - 1);
    const history = (await http(`${base}jobs/${job}/checkpoints`)).json.history;
    expect(
      history.some(
        (c: { id: number; status: string }) => c.id === op.checkpointId && c.status === 'COMPLETED',
      ),
    ).toBe(true);
  });

  it('POST /jobs/:jobid/savepoints writes a savepoint into target-directory', async () => {
    const r = await http(`${base}jobs/${job}/savepoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ 'target-directory': 'rest-savepoints', 'cancel-job': false }),
    });
    expect(r.status).toBe(202);
    const op = await completed(`${base}jobs/${job}/savepoints/${r.json['request-id']}`);
    expect(String(op.location)).toContain(join(run.dir, 'rest-savepoints'));
    expect(existsSync(join(String(op.location), '_metadata'))).toBe(true);
    const stats = (await http(`${base}jobs/${job}/checkpoints`)).json;
    expect(stats.latest.savepoint).toMatchObject({ is_savepoint: true, checkpoint_type: 'SAVEPOINT' });
    expect((await http(`${base}jobs/${job}`)).json.state).toBe('RUNNING');
  });

  it('GET /jobs/:jobid/figures gives the dashboard the plan, operators and tasks', async () => {
    const r = await eventually('task rates', async () => {
      const r = await http(`${base}jobs/${job}/figures`);
      return r.json.tasks[0].numRecordsInPerSecond > 0 ? r : undefined;
    });
    expect(r.json.plan.jobGraph.operators.length).toBeGreaterThan(2);
    const t = r.json.tasks[0];
    expect(t.busyTimeMsPerSecond + t.backPressuredTimeMsPerSecond + t.idleTimeMsPerSecond).toBeGreaterThan(
      500,
    );
    const agg = r.json.operators.find((o: { uid: string }) => o.uid.startsWith('groupAggregate'));
    expect(agg.stateBytes).toBeGreaterThan(0);
  });

  it('GET /metrics is Prometheus text with Flink names and labels', async () => {
    const res = await fetch(`${base}metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'flink_jobmanager_job_numRestarts',
      'flink_jobmanager_job_lastCheckpointDuration',
      'flink_jobmanager_job_lastCheckpointSize',
      'flink_jobmanager_job_numberOfCompletedCheckpoints',
      'flink_jobmanager_job_numberOfFailedCheckpoints',
      'flink_taskmanager_job_task_numRecordsIn',
      'flink_taskmanager_job_task_busyTimeMsPerSecond',
      'flink_taskmanager_job_task_backPressuredTimeMsPerSecond',
      'flink_taskmanager_job_task_operator_numRecordsIn',
      'flink_taskmanager_job_task_operator_numRecordsOut',
      'flink_taskmanager_job_task_operator_numRecordsInPerSecond',
      'flink_taskmanager_job_task_operator_currentInputWatermark',
      'flink_taskmanager_job_task_operator_stateSize',
    ])
      expect(text).toContain(`# TYPE ${name} gauge`);
    expect(text).toMatch(
      new RegExp(
        `flink_taskmanager_job_task_operator_numRecordsIn\\{job_id="${job}",job_name="clicks-1",task_id="source-[^"]+",task_name="[^"]+",subtask_index="0",operator_id="source-[^"]+",operator_name="Source\\(table=\\[clicks\\], connector=\\[datagen\\]\\)"\\} [1-9]`,
      ),
    );
  });

  it('answers errors as JSON with Flink-like status codes', async () => {
    const notFound = await http(`${base}jobs/0123456789abcdef0123456789abcdef`);
    expect(notFound.status).toBe(404);
    expect(notFound.json).toEqual({ errors: ['Job 0123456789abcdef0123456789abcdef not found'] });
    expect((await http(`${base}jobs/nope/checkpoints`, { method: 'POST' })).status).toBe(404);
    expect((await http(`${base}jobs/${job}/savepoints/ffff`)).status).toBe(404);
    expect((await http(`${base}nothing/here.json`)).status).toBe(404);

    const wrongMethod = await http(`${base}jobs/${job}`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, PATCH');
    expect(wrongMethod.json.errors[0]).toMatch(/DELETE is not allowed/);
    expect((await http(`${base}jobs/${job}/stop`, { method: 'GET' })).status).toBe(405);
    expect((await http(`${base}jobs/overview`, { method: 'POST' })).status).toBe(405);
    expect((await http(`${base}metrics`, { method: 'POST' })).status).toBe(405);

    const post = (path: string, body: string) => http(`${base}jobs/${job}/${path}`, { method: 'POST', body });
    const badJson = await post('savepoints', '{"target-directory": ');
    expect(badJson.status).toBe(400);
    expect(badJson.json.errors[0]).toMatch(/^Request body is not valid JSON/);
    const unknown = await post('savepoints', '{"target": "x"}');
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0]).toBe(
      "Request did not match expected format SavepointTriggerRequestBody: unknown field 'target'; expected target-directory, cancel-job, triggerId, formatType",
    );
    expect((await post('savepoints', '{"cancel-job": "yes"}')).json.errors[0]).toMatch(
      /'cancel-job' must be a boolean/,
    );
    expect((await post('savepoints', '[1]')).status).toBe(400);
    expect((await post('stop', '{"drain": true}')).status).toBe(400);
    expect((await post('checkpoints', '{"checkpointType": "HALF"}')).status).toBe(400);
    expect((await http(`${base}jobs/${job}?mode=stop`, { method: 'PATCH' })).status).toBe(400);
    // Nothing of this changed the job.
    expect((await http(`${base}jobs/${job}`)).json.state).toBe('RUNNING');
  });

  it('refuses changes from other origins and names other than loopback; sends no CORS headers', async () => {
    const evil = await http(`${base}jobs/${job}/checkpoints`, {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
    });
    expect(evil.status).toBe(403);
    // fetch() may not set Host: a DNS name pointed at 127.0.0.1 (DNS rebinding) looks like this.
    const rebound = await new Promise<number>((resolve, reject) =>
      request(`${base}jobs/overview`, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .on('error', reject)
        .end(),
    );
    expect(rebound).toBe(403);
    const ok = await fetch(`${base}jobs/overview`, { headers: { origin: 'http://evil.example' } });
    const names: string[] = [];
    ok.headers.forEach((_v, k) => names.push(k));
    expect(names.filter((k) => k.startsWith('access-control'))).toEqual([]);
  });

  it('PATCH /jobs/:jobid cancels a job; POST /jobs/:jobid/stop stops the other with a savepoint', async () => {
    const other = jobs[1]!.jid;
    const cancel = await http(`${base}jobs/${other}?mode=cancel`, { method: 'PATCH' });
    expect(cancel.status).toBe(202);
    expect(cancel.json).toEqual({});
    await eventually('the job canceled', async () => {
      const r = await http(`${base}jobs/${other}`);
      return r.json.state === 'CANCELED' && r.json['end-time'] > 0 ? true : undefined;
    });
    const stop = await http(`${base}jobs/${job}/stop`, {
      method: 'POST',
      body: JSON.stringify({ targetDirectory: 'final' }),
    });
    expect(stop.status).toBe(202);
    const op = await completed(`${base}jobs/${job}/savepoints/${stop.json['request-id']}`);
    expect(String(op.location)).toContain(join(run.dir, 'final'));
    // Both jobs ended: the script ends, and so does the process (the server with it).
    expect(await run.exited).toBe(0);
    const inspect = spawnSync(process.execPath, [WEIR_BIN, 'savepoint', 'inspect', String(op.location)], {
      encoding: 'utf8',
    });
    expect(inspect.status).toBe(0);
  });
});

describe('REST API on another address', () => {
  it('refuses to start without a token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-web-'));
    writeFileSync(join(dir, 'clicks.sql'), webScript());
    const r = spawnSync(
      process.execPath,
      [WEIR_BIN, 'run', '--web', '--port', '0', '-D', 'rest.address=0.0.0.0', 'clicks.sql'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, WEIR_REST_TOKEN: '' } },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      "weir run: rest.address '0.0.0.0' is not a loopback address: set a token with -D rest.token=… or WEIR_REST_TOKEN",
    );
  });

  it('answers 401 without the token, and serves with it (header, ?token= then its cookie)', async () => {
    const run = await startWebRun(webScript(), ['-D', 'rest.address=0.0.0.0'], { WEIR_REST_TOKEN: 's3cret' });
    try {
      expect(run.stderr()).toContain('(open it with ?token=<rest.token>)');
      expect(run.stderr()).not.toContain('s3cret');
      const none = await http(`${run.url}jobs/overview`);
      expect(none.status).toBe(401);
      expect(none.json.errors[0]).toMatch(/token is required/);
      expect((await http(`${run.url}metrics`)).status).toBe(401);
      expect((await http(`${run.url}`)).status).toBe(401);
      const wrong = await http(`${run.url}jobs/overview`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      const jobs = await http(`${run.url}jobs/overview`, { headers: { authorization: 'Bearer s3cret' } });
      expect(jobs.status).toBe(200);
      const viaQuery = await fetch(`${run.url}jobs/overview?token=s3cret`);
      expect(viaQuery.status).toBe(200);
      const cookie = viaQuery.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^weir_token=s3cret; HttpOnly; SameSite=Strict; Path=\//);
      const viaCookie = await http(`${run.url}jobs/overview`, { headers: { cookie: cookie.split(';')[0]! } });
      expect(viaCookie.status).toBe(200);
      const id = jobs.json.jobs[0].jid;
      const trigger = await http(`${run.url}jobs/${id}/checkpoints`, { method: 'POST' });
      expect(trigger.status).toBe(401);
    } finally {
      await run.kill();
    }
  });
});

describe('weir sql --web', () => {
  it('serves the jobs the shell starts, on the port -D rest.port names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-web-'));
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const proc = spawn(process.execPath, [WEIR_BIN, 'sql', '--web', '-D', `rest.port=${port}`], {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout.resume();
    const exited = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    try {
      await eventually('the URL', async () => (err.includes('[weir] dashboard:') ? true : undefined));
      expect(err).toContain(`[weir] dashboard: http://127.0.0.1:${port}/`);
      proc.stdin.write(`${webScript('1s', 1000)}\n`);
      const jobs = await eventually('the shell job', async () => {
        const r = await http(`http://127.0.0.1:${port}/jobs/overview`);
        return r.json.jobs.length === 1 ? r.json.jobs : undefined;
      });
      expect(jobs[0]).toMatchObject({ name: 'sql-1', state: 'RUNNING' });
      proc.stdin.write('quit;\n');
      expect(await exited).toBe(0);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  });
});

describe('metrics of subtasks on task manager threads', () => {
  it('labels each subtask of a job at parallelism 2 with its counters and time', async () => {
    const run = await startWebRun(webScript('1s', 5000), ['--parallelism', '2']);
    try {
      const text = await eventually('both subtasks reported', async () => {
        const t = await (await fetch(`${run.url}metrics`)).text();
        const busy = [
          ...t.matchAll(
            /^flink_taskmanager_job_task_accumulatedBusyTime\{[^}]*subtask_index="(\d)"\} (\S+)$/gm,
          ),
        ];
        return busy.length === 4 && busy.every((m) => Number(m[2]) > 0) ? t : undefined;
      });
      const ins = [
        ...text.matchAll(
          /^flink_taskmanager_job_task_numRecordsIn\{[^}]*task_name="GroupAggregate[^"]*",subtask_index="(\d)"\} (\d+)$/gm,
        ),
      ];
      expect(ins.map((m) => m[1]).sort()).toEqual(['0', '1']);
      for (const m of ins) expect(Number(m[2])).toBeGreaterThan(0);
    } finally {
      await run.kill();
    }
  });
});
