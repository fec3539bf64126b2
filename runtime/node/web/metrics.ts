// GET /metrics: the jobs' metrics in Prometheus's text format, named and labelled as Flink's Prometheus reporter does.
import { Gauge, Registry } from 'prom-client';
import type { JobOperator } from '../../../compiler/physical/job-graph';
import type { JobHandle } from '../../job';
import { type JobRegistry, jobId } from './job-registry';
import type { Rates, TaskRates } from './rates';
import {
  type OperatorCounters,
  type SubtaskCounters,
  type TaskVertex,
  checkpointedStateSizes,
  operatorCounters,
  subtaskCounters,
  taskVertices,
} from './tasks';

/**
 * Flink's reporter prefixes each metric with its scope (`flink_jobmanager_job_`, `flink_taskmanager_job_task_`,
 * `flink_taskmanager_job_task_operator_`) and labels it with the scope's variables; Flink's counters are
 * exported as gauges there, and so they are here. Dashboards and alerts written for Flink carry over.
 */
const JOB = 'flink_jobmanager_job_';
const TASK = 'flink_taskmanager_job_task_';
const OPERATOR = 'flink_taskmanager_job_task_operator_';

const JOB_LABELS = ['job_id', 'job_name'] as const;
const TASK_LABELS = [...JOB_LABELS, 'task_id', 'task_name', 'subtask_index'] as const;
const OPERATOR_LABELS = [...TASK_LABELS, 'operator_id', 'operator_name'] as const;

type Labels<L extends readonly string[]> = Record<L[number], string>;

interface JobScope {
  readonly job: JobHandle;
  readonly labels: Labels<typeof JOB_LABELS>;
}
interface TaskScope extends JobScope {
  readonly vertex: TaskVertex;
  readonly counters: SubtaskCounters;
  readonly rates: TaskRates;
  readonly labels: Labels<typeof TASK_LABELS>;
}
interface OperatorScope extends JobScope {
  readonly operator: JobOperator;
  readonly subtask: number;
  readonly counters: OperatorCounters;
  readonly rates: { recordsIn: number; recordsOut: number };
  readonly stateSize: number | undefined;
  readonly labels: Labels<typeof OPERATOR_LABELS>;
}

interface Scopes {
  jobs: JobScope[];
  tasks: TaskScope[];
  operators: OperatorScope[];
}

type Def<S> = readonly [name: string, help: string, value: (s: S) => number | undefined];

const JOB_METRICS: readonly Def<JobScope>[] = [
  ['numRestarts', 'Restarts of the job since it started.', (s) => s.job.metrics().restarts],
  [
    'uptime',
    'Milliseconds the job has been running.',
    (s) => (s.job.status() === 'RUNNING' ? Date.now() - s.job.startTime : 0),
  ],
  [
    'lastCheckpointDuration',
    'Milliseconds the latest completed checkpoint took.',
    (s) => lastCompleted(s.job)?.duration ?? -1,
  ],
  [
    'lastCheckpointSize',
    'Bytes of the latest completed checkpoint.',
    (s) => lastCompleted(s.job)?.size ?? -1,
  ],
  [
    'numberOfCompletedCheckpoints',
    'Completed checkpoints (and savepoints).',
    (s) => count(s.job, 'COMPLETED'),
  ],
  ['numberOfFailedCheckpoints', 'Failed checkpoints.', (s) => count(s.job, 'FAILED')],
  ['numberOfInProgressCheckpoints', 'Checkpoints in progress.', (s) => count(s.job, 'IN_PROGRESS')],
  ['totalNumberOfCheckpoints', 'Checkpoints triggered.', (s) => s.job.checkpoints().length],
];

const TASK_METRICS: readonly Def<TaskScope>[] = [
  ['numRecordsIn', 'Records the task read.', (s) => s.counters.recordsIn],
  ['numRecordsOut', 'Records the task emitted.', (s) => s.counters.recordsOut],
  ['numRecordsInPerSecond', 'Records the task read per second.', (s) => s.rates.recordsIn],
  ['numRecordsOutPerSecond', 'Records the task emitted per second.', (s) => s.rates.recordsOut],
  ['busyTimeMsPerSecond', 'Milliseconds per second the task was working.', (s) => s.rates.busy],
  [
    'backPressuredTimeMsPerSecond',
    'Milliseconds per second the task waited for room downstream.',
    (s) => s.rates.backPressured,
  ],
  ['idleTimeMsPerSecond', 'Milliseconds per second the task waited for input.', (s) => s.rates.idle],
  ['accumulatedBusyTime', 'Milliseconds the task was working, in total.', (s) => s.counters.busyTimeMs],
  [
    'accumulatedBackPressuredTime',
    'Milliseconds the task waited for room downstream, in total.',
    (s) => s.counters.backPressuredTimeMs,
  ],
  ['accumulatedIdleTime', 'Milliseconds the task waited for input, in total.', (s) => s.counters.idleTimeMs],
];

const OPERATOR_METRICS: readonly Def<OperatorScope>[] = [
  ['numRecordsIn', 'Records the operator read (a source: records it produced).', (s) => s.counters.recordsIn],
  ['numRecordsOut', 'Records the operator emitted.', (s) => s.counters.recordsOut],
  ['numRecordsInPerSecond', 'Records the operator read per second.', (s) => s.rates.recordsIn],
  ['numRecordsOutPerSecond', 'Records the operator emitted per second.', (s) => s.rates.recordsOut],
  [
    'currentInputWatermark',
    "The operator's input watermark (epoch ms); Long.MIN_VALUE before the first.",
    (s) => watermark(s.counters.watermark),
  ],
  ['numLateRecordsDropped', 'Records dropped as late.', (s) => s.counters.lateRecords],
  // weir's: Flink shows a subtask's state size in its checkpoint details, not as a metric.
  [
    'stateSize',
    "Bytes of the operator subtask's state in the latest completed checkpoint (weir).",
    (s) => s.stateSize,
  ],
];

function lastCompleted(job: JobHandle) {
  return [...job.checkpoints()].reverse().find((c) => c.status === 'COMPLETED');
}

function count(job: JobHandle, status: string): number {
  return job.checkpoints().filter((c) => c.status === status).length;
}

/** Flink reports Long.MIN_VALUE before the first watermark. */
function watermark(w: number): number {
  return Number.isFinite(w) ? w : -9223372036854775808;
}

/** Every job, task subtask and operator subtask with its labels, read once per scrape. */
function scopes(reg: JobRegistry, rates: Rates): Scopes {
  const out: Scopes = { jobs: [], tasks: [], operators: [] };
  for (const job of reg.list()) {
    const jl = { job_id: jobId(job), job_name: job.name };
    out.jobs.push({ job, labels: jl });
    const sizes = checkpointedStateSizes(job);
    const ops = operatorCounters(job);
    for (const vertex of taskVertices(job)) {
      subtaskCounters(vertex, ops).forEach((counters, i) => {
        if (!counters) return;
        const tl = { ...jl, task_id: vertex.id, task_name: vertex.name, subtask_index: String(i) };
        out.tasks.push({ job, vertex, counters, rates: rates.task(job, vertex, i), labels: tl });
        for (const operator of vertex.operators) {
          const m = ops.get(operator.uid)?.[i];
          if (!m) continue;
          out.operators.push({
            job,
            operator,
            subtask: i,
            counters: m,
            rates: rates.operator(job, operator.uid, i),
            stateSize: operator.stateful ? (sizes.get(operator.uid)?.[i] ?? 0) : undefined,
            labels: { ...tl, operator_id: operator.uid, operator_name: operator.name },
          });
        }
      });
    }
  }
  return out;
}

/** The registry `/metrics` renders: gauges that read the jobs when scraped. */
export function metricsRegistry(reg: JobRegistry, rates: Rates): Registry {
  const registry = new Registry();
  let current: { at: number; scopes: Scopes } | undefined;
  // One reading of the jobs serves every gauge of a scrape.
  const read = (): Scopes => {
    const now = Date.now();
    if (!current || now - current.at > 50) current = { at: now, scopes: scopes(reg, rates) };
    return current.scopes;
  };
  const define = <S extends { labels: Record<string, string> }>(
    prefix: string,
    labelNames: readonly string[],
    defs: readonly Def<S>[],
    pick: (s: Scopes) => readonly S[],
  ) => {
    for (const [name, help, value] of defs)
      new Gauge({
        name: prefix + name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          for (const s of pick(read())) {
            const v = value(s);
            if (v !== undefined) this.set(s.labels, v);
          }
        },
      });
  };
  define(JOB, JOB_LABELS, JOB_METRICS, (s) => s.jobs);
  define(TASK, TASK_LABELS, TASK_METRICS, (s) => s.tasks);
  define(OPERATOR, OPERATOR_LABELS, OPERATOR_METRICS, (s) => s.operators);
  return registry;
}
