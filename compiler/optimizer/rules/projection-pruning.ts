// Optimizer rule: merges a Project into the Project below it and removes projections that change nothing.
import { type LogicalNode, type ProjectNode, makeProject } from '../../logical/plan';
import { type Rex, substituteInputs } from '../../rex';
import { type Field, typeToString } from '../../types';
import type { Rule } from '../optimizer';

/**
 * - Project over Project: one Project, the inner expressions substituted into the outer ones. Only when no
 *   computed inner column (anything but a column reference, a literal or a field of a column) is used twice,
 *   so nothing is evaluated more often than before — and a non-deterministic one (PROCTIME()) is never
 *   duplicated.
 * - A Project that is the identity — column i is input column i, with the input's name and type — is removed.
 *
 * Either rewrite MUST keep the output schema; when merging would change a column's type (a time attribute
 * lost or kept differently), the projections stay as they are.
 * @example Project(b=[$1], a=[$0]) over Project(a=[x + 1], b=[y]) → Project(b=[y], a=[x + 1])
 */
export const projectionPruning: Rule = { name: 'projection-pruning', apply };

function apply(node: LogicalNode): LogicalNode {
  if (node.kind !== 'project') return node;
  if (isIdentity(node)) return node.input;
  if (node.input.kind === 'project') return merge(node, node.input) ?? node;
  return node;
}

function isIdentity(p: ProjectNode): boolean {
  const input = p.input.schema;
  return (
    p.exprs.length === input.length &&
    p.exprs.every((e, i) => e.kind === 'inputRef' && e.index === i) &&
    sameFields(p.schema, input)
  );
}

function merge(outer: ProjectNode, inner: ProjectNode): ProjectNode | undefined {
  const uses = new Array<number>(inner.exprs.length).fill(0);
  for (const e of outer.exprs) countRefs(e, uses);
  if (inner.exprs.some((e, i) => uses[i]! > 1 && !isCheap(e))) return undefined;
  const merged = makeProject(
    inner.input,
    outer.exprs.map((e) => substituteInputs(e, inner.exprs)),
    outer.schema.map((f) => f.name),
    outer.span,
  );
  return sameFields(merged.schema, outer.schema) ? merged : undefined;
}

/** Adds to `uses[i]` each occurrence of input column i in `r`. */
function countRefs(r: Rex, uses: number[]): void {
  if (r.kind === 'inputRef') uses[r.index]!++;
  else if (r.kind === 'call') for (const a of r.args) countRefs(a, uses);
  else if (r.kind === 'fieldAccess') countRefs(r.expr, uses);
}

/** An expression that costs nothing to repeat and always gives the same value for the same row. */
function isCheap(r: Rex): boolean {
  if (r.kind === 'fieldAccess') return isCheap(r.expr);
  return r.kind === 'inputRef' || r.kind === 'literal';
}

function sameFields(a: readonly Field[], b: readonly Field[]): boolean {
  return (
    a.length === b.length &&
    a.every((f, i) => f.name === b[i]!.name && typeToString(f.type) === typeToString(b[i]!.type))
  );
}
