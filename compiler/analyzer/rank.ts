// Top-N recognition (Flink's FlinkLogicalRankRule): `WHERE rn <= N` on a ROW_NUMBER column of the FROM subquery.
import type * as A from '../../grammar/ast';
import {
  type LogicalNode,
  type OverNode,
  type ProjectNode,
  inputsOf,
  makeProject,
  makeRank,
} from '../logical/plan';
import { type Rex, andAll, conjuncts, inputRef, inputRefs, rewriteRex } from '../rex';
import { T } from '../types';
import { children } from './over';
import type { Problems } from './problems';
import { Scope } from './scope';

/** The FROM subquery's plan and scope with a Rank in place of its Over, and what is left of the WHERE. */
export interface RecognizedRank {
  readonly plan: LogicalNode;
  readonly scope: Scope;
  readonly rest?: Rex;
}

type Bound = { readonly start?: number; readonly end?: number };

/**
 * Recognizes a Top-N: `input` is the plan of `SELECT …, ROW_NUMBER() OVER (…) AS rn FROM …` (a Project over
 * an Over node) and `where` bounds `rn` by integer literals (`rn <= N`, `rn < N`, `rn = N`, `rn BETWEEN a AND
 * b`, `rn >= a`, AND-ed with other conditions). The rank number is output only when the enclosing SELECT
 * reads it (its select list, `*`, or the rest of its WHERE), as Flink prunes it otherwise.
 * Returns undefined when the shape does not match.
 */
export function recognizeRank(
  input: { readonly plan: LogicalNode; readonly scope: Scope },
  where: Rex,
  s: A.SelectQuery,
  problems: Problems,
): RecognizedRank | undefined {
  const project = input.plan;
  if (project.kind !== 'project' || project.input.kind !== 'over') return undefined;
  const over = project.input;
  if (over.calls.length !== 1 || over.calls[0]!.fn !== 'ROW_NUMBER') return undefined;
  const rnIndex = over.input.schema.length;
  const rankCols = new Set<number>();
  project.exprs.forEach((e, k) => {
    if (e.kind === 'inputRef' && e.index === rnIndex) rankCols.add(k);
  });
  let start = 1;
  let end: number | undefined;
  const rest: Rex[] = [];
  for (const c of conjuncts(where)) {
    const b = rankBound(c, rankCols);
    if (!b) {
      rest.push(c);
      continue;
    }
    if (b.start !== undefined) start = Math.max(start, b.start);
    if (b.end !== undefined) end = end === undefined ? b.end : Math.min(end, b.end);
  }
  if (start === 1 && end === undefined && rest.length === conjuncts(where).length) return undefined;
  if (end === undefined)
    throw problems.unsupported(
      'a Top-N without an upper bound on its ROW_NUMBER() column; add `rn <= N` to the WHERE clause',
      s.where!.span,
    );
  if (end < start)
    throw problems.bail('empty-rank', `the rank range ${start} to ${end} is empty`, s.where!.span);
  const names = new Set([...rankCols].map((k) => project.schema[k]!.name));
  const readsRank =
    readsNames(s, names) ||
    rest.some((c) => [...rankCols].some((k) => inputRefs(c).has(k))) ||
    project.exprs.some((e) => !(e.kind === 'inputRef') && inputRefs(e).has(rnIndex));
  const rank = makeRank({
    input: over.input,
    partitionKeys: over.partitionKeys,
    orderKeys: over.orderKeys,
    rankStart: start,
    rankEnd: end,
    outputRankNumber: readsRank,
    rankColumn: over.calls[0]!.name,
    ...(over.window ? { window: over.window } : {}),
    span: over.span,
  });
  const plan = retypedProject(project, rank);
  const scope = new Scope(
    input.scope.relations.map((r) => ({
      ...r,
      fields: r.fields.map((f, i) => ({ ...f, type: plan.schema[r.offset + i]!.type })),
    })),
  );
  return { plan, scope, rest: andAll(rest, T.boolean(false)) };
}

/** `rn <= 3` → { end: 3 }; `rn BETWEEN 2 AND 5` → { start: 2, end: 5 }; anything else → undefined. */
function rankBound(c: Rex, rankCols: ReadonlySet<number>): Bound | undefined {
  if (c.kind !== 'call') return undefined;
  const isRank = (r: Rex | undefined) => r?.kind === 'inputRef' && rankCols.has(r.index);
  const int = (r: Rex | undefined) =>
    r?.kind === 'literal' && typeof r.value === 'number' && Number.isInteger(r.value) ? r.value : undefined;
  if (c.op === 'BETWEEN' && isRank(c.args[0])) {
    const lo = int(c.args[1]);
    const hi = int(c.args[2]);
    return lo !== undefined && hi !== undefined ? { start: lo, end: hi } : undefined;
  }
  const flip: Record<string, string> = { '<=': '>=', '<': '>', '>=': '<=', '>': '<', '=': '=' };
  let op = c.op;
  let n: number | undefined;
  if (isRank(c.args[0])) n = int(c.args[1]);
  else if (isRank(c.args[1])) {
    n = int(c.args[0]);
    op = flip[op] ?? op;
  }
  if (n === undefined) return undefined;
  switch (op) {
    case '<=':
      return { end: n };
    case '<':
      return { end: n - 1 };
    case '=':
      return { start: n, end: n };
    case '>=':
      return { start: n };
    case '>':
      return { start: n + 1 };
    default:
      return undefined;
  }
}

/** Whether the SELECT (list, GROUP BY, HAVING, or a `*`) mentions a column named in `names`. */
function readsNames(s: A.SelectQuery, names: ReadonlySet<string>): boolean {
  const mentions = (e: A.Expr): boolean =>
    (e.kind === 'column' && names.has(e.path[e.path.length - 1]!.name)) || children(e).some(mentions);
  return (
    s.items.some((i) => i.kind === 'star' || mentions(i.expr)) ||
    s.groupBy.some(mentions) ||
    (s.having !== undefined && mentions(s.having))
  );
}

/** The subquery's projection over the Rank, its column references retyped to the Rank's output types. */
function retypedProject(project: ProjectNode, rank: LogicalNode): ProjectNode {
  const exprs = project.exprs.map((e) =>
    rewriteRex(e, (x) => (x.kind === 'inputRef' ? inputRef(x.index, rank.schema[x.index]!.type) : x)),
  );
  return makeProject(
    rank,
    exprs,
    project.schema.map((f) => f.name),
    project.span,
  );
}

/** An Over node left in a plan with a ROW_NUMBER that no enclosing query filters on. */
export function leftoverOver(plan: LogicalNode): OverNode | undefined {
  if (plan.kind === 'over' && plan.calls.some((c) => c.fn === 'ROW_NUMBER')) return plan;
  for (const i of inputsOf(plan)) {
    const found = leftoverOver(i);
    if (found) return found;
  }
  return undefined;
}
