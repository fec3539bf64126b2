// Window table functions in FROM (TUMBLE, HOP, CUMULATE, SESSION) → windowTableFunction and window columns.
import type * as A from '../../grammar/ast';
import { didYouMean } from '../../grammar/similar';
import type { LogicalNode, WindowKind, WindowSpec } from '../logical/plan';
import { T, isTimestamp, materialize, typeToString } from '../types';
import { type ExprContext, intervalArgument } from './expressions';
import type { Problems } from './problems';
import type { Analyzed } from './query';
import { Scope, type ScopeField } from './scope';

/** The columns a window table function appends to its input's. */
const WINDOW_COLUMNS = ['window_start', 'window_end', 'window_time'];

const WINDOW_FUNCTIONS: Record<WindowKind, { args: number; names: string }> = {
  TUMBLE: { args: 1, names: 'DESCRIPTOR(col), size' },
  HOP: { args: 2, names: 'DESCRIPTOR(col), slide, size' },
  CUMULATE: { args: 2, names: 'DESCRIPTOR(col), step, max size' },
  SESSION: { args: 1, names: 'DESCRIPTOR(col), gap' },
};

/**
 * A window table function (TUMBLE, HOP, CUMULATE, SESSION) over the table or view `w.table`, which `named`
 * resolves (after the function itself is checked): its columns plus window_start, window_end and window_time.
 */
export function windowTvf(
  w: A.WindowTvfRef,
  problems: Problems,
  named: (name: A.Ident, alias: string) => Analyzed,
): Analyzed {
  const p = problems;
  const kind = w.fn.name.toUpperCase() as WindowKind;
  const shape = WINDOW_FUNCTIONS[kind];
  if (!shape) {
    throw p.bail(
      'unknown-function',
      `unknown window function '${w.fn.name}'${didYouMean(w.fn.name.toUpperCase(), Object.keys(WINDOW_FUNCTIONS))} (expected TUMBLE, HOP, CUMULATE or SESSION)`,
      w.fn.span,
    );
  }
  const input = named(w.table, w.table.name);
  const taken = input.scope.fields.find((f) => WINDOW_COLUMNS.includes(f.name));
  if (taken) {
    throw p.bail(
      'duplicate-column',
      `${kind} adds the columns window_start, window_end and window_time, but '${w.table.name}' already has a column '${taken.name}': rename it in '${w.table.name}' (e.g. ${taken.name} AS ${taken.name.replace('window', 'w')})`,
      w.table.span,
    );
  }
  const ctx: ExprContext = { scope: input.scope, problems: p, clause: `${kind}(...)` };
  const [descriptor, ...intervals] = w.args;
  if (!descriptor || descriptor.kind !== 'call' || descriptor.name.name.toUpperCase() !== 'DESCRIPTOR') {
    throw p.bail(
      'syntax',
      `${kind} expects (TABLE t, ${shape.names}); the second argument must be DESCRIPTOR(time column)`,
      descriptor?.span ?? w.fn.span,
    );
  }
  const timeArg = descriptor.args[0];
  if (descriptor.args.length !== 1 || timeArg?.kind !== 'column') {
    throw p.bail('syntax', 'DESCRIPTOR expects one column name', descriptor.span);
  }
  const time = input.scope.resolve(timeArg, p);
  const t = time.type;
  if (time.kind !== 'inputRef' || !isTimestamp(t) || !t.timeAttribute) {
    const why = isTimestamp(t)
      ? `'${timeArg.path.map((i) => i.name).join('.')}' is a ${typeToString(t)} but not a time attribute: declare WATERMARK FOR it in the table, or use a PROCTIME() column`
      : `'${timeArg.path.map((i) => i.name).join('.')}' is ${typeToString(t)}; a window needs a time attribute column (a TIMESTAMP(3) with a WATERMARK, or PROCTIME())`;
    throw p.bail('not-a-time-attribute', `cannot window on a non-time column: ${why}`, timeArg.span);
  }
  if (intervals.length !== shape.args) {
    const extra = kind === 'TUMBLE' && intervals.length === 2 ? ' (a window offset is not supported)' : '';
    throw p.bail(
      'syntax',
      `${kind} expects (TABLE t, ${shape.names}), got ${intervals.length + 1} arguments after the table${extra}`,
      w.fn.span,
    );
  }
  const ms = intervals.map((a, i) => intervalArgument(a, ctx, `${kind} ${shape.names.split(', ')[i + 1]}`));
  if (w.partitionBy.length > 0 && kind !== 'SESSION') {
    throw p.bail('syntax', `PARTITION BY is only allowed in SESSION windows`, w.partitionBy[0]!.span);
  }
  const partitionKeys = w.partitionBy.map((c) => {
    const r = input.scope.resolve(c as A.ColumnRef, p);
    if (r.kind !== 'inputRef') throw p.bail('syntax', 'PARTITION BY expects column names', c.span);
    return r.index;
  });
  const spec: WindowSpec = {
    kind,
    timeIndex: time.index,
    timeAttribute: t.timeAttribute,
    partitionKeys,
    ...(kind === 'TUMBLE' ? { size: ms[0] } : {}),
    ...(kind === 'HOP' ? { slide: ms[0], size: ms[1] } : {}),
    ...(kind === 'CUMULATE' ? { step: ms[0], size: ms[1] } : {}),
    ...(kind === 'SESSION' ? { gap: ms[0] } : {}),
  };
  if ((kind === 'HOP' || kind === 'CUMULATE') && ms[1]! % ms[0]! !== 0) {
    throw p.bail(
      'bad-interval',
      `${kind} window size must be an integral multiple of its ${kind === 'HOP' ? 'slide' : 'step'}: ${ms[1]! / 1000} s is not a multiple of ${ms[0]! / 1000} s`,
      intervals[1]!.span,
    );
  }
  const windowTime =
    t.timeAttribute === 'rowtime' ? T.timestamp(3, false, 'rowtime') : T.timestampLtz(3, false, 'proctime');
  const fields: ScopeField[] = [
    ...input.scope.fields.map((f, i) => (i === time.index ? { ...f, type: materialize(f.type) } : f)),
    { name: 'window_start', type: T.timestamp(3, false), window: { spec, role: 'start' } },
    { name: 'window_end', type: T.timestamp(3, false), window: { spec, role: 'end' } },
    { name: 'window_time', type: windowTime, window: { spec, role: 'time' } },
  ];
  const plan: LogicalNode = {
    kind: 'windowTableFunction',
    input: input.plan,
    window: spec,
    schema: fields.map(({ name, type }) => ({ name, type })),
    changelog: input.plan.changelog,
    span: w.span,
  };
  if (input.plan.changelog === 'updating') {
    throw p.unsupported(
      'a window table function over an updating input (a GROUP BY or outer join before the window)',
      w.span,
    );
  }
  return { plan, scope: Scope.of(w.alias?.name ?? w.table.name, fields) };
}

/** The SESSION window table function a FROM plan reads directly (through WHERE filters), if any. */
export function sessionWindow(plan: LogicalNode): LogicalNode | undefined {
  let n = plan;
  while (n.kind === 'filter') n = n.input;
  return n.kind === 'windowTableFunction' && n.window.kind === 'SESSION' ? n : undefined;
}

/** Whether a SELECT plan is a window aggregation under projections and filters (HAVING). */
export function containsWindowAggregate(plan: LogicalNode): boolean {
  let n: LogicalNode = plan;
  while (n.kind === 'project' || n.kind === 'filter') n = n.input;
  return n.kind === 'windowAggregate';
}
