// AsyncCalc (Flink's name): a projection calling async scalar functions, awaited per batch, results in input order.
import { compilePredicate, compileProjection, compileScalar } from '../../compiler/codegen/compile-rex';
import { parseDuration } from '../../compiler/options';
import { type Rex, type RexCall, inputRef, rewriteRex } from '../../compiler/rex';
import { fromJs, udfFailure } from '../../compiler/udf/invoke';
import { udfDefinition } from '../../compiler/udf/registry';
import type { RecordBatch, Row, RowKind } from '../messages';
import type { Output, StreamOperator } from '../operator';
import { CONFIG_KEYS } from '../../compiler/config';

export interface AsyncScalarOptions {
  /** Calls in flight at once (`table.exec.async-scalar.max-concurrent-operations`). */
  readonly capacity: number;
  /** A call not settled by then fails the task (`table.exec.async-scalar.timeout`), in ms. */
  readonly timeout: number;
}

const setting = (config: Readonly<Record<string, string>>, key: string): string | undefined =>
  config[key] ?? CONFIG_KEYS.find((k) => k.key === key)?.default;

export function asyncScalarOptions(config: Readonly<Record<string, string>>): AsyncScalarOptions {
  return {
    capacity: Math.max(1, Number(setting(config, 'table.exec.async-scalar.max-concurrent-operations'))),
    timeout: parseDuration(setting(config, 'table.exec.async-scalar.timeout') ?? '3 min') ?? 180_000,
  };
}

/** One async call site: its function and its arguments as functions of the input row. */
interface Site {
  readonly call: RexCall;
  readonly def: Record<string, unknown>;
  readonly args: readonly ((row: Row) => unknown)[];
}

/**
 * The projection's async calls are lifted out: `prepareBatch` evaluates each one's arguments per row (of the
 * rows the condition keeps), runs the calls with at most `capacity` in flight, and awaits them all; then
 * `processBatch` evaluates the rest of the projection over the row with the results appended as extra columns.
 */
export class AsyncCalcOperator implements StreamOperator {
  private readonly where: ((row: Row) => boolean) | undefined;
  private readonly select: (row: Row) => Row;
  private readonly sites: Site[] = [];
  private prepared:
    { readonly batch: RecordBatch; readonly rows: Row[]; readonly kinds?: RowKind[] } | undefined;

  constructor(
    condition: Rex | undefined,
    projection: readonly Rex[],
    private readonly options: AsyncScalarOptions,
  ) {
    this.where = condition ? compilePredicate(condition) : undefined;
    // Width of the input: one more than the highest column read (extra columns go after every input column).
    let width = 0;
    const scan = (r: Rex): Rex =>
      rewriteRex(r, (n) => {
        if (n.kind === 'inputRef') width = Math.max(width, n.index + 1);
        return n;
      });
    projection.forEach(scan);
    if (condition) scan(condition);
    const lifted = projection.map((e) =>
      rewriteRex(e, (n) => {
        if (n.kind !== 'call' || !n.udf?.async) return n;
        if (n.args.some((a) => JSON.stringify(a).includes('"async":true')))
          throw new Error(`async function ${n.udf.name}: its arguments cannot call async functions`);
        const k = this.sites.length;
        this.sites.push({
          call: n,
          def: udfDefinition(n.udf.module, n.udf.name),
          args: n.args.map((a) => compileScalar(a) as (row: Row) => unknown),
        });
        return { ...inputRef(-1, n.type), index: -1 - k } as Rex;
      }),
    );
    // The lifted calls' results live at width + k.
    const placed = lifted.map((e) =>
      rewriteRex(e, (n) =>
        n.kind === 'inputRef' && n.index < 0 ? inputRef(width - 1 - n.index, n.type) : n,
      ),
    );
    this.select = compileProjection(placed) as (row: Row) => Row;
    this.width = width;
  }

  private readonly width: number;

  open(): void {}

  prepareBatch(_input: number, batch: RecordBatch): Promise<void> {
    const { rows, kinds } = batch;
    const kept: Row[] = [];
    const keptKinds: RowKind[] | undefined = kinds ? [] : undefined;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (this.where !== undefined && !this.where(row)) continue;
      // The extended row: the input's columns, then one slot per async call.
      const ext = row.slice(0, this.width);
      while (ext.length < this.width) ext.push(null);
      kept.push(ext);
      if (keptKinds) keptKinds.push(kinds![i]!);
    }
    const jobs: (() => Promise<void>)[] = [];
    for (const row of kept)
      this.sites.forEach((site, k) => {
        jobs.push(() =>
          this.invoke(site, row).then((v) => {
            row[this.width + k] = v;
          }),
        );
      });
    this.prepared = { batch, rows: kept, ...(keptKinds ? { kinds: keptKinds } : {}) };
    return runLimited(jobs, this.options.capacity);
  }

  private invoke(site: Site, row: Row): Promise<unknown> {
    const ref = site.call.udf!;
    const args = site.args.map((f) => f(row));
    const input = row.slice(0, this.width);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`no result within ${this.options.timeout} ms (table.exec.async-scalar.timeout)`)),
        this.options.timeout,
      );
    });
    const call = (async () => (site.def['eval'] as (...a: unknown[]) => unknown).apply(site.def, args))();
    return Promise.race([call, timeout]).then(
      (v) => {
        clearTimeout(timer);
        return fromJs(v, site.call.type);
      },
      (e: unknown) => {
        clearTimeout(timer);
        throw udfFailure(ref, 'eval', input, e);
      },
    );
  }

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    const p = this.prepared;
    if (!p || p.batch !== batch)
      throw new Error('AsyncCalc received a batch it did not prepare: it must be the head of its task');
    this.prepared = undefined;
    const select = this.select;
    out.emit({ rows: p.rows.map((r) => select(r)), kinds: p.kinds });
  }
}

/** Runs `jobs` with at most `limit` in flight; rejects with the first failure. */
function runLimited(jobs: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  if (jobs.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    const start = (): void => {
      if (failed || next >= jobs.length) return;
      const job = jobs[next++]!;
      job().then(
        () => {
          if (++done === jobs.length) resolve();
          else start();
        },
        (e: unknown) => {
          failed = true;
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    };
    for (let i = 0; i < Math.min(limit, jobs.length); i++) start();
  });
}
