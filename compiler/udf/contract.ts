// The JavaScript UDF contract: what a module's default export must look like for each kind (scalar, aggregate, table).
import { parse } from '../../grammar/index';
import { type SqlType, typeFromAst } from '../types';

export type UdfKind = 'scalar' | 'aggregate' | 'table';

/** What the compiler knows of a user function after checking its module against the contract. */
export interface UdfSignature {
  readonly kind: UdfKind;
  /** The result type (for a table function: a ROW type, its fields the output columns). */
  readonly returns: SqlType;
  /** `params`: argument types that call sites are checked against (optional in the module). */
  readonly params?: readonly SqlType[];
  /** A scalar function whose `eval` is an `async function` (Flink's AsyncScalarFunction). */
  readonly async: boolean;
  /** Aggregate functions: whether `retract` / `merge` are there. */
  readonly retract: boolean;
  readonly merge: boolean;
}

/** A reference to a user function that travels in the job graph: plain data, resolved on each thread. */
export interface UdfRef {
  /** The function's name as created (for messages). */
  readonly name: string;
  /** The module's id: what the loader imported (an absolute file URL under Node, a tab name in the playground). */
  readonly module: string;
  readonly kind: UdfKind;
  readonly async: boolean;
}

/** Parses a type as written in a module (`'BIGINT'`, `'ROW<word STRING, n INT>'`). */
export function parseTypeText(text: string): SqlType | { readonly error: string } {
  const parsed = parse(`CREATE TABLE t (c ${text})`);
  const s = parsed.statements[0]?.statement;
  if (parsed.diagnostics.length > 0 || !s || s.kind !== 'createTable' || s.elements.length !== 1) {
    return { error: `'${text}' is not a SQL type` };
  }
  const el = s.elements[0]!;
  if (el.kind !== 'physical') return { error: `'${text}' is not a SQL type` };
  return typeFromAst(el.type);
}

const isFn = (x: unknown): x is (...a: unknown[]) => unknown => typeof x === 'function';
const isAsyncFn = (f: unknown): boolean =>
  isFn(f) && (f.constructor?.name === 'AsyncFunction' || f.constructor?.name === 'AsyncGeneratorFunction');
const isGeneratorFn = (f: unknown): boolean => isFn(f) && f.constructor?.name === 'GeneratorFunction';

/**
 * Checks a module's exports against the contract; returns the signature or what is wrong, in words.
 * @example checkUdfModule({ default: { returns: 'BIGINT', eval: (s) => s.length } }).kind === 'scalar'
 */
export function checkUdfModule(exports: unknown): UdfSignature | { readonly error: string } {
  const d = (exports as { default?: unknown } | null)?.default;
  if (d === null || typeof d !== 'object')
    return {
      error:
        "the module has no default export object; expected e.g. export default { returns: 'BIGINT', eval(s) { … } }",
    };
  const def = d as Record<string, unknown>;
  const kind = def['kind'] ?? 'scalar';
  if (kind !== 'scalar' && kind !== 'aggregate' && kind !== 'table')
    return { error: `kind must be 'scalar', 'aggregate' or 'table', got ${JSON.stringify(kind)}` };
  if (typeof def['returns'] !== 'string')
    return { error: `the default export has no 'returns' type string (e.g. returns: 'BIGINT')` };
  const returns = parseTypeText(def['returns']);
  if ('error' in returns) return { error: `returns: ${returns.error}` };
  let params: SqlType[] | undefined;
  if (def['params'] !== undefined) {
    if (!Array.isArray(def['params']) || def['params'].some((p) => typeof p !== 'string'))
      return { error: "params must be an array of type strings, e.g. params: ['STRING', 'STRING']" };
    params = [];
    for (const p of def['params'] as string[]) {
      const t = parseTypeText(p);
      if ('error' in t) return { error: `params: ${t.error}` };
      params.push(t);
    }
  }
  const missing = (names: readonly string[]) => names.filter((n) => !isFn(def[n]));
  const notFns = (names: readonly string[]) => names.filter((n) => def[n] !== undefined && !isFn(def[n]));
  if (kind === 'scalar') {
    if (missing(['eval']).length) return { error: 'a scalar function needs an eval(...args) method' };
    return { kind, returns, params, async: isAsyncFn(def['eval']), retract: false, merge: false };
  }
  if (kind === 'aggregate') {
    const m = missing(['createAccumulator', 'accumulate', 'getValue']);
    if (m.length) return { error: `an aggregate function needs ${m.join(', ')}` };
    const bad = notFns(['retract', 'merge']);
    if (bad.length) return { error: `${bad.join(', ')} must be a function` };
    if (['createAccumulator', 'accumulate', 'retract', 'merge', 'getValue'].some((n) => isAsyncFn(def[n])))
      return { error: 'aggregate functions are synchronous: their methods cannot be async' };
    return { kind, returns, params, async: false, retract: isFn(def['retract']), merge: isFn(def['merge']) };
  }
  if (returns.kind !== 'ROW')
    return {
      error: `a table function returns a ROW type (e.g. 'ROW<word STRING, n INT>'), got '${def['returns']}'`,
    };
  if (missing(['eval']).length || !isGeneratorFn(def['eval']))
    return { error: 'a table function needs a generator method *eval(...args) that yields its rows' };
  return { kind, returns, params, async: false, retract: false, merge: false };
}
