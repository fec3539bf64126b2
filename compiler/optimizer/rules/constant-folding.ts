// Optimizer rule: evaluates constant expressions at compile time and drops filters that are always TRUE.
import { compileScalar } from '../../codegen/compile-rex';
import { type LogicalNode, makeFilter, makeJoin, makeProject } from '../../logical/plan';
import { type Rex, type RexCall, isDeterministic, literal } from '../../rex';
import { typeToString } from '../../types';
import type { Rule } from '../optimizer';

/**
 * In Filter conditions, Project expressions and Join conditions:
 * - a deterministic call whose arguments are all literals becomes a literal of the call's type, evaluated by the
 *   same generated code that runs it (a call that throws, e.g. `1 / 0` or a bad CAST, stays as it is);
 * - `x AND TRUE`, `TRUE AND x`, `x OR FALSE` and `FALSE OR x` become `x`.
 * A Filter whose condition folds to TRUE is removed; a Join condition that folds to TRUE is dropped.
 * A Project expression is replaced only when its column keeps its type (and so the schema).
 * @example Filter(price > 2 * 50 AND TRUE) → Filter(price > 100)
 */
export const constantFolding: Rule = { name: 'constant-folding', apply };

function apply(node: LogicalNode): LogicalNode {
  switch (node.kind) {
    case 'filter': {
      const condition = fold(node.condition);
      if (isTrue(condition)) return node.input;
      return condition === node.condition ? node : makeFilter(node.input, condition, node.span);
    }
    case 'project': {
      const exprs = node.exprs.map(fold);
      if (exprs.every((e, i) => e === node.exprs[i])) return node;
      const names = node.schema.map((f) => f.name);
      const candidate = makeProject(node.input, exprs, names, node.span);
      // Keep an expression whose folded form would give its column another type (e.g. NOT NULL → nullable).
      const kept = exprs.map((e, i) =>
        typeToString(candidate.schema[i]!.type) === typeToString(node.schema[i]!.type) ? e : node.exprs[i]!,
      );
      if (kept.every((e, i) => e === node.exprs[i])) return node;
      return makeProject(node.input, kept, names, node.span);
    }
    case 'join': {
      if (!node.condition) return node;
      const condition = fold(node.condition);
      if (condition === node.condition) return node;
      return makeJoin(
        node.joinType,
        node.left,
        node.right,
        isTrue(condition) ? undefined : condition,
        node.span,
      );
    }
    default:
      return node;
  }
}

/** `r` with its constant parts folded, bottom-up; `r` itself when nothing folds. */
function fold(r: Rex): Rex {
  if (r.kind === 'fieldAccess') {
    const expr = fold(r.expr);
    return expr === r.expr ? r : { ...r, expr };
  }
  if (r.kind !== 'call') return r;
  const args = r.args.map(fold);
  const c: RexCall = args.every((a, i) => a === r.args[i]) ? r : { ...r, args };
  const simplified = simplifyLogic(c);
  if (simplified !== c) return simplified;
  return evaluate(c) ?? c;
}

/** `x AND TRUE` → x, `x OR FALSE` → x (either order). */
function simplifyLogic(c: RexCall): Rex {
  if (c.args.length !== 2) return c;
  const [a, b] = c.args as [Rex, Rex];
  const neutral = c.op === 'AND' ? true : c.op === 'OR' ? false : undefined;
  if (neutral === undefined) return c;
  if (a.kind === 'literal' && a.value === neutral) return b;
  if (b.kind === 'literal' && b.value === neutral) return a;
  return c;
}

/** The literal value of a deterministic call over literals, or undefined when it cannot or should not fold. */
function evaluate(c: RexCall): Rex | undefined {
  // User functions run in the job, never at planning time.
  if (c.udf || c.args.length === 0 || !c.args.every((a) => a.kind === 'literal') || !isDeterministic(c))
    return undefined;
  let value: unknown;
  try {
    value = compileScalar(c)([]);
  } catch {
    return undefined;
  }
  if (value === undefined) value = null;
  if (value === null) return c.type.nullable ? literal(null, c.type) : undefined;
  // Only values a literal can hold and print back (no NaN or Infinity, no ROW arrays).
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') return undefined;
  return literal(value, c.type);
}

function isTrue(r: Rex): boolean {
  return r.kind === 'literal' && r.value === true;
}
