// Optimizer rule: a HOP or CUMULATE window aggregate reads its rows' time instead of one row per window (slicing).
import { type LogicalNode, type WindowAggregateNode, makeFilter, makeProject } from '../../logical/plan';
import { type Rex, inputRef, inputRefs } from '../../rex';
import type { Rule } from '../optimizer';

/**
 * A window aggregate over its HOP or CUMULATE window table function (through the pre-projection and filters on
 * the input's own columns) stops reading the function's rows — one per window a row falls in — and reads the
 * input's rows with their time in place of window_start and window_end: the operator then adds each row once to
 * its slice (slide or step long) and merges a window's slices when it fires (Flink's slice-shared windows).
 * Only event-time, append-only aggregates, whose pre-projection uses window_start and window_end only as keys.
 * @example WindowAggregate(HOP, group=[auction, window_start, window_end]) ← Project ← WindowTableFunction(HOP) ← bid
 *   → WindowAggregate(HOP, sliced, group=[auction, dateTime, dateTime]) ← Project ← bid
 */
export const windowSlicing: Rule = { name: 'window-slicing', apply };

function apply(node: LogicalNode): LogicalNode {
  if (node.kind !== 'windowAggregate' || node.sliced || node.changelog !== 'append') return node;
  const w = node.window;
  if ((w.kind !== 'HOP' && w.kind !== 'CUMULATE') || w.timeAttribute !== 'rowtime') return node;
  const pre = node.input;
  if (pre.kind !== 'project') return node;
  // Filters between the pre-projection and the window function, on the input's own columns only.
  const filters: Rex[] = [];
  let below = pre.input;
  while (below.kind === 'filter') {
    filters.push(below.condition);
    below = below.input;
  }
  if (below.kind !== 'windowTableFunction' || below.window !== w) return node;
  const width = below.input.schema.length;
  if (filters.some((f) => [...inputRefs(f)].some((i) => i >= width))) return node;
  const startCol = node.groupKeys[node.windowStart]!;
  const endCol = node.groupKeys[node.windowEnd]!;
  const isWindowRef = (e: Rex, col: number) => e.kind === 'inputRef' && e.index === width + col;
  if (!isWindowRef(pre.exprs[startCol]!, 0) || !isWindowRef(pre.exprs[endCol]!, 1)) return node;
  // No other use of the window columns (window_time, or window_start inside an aggregate's argument).
  const others = pre.exprs.filter((_, i) => i !== startCol && i !== endCol);
  if (others.some((e) => [...inputRefs(e)].some((i) => i >= width))) return node;
  const time = below.input.schema[w.timeIndex]!;
  const timeRef = inputRef(w.timeIndex, time.type);
  let input: LogicalNode = below.input;
  for (const f of filters.reverse()) input = makeFilter(input, f);
  const exprs = pre.exprs.map((e, i) => (i === startCol || i === endCol ? timeRef : e));
  const names = pre.schema.map((f) => f.name);
  const sliced: WindowAggregateNode = {
    ...node,
    input: makeProject(input, exprs, names, pre.span),
    sliced: true,
  };
  return sliced;
}
