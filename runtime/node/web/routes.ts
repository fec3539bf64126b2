// The REST API's routes (Flink's paths, methods and bodies) and what each does to the session's jobs.
import type { JobHandle } from '../../job';
import type { CompletedCheckpoint } from '../../checkpoint/coordinator';
import { checkpointingStatistics, jobDetails, jobOverview } from './flink-json';
import { jobFigures } from './figures';
import { type JobRegistry, jobId } from './job-registry';
import type { Operations } from './operations';
import type { Rates } from './rates';

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export interface RouteContext {
  readonly registry: JobRegistry;
  readonly operations: Operations;
  readonly rates: Rates;
}

export interface Request {
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  /** The parsed JSON body of a POST or PATCH (undefined when empty). */
  readonly body: unknown;
}

type Handler = (req: Request, ctx: RouteContext) => Reply;

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: RegExp;
  readonly handle: Handler;
}

/** Thrown by a handler: answered as Flink answers errors, `{"errors": [message]}` with the status. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const accepted = (body: unknown): Reply => ({ status: 202, body });

function job(req: Request, ctx: RouteContext): JobHandle {
  const j = ctx.registry.find(req.params[0]!);
  if (!j) throw new RestError(404, `Job ${req.params[0]} not found`);
  return j;
}

/** A request body: an object with only the given fields, each of its type (as Flink's request bodies are checked). */
function fields<T extends Record<string, 'string' | 'boolean'>>(
  body: unknown,
  name: string,
  spec: T,
): { [K in keyof T]?: T[K] extends 'string' ? string : boolean } {
  if (body === undefined) return {};
  const bad = (why: string) => new RestError(400, `Request did not match expected format ${name}: ${why}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('expected a JSON object');
  for (const [k, v] of Object.entries(body)) {
    const type = spec[k];
    if (type === undefined) throw bad(`unknown field '${k}'; expected ${Object.keys(spec).join(', ')}`);
    if (v !== null && typeof v !== type) throw bad(`'${k}' must be a ${type}`);
  }
  return body as { [K in keyof T]?: T[K] extends 'string' ? string : boolean };
}

function savepointResult(c: CompletedCheckpoint): Record<string, unknown> {
  return { location: c.location };
}

function status(req: Request, ctx: RouteContext): Reply {
  const j = job(req, ctx);
  const s = ctx.operations.get(jobId(j), req.params[1]!);
  if (!s)
    throw new RestError(404, `There is no operation with trigger id ${req.params[1]} for job ${jobId(j)}`);
  return ok(s);
}

const JOB = '([^/]+)';

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: /^\/jobs\/?$/,
    handle: (_r, ctx) => ok({ jobs: ctx.registry.list().map((j) => ({ id: jobId(j), status: j.status() })) }),
  },
  {
    method: 'GET',
    path: /^\/jobs\/overview$/,
    handle: (_r, ctx) => ok({ jobs: ctx.registry.list().map((j) => jobOverview(j, ctx.registry)) }),
  },
  {
    method: 'GET',
    path: new RegExp(`^/jobs/${JOB}$`),
    handle: (r, ctx) => ok(jobDetails(job(r, ctx), ctx.registry, ctx.rates)),
  },
  {
    // Flink: PATCH /jobs/:jobid?mode=cancel (the default mode), answered 202 with an empty object.
    method: 'PATCH',
    path: new RegExp(`^/jobs/${JOB}$`),
    handle: (r, ctx) => {
      const j = job(r, ctx);
      const mode = r.query.get('mode') ?? 'cancel';
      if (mode !== 'cancel')
        throw new RestError(400, `Unsupported mode '${mode}': use mode=cancel, or POST /jobs/:jobid/stop`);
      void j.cancel();
      return accepted({});
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^/jobs/${JOB}/checkpoints$`),
    handle: (r, ctx) => ok(checkpointingStatistics(job(r, ctx))),
  },
  {
    method: 'POST',
    path: new RegExp(`^/jobs/${JOB}/checkpoints$`),
    handle: (r, ctx) => {
      const j = job(r, ctx);
      const b = fields(r.body, 'CheckpointTriggerRequestBody', {
        checkpointType: 'string',
        triggerId: 'string',
      });
      if (b.checkpointType && !['CONFIGURED', 'FULL', 'INCREMENTAL'].includes(b.checkpointType))
        throw new RestError(
          400,
          `checkpointType must be CONFIGURED, FULL or INCREMENTAL, not '${b.checkpointType}'`,
        );
      const id = ctx.operations.start(
        jobId(j),
        j.triggerCheckpoint().then((c) => ({ checkpointId: c.id })),
      );
      return accepted({ 'request-id': id });
    },
  },
  { method: 'GET', path: new RegExp(`^/jobs/${JOB}/checkpoints/${JOB}$`), handle: status },
  {
    method: 'POST',
    path: new RegExp(`^/jobs/${JOB}/savepoints$`),
    handle: (r, ctx) => {
      const j = job(r, ctx);
      const b = fields(r.body, 'SavepointTriggerRequestBody', {
        'target-directory': 'string',
        'cancel-job': 'boolean',
        triggerId: 'string',
        formatType: 'string',
      });
      const dir = b['target-directory'] ?? undefined;
      const work = b['cancel-job'] ? j.stopWithSavepoint(dir) : j.triggerSavepoint(dir);
      return accepted({ 'request-id': ctx.operations.start(jobId(j), work.then(savepointResult)) });
    },
  },
  { method: 'GET', path: new RegExp(`^/jobs/${JOB}/savepoints/${JOB}$`), handle: status },
  {
    method: 'POST',
    path: new RegExp(`^/jobs/${JOB}/stop$`),
    handle: (r, ctx) => {
      const j = job(r, ctx);
      const b = fields(r.body, 'StopWithSavepointRequestBody', {
        targetDirectory: 'string',
        drain: 'boolean',
        triggerId: 'string',
        formatType: 'string',
      });
      if (b.drain)
        throw new RestError(
          400,
          'drain is not supported: weir stops with a savepoint without advancing the watermark',
        );
      const work = j.stopWithSavepoint(b.targetDirectory ?? undefined);
      return accepted({ 'request-id': ctx.operations.start(jobId(j), work.then(savepointResult)) });
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^/jobs/${JOB}/figures$`),
    handle: (r, ctx) => ok(jobFigures(job(r, ctx), ctx.registry, ctx.rates)),
  },
];

/** The route for a method and path; `allowed` lists the methods the path has when none is for `method`. */
export function match(
  method: string,
  path: string,
): { route: Route; params: string[] } | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const m = route.path.exec(path);
    if (!m) continue;
    if (route.method === method) return { route, params: m.slice(1).map(decodeURIComponent) };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : undefined;
}
