// Compiles row expressions (Rex) to JavaScript: source generated once, built with `new Function`, run per record.
import type { Rex, RexCall, RexFieldAccess, RexInputRef, RexLiteral } from '../rex';
import { isNull } from '../types';
import { builtins } from './builtins';
import { Gen } from './gen';
import { OPS } from './operators';
import { udfCall } from './udf-call';
import { NULL, expr, isNullValue, type Value } from './value';

// ---------------------------------------------------------------------------------------------------------
// Nodes.

const KINDS: { readonly [K in Rex['kind']]: (g: Gen, r: Extract<Rex, { kind: K }>) => Value } = {
  inputRef: (_g, r: RexInputRef) => ({
    code: `row[${r.index}]`,
    nullable: r.type.nullable || isNull(r.type),
    atom: true,
  }),
  literal: (_g, r: RexLiteral) =>
    r.value === null ? NULL : { code: literalCode(r.value), nullable: false, atom: true },
  fieldAccess: (g, r: RexFieldAccess) => {
    const row = gen(g, r.expr);
    if (isNullValue(row)) return NULL;
    if (!row.nullable) return expr(`${row.code}[${r.index}]`, r.type.nullable);
    const t = g.temp();
    return expr(`((${t} = ${row.code}) == null ? null : ${t}[${r.index}])`, true);
  },
  call: (g, r: RexCall) => {
    if (r.udf)
      return udfCall(
        g,
        r,
        r.args.map((a) => gen(g, a)),
      );
    const op = OPS.get(r.op);
    if (op === undefined) throw new Error(`cannot compile ${r.op}: not a supported operator or function`);
    const [min, max] = op.arity;
    if (r.args.length < min || r.args.length > max) {
      const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw new Error(`cannot compile ${r.op}: it takes ${want} argument(s), got ${r.args.length}`);
    }
    return op.gen(
      g,
      r.args.map((a) => gen(g, a)),
      r,
    );
  },
};

function gen(g: Gen, rex: Rex): Value {
  return (KINDS[rex.kind] as (g: Gen, r: Rex) => Value)(g, rex);
}

function literalCode(v: number | string | boolean): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (Object.is(v, -0)) return '(-0)';
  return v < 0 ? `(${v})` : String(v);
}

// ---------------------------------------------------------------------------------------------------------
// Public API.

interface Generated {
  readonly source: string;
  readonly constants: readonly unknown[];
}

function generate(name: string, body: (g: Gen) => string): Generated {
  const g = new Gen();
  const result = body(g);
  return {
    source: `function ${name}(row) {\n${g.declarations()}  return ${result};\n}`,
    constants: g.constants,
  };
}

function instantiate<Fn>({ source, constants }: Generated): Fn {
  return new Function('F', 'K', `'use strict';\nreturn ${source};`)(builtins, constants) as Fn;
}

const scalarSource = (rex: Rex) => generate('scalar', (g) => gen(g, rex).code);

/**
 * The JavaScript source generated for `rex`, for tests and EXPLAIN: `F` is `builtins`, `K[i]` a precompiled
 * constant. Example: `rexToSource(call('+', [inputRef(0, T.int(false)), literal(1, T.int(false))], T.int(false)))`
 * contains `return (row[0] + 1);`.
 */
export function rexToSource(rex: Rex): string {
  return scalarSource(rex).source;
}

/**
 * Compiles `rex` to a function of the input row. Example: `compileScalar(rex)([1, 2])`.
 * Throws when `rex` uses an operator or CAST that weir cannot run, or a malformed literal pattern.
 */
export function compileScalar(rex: Rex): (row: readonly unknown[]) => unknown {
  return instantiate(scalarSource(rex));
}

/** Compiles a select list into one function that returns a new output array per row. */
export function compileProjection(exprs: readonly Rex[]): (row: readonly unknown[]) => unknown[] {
  return instantiate(
    generate('projection', (g) => {
      const cols = exprs.map((e) => gen(g, e).code);
      return cols.length === 0 ? '[]' : `[\n    ${cols.join(',\n    ')},\n  ]`;
    }),
  );
}

/** Compiles a condition (WHERE, join ON): true only when it is TRUE; NULL counts as false. */
export function compilePredicate(rex: Rex): (row: readonly unknown[]) => boolean {
  return instantiate(
    generate('predicate', (g) => {
      const v = gen(g, rex);
      return v.nullable ? `${v.code} === true` : v.code;
    }),
  );
}
