// Compiles row expressions (Rex) to JavaScript: source generated once, built with `new Function`, run per record.
import type { Rex, RexCall, RexFieldAccess, RexInputRef, RexLiteral } from '../rex';
import {
  type SqlType,
  T,
  castable,
  isApproximate,
  isInteger,
  isNull,
  isNumeric,
  isString,
  isTimestamp,
  materialize,
  typeToString,
  withNullable,
} from '../types';
import { builtins, likePlan, type LikePlan } from './builtins';

/**
 * A generated JS expression. `nullable`: it may evaluate to null (or undefined). `atom`: it is cheap and free
 * of effects, so it may be repeated. Compound code is always parenthesized, so values compose textually.
 */
interface Value {
  readonly code: string;
  readonly nullable: boolean;
  readonly atom?: boolean;
}

const NULL: Value = { code: 'null', nullable: true, atom: true };
const expr = (code: string, nullable = false): Value => ({ code, nullable });
const isNullValue = (v: Value) => v.code === 'null';

/** Generation state of one function: temporaries (declared once at its top) and constants (`K[i]`). */
class Gen {
  private temps = 0;
  readonly constants: unknown[] = [];

  temp(): string {
    return `v${this.temps++}`;
  }

  /** A precompiled object (RegExp, Set, formatter) that the generated code reads as `K[i]`. */
  constant(c: unknown): string {
    this.constants.push(c);
    return `K[${this.constants.length - 1}]`;
  }

  declarations(): string {
    if (this.temps === 0) return '';
    return `  let ${Array.from({ length: this.temps }, (_, i) => `v${i}`).join(', ')};\n`;
  }
}

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
// Null propagation and three-valued logic.

interface StrictOptions {
  /** Operands that `body` uses more than once: evaluated into a temporary unless atomic. */
  readonly reuse?: readonly number[];
  /** `body` itself may yield null for non-null operands (REGEXP_EXTRACT, TO_TIMESTAMP, …). */
  readonly nullable?: boolean;
}

/**
 * `body` applied to the operands, NULL if any operand is NULL. Nullable operands are evaluated into
 * temporaries and tested once; operands whose type is NOT NULL are used as they are, without a test.
 */
function strict(
  g: Gen,
  args: readonly Value[],
  body: (c: string[]) => string,
  opts: StrictOptions = {},
): Value {
  if (args.some(isNullValue)) return NULL;
  const pre: string[] = [];
  const checks: string[] = [];
  const codes: string[] = [];
  args.forEach((a, i) => {
    if (a.nullable) {
      const t = g.temp();
      checks.push(`(${t} = ${a.code}) == null`);
      codes.push(t);
    } else if (!a.atom && opts.reuse?.includes(i)) {
      const t = g.temp();
      pre.push(`${t} = ${a.code}`);
      codes.push(t);
    } else {
      codes.push(a.code);
    }
  });
  let code = body(codes);
  if (checks.length > 0) code = `(${checks.join(' || ')} ? null : ${code})`;
  if (pre.length > 0) code = `(${pre.join(', ')}, ${code})`;
  return { code, nullable: checks.length > 0 || (opts.nullable ?? false) };
}

/** SQL AND: FALSE wins over NULL; `b` is evaluated only when `a` is not FALSE. */
function and(g: Gen, a: Value, b: Value): Value {
  if (!a.nullable) return expr(`(${a.code} && ${b.code})`, b.nullable);
  const ta = g.temp();
  if (!b.nullable) return expr(`((${ta} = ${a.code}) === false ? false : ${b.code} && ${ta})`, true);
  const tb = g.temp();
  return expr(
    `((${ta} = ${a.code}) === false || (${tb} = ${b.code}) === false ? false : ${ta} && ${tb})`,
    true,
  );
}

/** SQL OR: TRUE wins over NULL; `b` is evaluated only when `a` is not TRUE. */
function or(g: Gen, a: Value, b: Value): Value {
  if (!a.nullable) return expr(`(${a.code} || ${b.code})`, b.nullable);
  const ta = g.temp();
  if (!b.nullable) return expr(`((${ta} = ${a.code}) === true ? true : ${b.code} || ${ta})`, true);
  const tb = g.temp();
  return expr(
    `((${ta} = ${a.code}) === true || (${tb} = ${b.code}) === true ? true : ${ta} === false && ${tb} === false ? false : null)`,
    true,
  );
}

/** Evaluates `v` once for several uses: the code to use, and a wrapper that puts the evaluation first. */
function share(g: Gen, v: Value): [string, (code: string) => string] {
  if (v.atom && !v.nullable) return [v.code, (code) => code];
  const t = g.temp();
  if (v.nullable) return [t, (code) => `((${t} = ${v.code}) == null ? null : ${code})`];
  return [t, (code) => `(${t} = ${v.code}, ${code})`];
}

// ---------------------------------------------------------------------------------------------------------
// Operators and functions.

type OpGen = (g: Gen, args: readonly Value[], call: RexCall) => Value;

interface Op {
  readonly arity: readonly [number, number];
  readonly gen: OpGen;
}

const op = (min: number, max: number, g: OpGen): Op => ({ arity: [min, max], gen: g });
const isLiteral = (r: Rex | undefined, type: string): r is RexLiteral =>
  r?.kind === 'literal' && typeof r.value === type;

const binary = (js: string) => op(2, 2, (g, a) => strict(g, a, ([x, y]) => `(${x} ${js} ${y})`));
const fn = (name: string, min: number, max = min, nullable = false) =>
  op(min, max, (g, a) => strict(g, a, (xs) => `F.${name}(${xs.join(', ')})`, { nullable }));
const method = (name: string) => op(1, 1, (g, a) => strict(g, a, ([x]) => `${x}.${name}()`));
const negated =
  (inner: OpGen): OpGen =>
  (g, a, c) =>
    strict(g, [inner(g, a, c)], ([x]) => `(!${x})`);

/** Integer `/` truncates toward zero; by zero it throws. Other numeric types divide as doubles. */
const divide: OpGen = (g, a, c) => {
  if (!isInteger(c.type)) return strict(g, a, ([x, y]) => `(${x} / ${y})`);
  if (nonZeroLiteral(c.args[1]!)) return strict(g, a, ([x, y]) => `(Math.trunc(${x} / ${y}) + 0)`);
  return strict(g, a, ([x, y]) => `(${y} === 0 ? F.divisionByZero() : Math.trunc(${x} / ${y}) + 0)`, {
    reuse: [1],
  });
};

/** `%` and MOD: JS remainder takes the dividend's sign, as Java; integer remainder by zero throws. */
const remainder: OpGen = (g, a, c) => {
  if (!isInteger(c.type)) return strict(g, a, ([x, y]) => `(${x} % ${y})`);
  if (nonZeroLiteral(c.args[1]!)) return strict(g, a, ([x, y]) => `(${x} % ${y} + 0)`);
  return strict(g, a, ([x, y]) => `(${y} === 0 ? F.divisionByZero() : ${x} % ${y} + 0)`, { reuse: [1] });
};

const nonZeroLiteral = (r: Rex) => isLiteral(r, 'number') && r.value !== 0;

/** CASE when1, then1, …, [else] (and IF): a NULL condition counts as false; no ELSE gives NULL. */
const caseWhen: OpGen = (_g, a) => {
  let result = a.length % 2 === 1 ? a[a.length - 1]! : NULL;
  for (let i = Math.floor(a.length / 2) - 1; i >= 0; i--) {
    const cond = a[2 * i]!;
    const then = a[2 * i + 1]!;
    if (cond.code === 'true') result = then;
    else if (cond.code !== 'false' && cond.code !== 'null') {
      const test = cond.nullable ? `${cond.code} === true` : cond.code;
      result = expr(`(${test} ? ${then.code} : ${result.code})`, then.nullable || result.nullable);
    }
  }
  return result;
};

const coalesce: OpGen = (g, a) => {
  const live: Value[] = [];
  for (const v of a) {
    if (isNullValue(v)) continue;
    live.push(v);
    if (!v.nullable) break;
  }
  if (live.length === 0) return NULL;
  let result = live[live.length - 1]!;
  for (let i = live.length - 2; i >= 0; i--) {
    const t = g.temp();
    result = expr(`((${t} = ${live[i]!.code}) != null ? ${t} : ${result.code})`, result.nullable);
  }
  return result;
};

/** value IN (list…): TRUE on a match; else NULL if the value or any list item is NULL; else FALSE. */
const inList: OpGen = (g, a, c) => {
  const [v, ...items] = a;
  if (isNullValue(v!)) return NULL;
  const list = c.args.slice(1);
  if (list.length >= 8 && list.every((r) => r.kind === 'literal' && r.value !== null)) {
    const set = g.constant(new Set(list.map((r) => (r as RexLiteral).value)));
    return strict(g, [v!], ([x]) => `${set}.has(${x})`);
  }
  const [x, wrap] = share(g, v!);
  const terms: string[] = [];
  const nullTemps: string[] = [];
  let hasNull = false;
  for (const item of items) {
    if (isNullValue(item)) hasNull = true;
    else if (!item.nullable) terms.push(`${x} === ${item.code}`);
    else {
      const t = g.temp();
      terms.push(`(${t} = ${item.code}) === ${x}`);
      nullTemps.push(t);
    }
  }
  const match = terms.length > 0 ? terms.join(' || ') : 'false';
  const miss = hasNull
    ? 'null'
    : nullTemps.length > 0
      ? `${nullTemps.map((t) => `${t} == null`).join(' || ')} ? null : false`
      : '';
  return expr(
    wrap(miss ? `(${match} ? true : ${miss})` : `(${match})`),
    v!.nullable || hasNull || nullTemps.length > 0,
  );
};

/** value BETWEEN low AND high = value >= low AND value <= high, with three-valued AND. */
const between: OpGen = (g, a) => {
  const [v, low, high] = a as [Value, Value, Value];
  if (isNullValue(v)) return NULL;
  const [x, wrap] = share(g, v);
  const shared: Value = { code: x, nullable: false, atom: true };
  const ge = strict(g, [shared, low], ([p, q]) => `(${p} >= ${q})`);
  const le = strict(g, [shared, high], ([p, q]) => `(${p} <= ${q})`);
  const r = and(g, ge, le);
  return expr(wrap(r.code), v.nullable || r.nullable);
};

/** LIKE with a literal pattern is planned at compile time (string tests or one RegExp); else cached at run time. */
const like: OpGen = (g, a, c) => {
  const [, pattern, escape] = c.args;
  if (isLiteral(pattern, 'string') && (escape === undefined || isLiteral(escape, 'string'))) {
    const plan = likePlan(pattern.value as string, escape?.value as string | undefined);
    return strict(g, [a[0]!], ([s]) => likeCode(g, plan, s!));
  }
  return strict(g, a, (xs) => `F.LIKE(${xs.join(', ')})`);
};

function likeCode(g: Gen, plan: LikePlan, s: string): string {
  switch (plan.kind) {
    case 'regex':
      return `${g.constant(plan.regex)}.test(${s})`;
    case 'any':
      return 'true';
    case 'equals':
      return `(${s} === ${JSON.stringify(plan.text)})`;
    case 'prefix':
      return `${s}.startsWith(${JSON.stringify(plan.text)})`;
    case 'suffix':
      return `${s}.endsWith(${JSON.stringify(plan.text)})`;
    case 'contains':
      return `${s}.includes(${JSON.stringify(plan.text)})`;
  }
}

/** `||` and CONCAT: strings joined (other types cast to STRING first); NULL if any part is NULL. */
const concat: OpGen = (g, a, c) => {
  const parts = a.map((v, i) => {
    const t = c.args[i]!.type;
    return isString(t) || isNull(t) ? v : castValue(g, v, t, T.string(v.nullable));
  });
  return strict(g, parts, (xs) => (xs.length === 1 ? xs[0]! : `(${xs.join(' + ')})`));
};

const dateFormat: OpGen = (g, a, c) => {
  const [ts, pattern] = c.args;
  if (isString(ts!.type))
    return strict(g, a, ([s, p]) => `F.DATE_FORMAT_STRING(${s}, ${p})`, { nullable: true });
  if (isLiteral(pattern, 'string')) {
    const format = g.constant(builtins.dateFormatter(pattern.value as string));
    return strict(g, [a[0]!], ([x]) => `${format}(${x})`);
  }
  return strict(g, a, ([x, p]) => `F.DATE_FORMAT(${x}, ${p})`);
};

const regexpExtract: OpGen = (g, a, c) => {
  const source = c.args[1];
  if (isLiteral(source, 'string')) {
    const re = builtins.regex(source.value as string);
    if (re === null) return NULL;
    const k = g.constant(re);
    return strict(g, [a[0]!, ...a.slice(2)], (xs) => `F.regexpExtractWith(${[k, ...xs].join(', ')})`, {
      nullable: true,
    });
  }
  return strict(g, a, (xs) => `F.REGEXP_EXTRACT(${xs.join(', ')})`, { nullable: true });
};

const toTimestamp: OpGen = (g, a, c) => {
  const pattern = c.args[1];
  if (isLiteral(pattern, 'string')) {
    const parse = g.constant(builtins.timestampParser(pattern.value as string));
    return strict(g, [a[0]!], ([s]) => `${parse}(${s})`, { nullable: true });
  }
  return strict(g, a, (xs) => `F.TO_TIMESTAMP(${xs.join(', ')})`, { nullable: true });
};

const floorOrCeil = (name: 'floor' | 'ceil'): Op =>
  op(1, 1, (g, a, c) => (isInteger(c.args[0]!.type) ? a[0]! : strict(g, a, ([x]) => `Math.${name}(${x})`)));

const now = op(0, 0, () => expr('F.clock.now()'));

const OPS: ReadonlyMap<string, Op> = new Map<string, Op>([
  ['+', binary('+')],
  ['-', binary('-')],
  [
    '*',
    op(2, 2, (g, a, c) =>
      strict(g, a, ([x, y]) => (isInteger(c.type) ? `(${x} * ${y} + 0)` : `(${x} * ${y})`)),
    ),
  ],
  ['/', op(2, 2, divide)],
  ['%', op(2, 2, remainder)],
  ['MOD', op(2, 2, remainder)],
  ['NEG', op(1, 1, (g, a, c) => strict(g, a, ([x]) => (isInteger(c.type) ? `(0 - ${x})` : `(-${x})`)))],
  ['=', binary('===')],
  ['<>', binary('!==')],
  ['!=', binary('!==')],
  ['<', binary('<')],
  ['<=', binary('<=')],
  ['>', binary('>')],
  ['>=', binary('>=')],
  ['AND', op(2, Infinity, (g, a) => a.reduce((x, y) => and(g, x, y)))],
  ['OR', op(2, Infinity, (g, a) => a.reduce((x, y) => or(g, x, y)))],
  ['NOT', op(1, 1, (g, a) => strict(g, a, ([x]) => `(!${x})`))],
  ['IS NULL', op(1, 1, (_g, [x]) => (x!.nullable ? expr(`(${x!.code} == null)`) : expr('false')))],
  ['IS NOT NULL', op(1, 1, (_g, [x]) => (x!.nullable ? expr(`(${x!.code} != null)`) : expr('true')))],
  ['IS TRUE', op(1, 1, (_g, [x]) => expr(`(${x!.code} === true)`))],
  ['IS NOT TRUE', op(1, 1, (_g, [x]) => expr(`(${x!.code} !== true)`))],
  ['IS FALSE', op(1, 1, (_g, [x]) => expr(`(${x!.code} === false)`))],
  ['IS NOT FALSE', op(1, 1, (_g, [x]) => expr(`(${x!.code} !== false)`))],
  ['IS NOT DISTINCT FROM', op(2, 2, (g, a) => notDistinct(g, a))],
  ['IS DISTINCT FROM', op(2, 2, (g, a) => expr(`(!${notDistinct(g, a).code})`))],
  ['||', op(2, 2, concat)],
  ['CONCAT', op(1, Infinity, concat)],
  ['CASE', op(2, Infinity, caseWhen)],
  ['IF', op(3, 3, caseWhen)],
  ['COALESCE', op(1, Infinity, coalesce)],
  ['IN', op(2, Infinity, inList)],
  ['NOT IN', op(2, Infinity, negated(inList))],
  ['BETWEEN', op(3, 3, between)],
  ['NOT BETWEEN', op(3, 3, negated(between))],
  ['LIKE', op(2, 3, like)],
  ['NOT LIKE', op(2, 3, negated(like))],
  ['CAST', op(1, 1, (g, [x], c) => castValue(g, x!, c.args[0]!.type, c.type))],
  ['ABS', op(1, 1, (g, a) => strict(g, a, ([x]) => `Math.abs(${x})`))],
  ['FLOOR', floorOrCeil('floor')],
  ['CEIL', floorOrCeil('ceil')],
  ['ROUND', fn('ROUND', 1, 2)],
  ['LOWER', method('toLowerCase')],
  ['UPPER', method('toUpperCase')],
  ['TRIM', fn('TRIM', 1)],
  ['CHAR_LENGTH', op(1, 1, (g, a) => strict(g, a, ([x]) => `${x}.length`))],
  ['SUBSTRING', fn('SUBSTRING', 2, 3)],
  ['DATE_FORMAT', op(2, 2, dateFormat)],
  ['REGEXP_EXTRACT', op(2, 3, regexpExtract)],
  ['SPLIT_INDEX', fn('SPLIT_INDEX', 3, 3, true)],
  ['TO_TIMESTAMP', op(1, 2, toTimestamp)],
  ['TO_TIMESTAMP_LTZ', fn('TO_TIMESTAMP_LTZ', 2)],
  ['YEAR', fn('YEAR', 1)],
  ['MONTH', fn('MONTH', 1)],
  ['DAYOFMONTH', fn('DAYOFMONTH', 1)],
  ['HOUR', fn('HOUR', 1)],
  ['MINUTE', fn('MINUTE', 1)],
  ['SECOND', fn('SECOND', 1)],
  ['PROCTIME', now],
  ['CURRENT_TIMESTAMP', now],
  ['NOW', now],
  ['LOCALTIMESTAMP', now],
]);

/** a IS NOT DISTINCT FROM b: equality where NULL equals NULL (both sides evaluated once, into temporaries). */
function notDistinct(g: Gen, [a, b]: readonly Value[]): Value {
  if (!a!.nullable && !b!.nullable) return expr(`(${a!.code} === ${b!.code})`);
  const ta = g.temp();
  const tb = g.temp();
  return expr(`(${ta} = ${a!.code}, ${tb} = ${b!.code}, ${ta} == null ? ${tb} == null : ${ta} === ${tb})`);
}

// ---------------------------------------------------------------------------------------------------------
// CAST (the target type is the call's type; invalid input throws, as Flink's CAST).

type Converter = (x: string) => string;

const show = (t: SqlType) => typeToString(withNullable(materialize(t), true));

const RANK: Record<string, number> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4 };
const WRAP: Record<string, Converter> = {
  TINYINT: (x) => `((${x} << 24) >> 24)`,
  SMALLINT: (x) => `((${x} << 16) >> 16)`,
  INT: (x) => `(${x} | 0)`,
};
const RANGE: Record<string, readonly [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  BIGINT: [-(2 ** 63), 2 ** 63],
};
const MS_PER_DAY = 86_400_000;

function castValue(g: Gen, v: Value, from: SqlType, to: SqlType): Value {
  if (!castable(from, to))
    throw new Error(`cannot compile CAST from ${show(from)} to ${show(to)}: not supported`);
  if (isNullValue(v) || isNull(from)) return NULL;
  const convert = converter(from, to);
  return convert === undefined ? v : strict(g, [v], ([x]) => convert(x!));
}

/** The conversion code for a CAST, or undefined when the value stays as it is. */
function converter(from: SqlType, to: SqlType): Converter | undefined {
  const name = JSON.stringify(show(to));
  if (isString(to)) {
    const str = toStringConverter(from);
    if (to.kind !== 'VARCHAR' || (from.kind === 'VARCHAR' && from.length <= to.length)) return str;
    return (x) => `F.truncate(${str ? str(x) : x}, ${to.length})`;
  }
  if (isInteger(to)) {
    if (isInteger(from)) return RANK[to.kind]! < RANK[from.kind]! ? WRAP[to.kind] : undefined;
    if (isNumeric(from)) return (x) => `(Math.trunc(${x}) + 0)`;
    if (from.kind === 'BOOLEAN') return (x) => `(${x} ? 1 : 0)`;
    if (isString(from)) {
      const [min, max] = RANGE[to.kind]!;
      return (x) => `F.stringToInteger(${x}, ${name}, ${min}, ${max})`;
    }
    if (isTimestamp(from)) return (x) => `Math.floor(${x} / 1000)`;
    return undefined; // DATE → BIGINT: days since the epoch
  }
  if (isApproximate(to) || to.kind === 'DECIMAL') {
    const scale = to.kind === 'DECIMAL' ? to.scale : undefined;
    if (from.kind === 'BOOLEAN') return (x) => `(${x} ? 1 : 0)`;
    if (isString(from)) {
      return scale === undefined
        ? (x) => `F.stringToDouble(${x}, ${name})`
        : (x) => `F.stringToDecimal(${x}, ${name}, ${scale})`;
    }
    const exact = isInteger(from) || (from.kind === 'DECIMAL' && scale !== undefined && from.scale <= scale);
    return scale === undefined || exact ? undefined : (x) => `F.ROUND(${x}, ${scale})`;
  }
  if (to.kind === 'BOOLEAN') {
    if (isNumeric(from)) return (x) => `(${x} !== 0)`;
    return isString(from) ? (x) => `F.stringToBoolean(${x})` : undefined;
  }
  if (isTimestamp(to)) {
    const base = timestampConverter(from, name);
    const fromPrecision = from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ' ? from.precision : 3;
    if (to.precision >= 3 || fromPrecision <= to.precision) return base;
    return (x) => `F.truncateTimestamp(${base ? base(x) : x}, ${to.precision})`;
  }
  if (to.kind === 'DATE') {
    if (isTimestamp(from)) return (x) => `Math.floor(${x} / ${MS_PER_DAY})`;
    if (isString(from)) return (x) => `F.stringToDate(${x})`;
    return undefined;
  }
  if (from.kind === to.kind) return undefined;
  throw new Error(`cannot compile CAST from ${show(from)} to ${show(to)}: not supported`);
}

function toStringConverter(from: SqlType): Converter | undefined {
  if (isString(from)) return undefined;
  if (isInteger(from)) return (x) => `("" + ${x})`;
  if (isApproximate(from)) return (x) => `F.doubleToString(${x})`;
  if (from.kind === 'DECIMAL') return (x) => `F.decimalToString(${x}, ${from.scale})`;
  if (from.kind === 'BOOLEAN') return (x) => `(${x} ? "TRUE" : "FALSE")`;
  if (from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ') {
    return (x) => `F.timestampToString(${x}, ${from.precision})`;
  }
  if (from.kind === 'DATE') return (x) => `F.dateToString(${x})`;
  throw new Error(`cannot compile CAST from ${show(from)} to STRING: not supported`);
}

function timestampConverter(from: SqlType, name: string): Converter | undefined {
  if (from.kind === 'DATE') return (x) => `(${x} * ${MS_PER_DAY})`;
  if (isString(from)) return (x) => `F.stringToTimestamp(${x}, ${name})`;
  if (isInteger(from)) return (x) => `(${x} * 1000)`;
  return undefined;
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
