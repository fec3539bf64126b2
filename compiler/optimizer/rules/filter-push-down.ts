// Optimizer rule: moves filters toward the sources — through projections, unions and window table functions, and into joins.
import {
  type FilterNode,
  type JoinNode,
  type LogicalNode,
  makeFilter,
  makeJoin,
  makeProject,
  withInputs,
} from '../../logical/plan';
import {
  type Rex,
  andAll,
  conjuncts,
  inputRef,
  inputRefs,
  isDeterministic,
  rewriteRex,
  substituteInputs,
} from '../../rex';
import { type Field, T } from '../../types';
import type { Rule } from '../optimizer';

/**
 * - Filter over Filter: one Filter, the inner condition first.
 * - Filter over Project: the conjuncts whose columns the projection computes deterministically move below it.
 * - Filter over Union: copied into every input.
 * - Filter over WindowTableFunction: the conjuncts not reading window_start, window_end, window_time move below.
 * - Filter over Join, and a Join's own ON condition: single-side conjuncts move into that side where the join
 *   type allows it (never into the null-extended side of an outer join for WHERE, never into the preserved
 *   side for ON); an INNER join takes the remaining WHERE conjuncts into its condition.
 *
 * Filters MUST NOT move below an Aggregate, WindowAggregate, WatermarkAssigner or Scan, and non-deterministic
 * conjuncts (PROCTIME(), CURRENT_TIMESTAMP) never move into or across a join. A filter keeps its input's
 * schema, so no node's output schema changes.
 * @example Filter(a.id = b.auction AND b.price > 10) over Join(INNER, true)
 *   → Join(INNER, a.id = b.auction) over (a, Filter(price > 10) over b)
 */
export const filterPushDown: Rule = { name: 'filter-push-down', apply };

function apply(node: LogicalNode): LogicalNode {
  if (node.kind === 'join') return pushJoin(node, []) ?? node;
  if (node.kind !== 'filter') return node;
  const input = node.input;
  switch (input.kind) {
    case 'filter':
      return filterOver(
        input.input,
        [...conjuncts(input.condition), ...conjuncts(node.condition)],
        node.span ?? input.span,
      );
    case 'project':
      return pushProject(node, input);
    case 'union':
      return withInputs(
        input,
        input.inputs.map((i) => filterOver(i, [retype(node.condition, i.schema, 0)], node.span)),
      );
    case 'windowTableFunction': {
      const width = input.input.schema.length;
      const [below, above] = partition(conjuncts(node.condition), (c) => maxRef(c) < width);
      if (below.length === 0) return node;
      const pushed = below.map((c) => retype(c, input.input.schema, 0));
      const wtf = withInputs(input, [filterOver(input.input, pushed, node.span)]);
      return filterOver(wtf, above, node.span, false);
    }
    case 'join': {
      const pushed = pushJoin(input, conjuncts(node.condition), node);
      return pushed ?? node;
    }
    default:
      // scan, watermarkAssigner, aggregate, windowAggregate, sink: the filter stays where it is.
      return node;
  }
}

/** Filter over Project: substitutes the projection's expressions into the conjuncts that read only deterministic ones. */
function pushProject(node: FilterNode, project: Extract<LogicalNode, { kind: 'project' }>): LogicalNode {
  const [below, above] = partition(conjuncts(node.condition), (c) =>
    [...inputRefs(c)].every((i) => isDeterministic(project.exprs[i]!)),
  );
  if (below.length === 0) return node;
  const pushed = below.map((c) => substituteInputs(c, project.exprs));
  const moved = makeProject(
    filterOver(project.input, pushed, node.span),
    project.exprs,
    project.schema.map((f) => f.name),
    project.span,
  );
  return filterOver(moved, above, node.span, false);
}

type Side = 'left' | 'right' | 'both' | 'none';

/**
 * Moves the join's single-side ON conjuncts, and the conjuncts of a `where` Filter above it, as far as the join type
 * allows. Returns undefined when nothing moves.
 */
function pushJoin(join: JoinNode, where: readonly Rex[], filter?: FilterNode): LogicalNode | undefined {
  const width = join.left.schema.length;
  const type = join.joinType;
  const side = (c: Rex): Side => {
    const refs = [...inputRefs(c)];
    if (refs.length === 0) return 'none';
    if (refs.every((i) => i < width)) return 'left';
    if (refs.every((i) => i >= width)) return 'right';
    return 'both';
  };
  const left: Rex[] = [];
  const right: Rex[] = [];
  const on: Rex[] = [];
  const above: Rex[] = [];
  let moved = 0;

  // ON: a conjunct may filter the input whose rows only survive by matching: either side of an INNER join,
  // the right side of a LEFT join, the left side of a RIGHT join.
  for (const c of join.condition ? conjuncts(join.condition) : []) {
    const s = side(c);
    const deterministic = isDeterministic(c);
    if (deterministic && s === 'left' && (type === 'INNER' || type === 'RIGHT')) left.push(c);
    else if (deterministic && s === 'right' && (type === 'INNER' || type === 'LEFT')) right.push(c);
    else {
      on.push(c);
      continue;
    }
    moved++;
  }
  // WHERE: a conjunct may filter a side that is never null-extended; an INNER join takes the rest.
  for (const c of where) {
    const s = side(c);
    const deterministic = isDeterministic(c);
    if (deterministic && s === 'left' && (type === 'INNER' || type === 'LEFT')) left.push(c);
    else if (deterministic && s === 'right' && (type === 'INNER' || type === 'RIGHT')) right.push(c);
    else if (deterministic && type === 'INNER') on.push(c);
    else {
      above.push(c);
      continue;
    }
    moved++;
  }
  if (moved === 0) return undefined;

  const newLeft = filterOver(
    join.left,
    left.map((c) => retype(c, join.left.schema, 0)),
    filter?.span ?? join.span,
  );
  const newRight = filterOver(
    join.right,
    right.map((c) => retype(c, join.right.schema, width)),
    filter?.span ?? join.span,
  );
  const joined = makeJoin(type, newLeft, newRight, andAll(on, T.boolean()), join.span);
  return filterOver(joined, above, filter?.span, false);
}

/**
 * `input` filtered by the conjunction of `parts` (the input itself for none). With `push`, the new filter is
 * pushed further down at once, so one application moves it as far as it can go.
 */
function filterOver(
  input: LogicalNode,
  parts: readonly Rex[],
  span: FilterNode['span'],
  push = true,
): LogicalNode {
  const condition = andAll(parts, T.boolean());
  if (!condition) return input;
  const filter = makeFilter(input, condition, span);
  return push ? apply(filter) : filter;
}

/** `r` read against `fields` (shifted down by `offset`): each column reference takes that input's own type. */
function retype(r: Rex, fields: readonly Field[], offset: number): Rex {
  return rewriteRex(r, (n) =>
    n.kind === 'inputRef' ? inputRef(n.index - offset, fields[n.index - offset]!.type) : n,
  );
}

function maxRef(r: Rex): number {
  return Math.max(-1, ...inputRefs(r));
}

function partition<X>(xs: readonly X[], test: (x: X) => boolean): [X[], X[]] {
  const yes: X[] = [];
  const no: X[] = [];
  for (const x of xs) (test(x) ? yes : no).push(x);
  return [yes, no];
}
