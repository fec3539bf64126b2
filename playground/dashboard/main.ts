// The dashboard of `weir run --web`: the session's jobs from the REST API, drawn with the playground's panels.
import '../src/styles.css';
import './dashboard.css';
import type { CheckpointStats } from '../../runtime/checkpoint/coordinator';
import { CheckpointsPanel } from '../src/panels/checkpoints-panel';
import { esc } from '../src/panels/dom';
import { type PlanJson, PlanPanel } from '../src/panels/plan-panel';
import type { JobFigures } from '../src/worker/protocol';
import { CheckpointChart } from './checkpoint-chart';
import { type TaskFigures, TasksPanel } from './tasks-panel';

/** GET /jobs/:jobid/figures. */
interface Figures {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly mode: string;
  readonly restarts: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly at: number;
  readonly elapsedMs: number;
  readonly plan: PlanJson;
  readonly operators: readonly {
    uid: string;
    recordsIn: number;
    recordsOut: number;
    watermark: number | null;
    stateBytes?: number;
  }[];
  readonly tasks: readonly TaskFigures[];
  readonly checkpoints: readonly CheckpointStats[];
  readonly barrier?: JobFigures['barrier'];
}

interface Overview {
  readonly jobs: readonly { jid: string; name: string; state: string }[];
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const plan = new PlanPanel($('plan'));
const tasks = new TasksPanel($('tasks'));
const chart = new CheckpointChart($('chart'));
const checkpoints = new CheckpointsPanel($('checkpoints'));
const jobsSelect = $<HTMLSelectElement>('jobs');
const status = $('status');
let shownPlan = '';

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as { errors?: string[] };
  if (!res.ok) throw new Error(json.errors?.join('; ') ?? `${res.status}`);
  return json;
}

function selected(): string | undefined {
  return jobsSelect.value || undefined;
}

async function refreshJobs(): Promise<void> {
  const { jobs } = (await call('GET', '/jobs/overview')) as Overview;
  const current = selected();
  const options = jobs
    .map((j) => `<option value="${esc(j.jid)}">${esc(j.name)} (${esc(j.state)})</option>`)
    .join('');
  if (jobsSelect.innerHTML !== options) {
    jobsSelect.innerHTML = options;
    const running = jobs.find((j) => j.state === 'RUNNING');
    jobsSelect.value =
      current && jobs.some((j) => j.jid === current) ? current : ((running ?? jobs[0])?.jid ?? '');
  }
}

async function refreshJob(): Promise<void> {
  const id = selected();
  if (!id) {
    $('summary').textContent = 'No jobs yet.';
    return;
  }
  const f = (await call('GET', `/jobs/${encodeURIComponent(id)}/figures`)) as Figures;
  if (shownPlan !== f.id) {
    plan.setPlan(f.plan);
    shownPlan = f.id;
  }
  const figures: JobFigures = {
    name: f.name,
    id: f.id,
    status: f.status,
    mode: f.mode,
    restarts: f.restarts,
    recordsIn: f.recordsIn,
    recordsOut: f.recordsOut,
    operators: f.operators.map((o) => ({ ...o, stateEntries: 0 })),
    checkpoints: f.checkpoints,
    ...(f.barrier ? { barrier: f.barrier } : {}),
    exactness: { checks: 0, exact: 0, pending: false },
    at: f.at,
    elapsedMs: f.elapsedMs,
  };
  $('summary').textContent =
    `${f.status} · ${f.recordsIn.toLocaleString('en-US')} records in · ${f.recordsOut.toLocaleString('en-US')} out · ` +
    `${f.restarts} restarts · ${Math.round(f.elapsedMs / 1000)} s`;
  plan.render(figures);
  tasks.render(f.tasks);
  chart.render(f.checkpoints);
  checkpoints.render(figures, []);
}

async function refresh(): Promise<void> {
  try {
    await refreshJobs();
    await refreshJob();
    status.textContent = '';
  } catch (e) {
    status.textContent = `⚠ ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Starts an operation and follows its trigger id until it completes; the result goes to the operations list. */
async function operation(label: string, path: string, body: unknown, statusPath: string): Promise<void> {
  const id = selected();
  if (!id) return;
  const li = document.createElement('li');
  li.textContent = `${label}: started`;
  $('operations').prepend(li);
  try {
    const { 'request-id': trigger } = (await call(
      'POST',
      `/jobs/${encodeURIComponent(id)}${path}`,
      body,
    )) as {
      'request-id': string;
    };
    for (;;) {
      const s = (await call('GET', `/jobs/${encodeURIComponent(id)}${statusPath}/${trigger}`)) as {
        status: { id: string };
        operation?: {
          location?: string;
          checkpointId?: number;
          'failure-cause'?: { 'serialized-throwable': string };
        };
      };
      if (s.status.id === 'COMPLETED') {
        const op = s.operation ?? {};
        if (op['failure-cause']) throw new Error(op['failure-cause']['serialized-throwable']);
        li.textContent = `${label}: ${op.location ?? `checkpoint ${op.checkpointId}`}`;
        li.dataset.location = op.location ?? '';
        li.className = 'completed';
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    li.textContent = `${label} failed: ${e instanceof Error ? e.message : String(e)}`;
    li.className = 'failed';
  }
  void refresh();
}

const target = () => $<HTMLInputElement>('target').value.trim() || undefined;
$('checkpoint').addEventListener(
  'click',
  () => void operation('checkpoint', '/checkpoints', {}, '/checkpoints'),
);
$('savepoint').addEventListener(
  'click',
  () =>
    void operation(
      'savepoint',
      '/savepoints',
      target() ? { 'target-directory': target() } : {},
      '/savepoints',
    ),
);
$('stop').addEventListener(
  'click',
  () =>
    void operation(
      'stop with savepoint',
      '/stop',
      target() ? { targetDirectory: target() } : {},
      '/savepoints',
    ),
);
jobsSelect.addEventListener('change', () => void refresh());

void refresh();
setInterval(() => void refresh(), 1000);
