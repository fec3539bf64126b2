// Expression analysis: AST expressions → typed Rex over a scope, with SQL's type rules and clear errors.
import type { CallExpr, Expr, IntervalUnit } from '../../grammar/ast';
import { didYouMean } from '../../grammar/similar';
import {
  AGGREGATE_FUNCTIONS,
  RANKING_FUNCTIONS,
  SCALAR_FUNCTIONS,
  UNSUPPORTED_FUNCTIONS,
} from '../functions';
import { type Rex, call, literal } from '../rex';
import {
  T,
  type SqlType,
  arithmeticType,
  castable,
  commonType,
  comparable,
  isNumeric,
  isString,
  isTimestamp,
  materialize,
  typeFromAst,
  typeToString,
  withNullable,
} from '../types';
import type { Catalog } from '../catalog';
import type { Problems } from './problems';
import { userFunctionCall } from './user-functions';
import type { Scope } from './scope';

/** What an expression may contain where it is analyzed. */
export interface ExprContext {
  readonly scope: Scope;
  readonly problems: Problems;
  /** The clause, for messages: "WHERE", "ON", "SELECT". */
  readonly clause: string;
  /** Handles aggregate calls; when absent, aggregates are an error in this clause. */
  readonly aggregate?: (call: CallExpr, ctx: ExprContext) => Rex;
  /** Sees each sub-expression first and may stand in for it (GROUP BY expressions in the select list). */
  readonly intercept?: (e: Expr) => Rex | undefined;
  /** Called for each column reference not intercepted: may reject it (a column not in GROUP BY). */
  readonly checkColumn?: (e: Expr, rex: Rex) => void;
  /** Where user functions (CREATE FUNCTION) are looked up. */
  readonly functions?: Pick<Catalog, 'userFunction'>;
}

const UNIT_MS: Record<IntervalUnit, number> = {
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  MONTH: 0,
  YEAR: 0,
};

const BOOL = T.boolean(false);

/** Analyzes `e` in `ctx`. Errors are reported; the result then is a NULL literal so analysis continues. */
export function analyzeExpr(e: Expr, ctx: ExprContext): Rex {
  const replaced = ctx.intercept?.(e);
  if (replaced) return replaced;
  const p = ctx.problems;
  switch (e.kind) {
    case 'number':
      return numberLiteral(e.text);
    case 'string':
      return literal(e.value, T.string(false));
    case 'boolean':
      return literal(e.value, BOOL);
    case 'null':
      return literal(null, T.null());
    case 'interval': {
      if (e.unit === 'MONTH' || e.unit === 'YEAR')
        throw p.unsupported(`year-month intervals (INTERVAL '${e.value}' ${e.unit})`, e.span);
      const n = Number(e.value.trim());
      if (!Number.isFinite(n) || e.value.trim() === '') {
        throw p.bail(
          'bad-interval',
          `bad interval value '${e.value}': expected a number, e.g. INTERVAL '10' ${e.unit}`,
          e.span,
        );
      }
      return literal((e.negative ? -n : n) * UNIT_MS[e.unit], T.interval());
    }
    case 'timestamp': {
      const ms = parseTimestamp(e.value);
      if (ms === undefined) {
        throw p.bail(
          'bad-timestamp',
          `bad timestamp '${e.value}': expected 'yyyy-MM-dd HH:mm:ss[.SSS]'`,
          e.span,
        );
      }
      return literal(ms, T.timestamp(3, false));
    }
    case 'column': {
      // CURRENT_DATE, CURRENT_TIMESTAMP, LOCALTIMESTAMP: functions written without parentheses (SQL's niladic ones).
      const only = e.path.length === 1 && !e.path[0]!.quoted ? e.path[0]!.name.toUpperCase() : undefined;
      if (only && NILADIC.has(only) && !ctx.scope.fields.some((f) => f.name === e.path[0]!.name))
        return analyzeCall(
          { kind: 'call', name: e.path[0]!, args: [], distinct: false, span: e.span } as CallExpr,
          ctx,
        );
      const rex = ctx.scope.resolve(e, p);
      ctx.checkColumn?.(e, rex);
      return rex;
    }
    case 'star':
      throw p.bail('syntax', `'*' is only allowed in the select list or in COUNT(*)`, e.span);
    case 'unary': {
      const operand = analyzeExpr(e.operand, ctx);
      if (e.op === 'NOT')
        return call(
          'NOT',
          [expectBoolean(operand, e.operand, ctx, 'NOT')],
          withNullable(BOOL, operand.type.nullable),
        );
      if (!isNumeric(operand.type) && operand.type.kind !== 'NULL' && operand.type.kind !== 'INTERVAL') {
        throw p.bail(
          'type-mismatch',
          `cannot apply unary '${e.op}' to ${typeToString(operand.type)}: expected a number`,
          e.span,
        );
      }
      return e.op === '-' ? call('NEG', [operand], operand.type) : operand;
    }
    case 'binary':
      return analyzeBinary(e, ctx);
    case 'between': {
      const v = analyzeExpr(e.expr, ctx);
      const lo = analyzeExpr(e.low, ctx);
      const hi = analyzeExpr(e.high, ctx);
      for (const [bound, node] of [
        [lo, e.low],
        [hi, e.high],
      ] as const) {
        if (!comparable(v.type, bound.type)) {
          throw p.bail(
            'type-mismatch',
            `cannot compare ${typeToString(v.type)} with ${typeToString(bound.type)} in BETWEEN`,
            node.span,
          );
        }
      }
      const r = call(
        'BETWEEN',
        [v, lo, hi],
        withNullable(BOOL, v.type.nullable || lo.type.nullable || hi.type.nullable),
      );
      return e.negated ? call('NOT', [r], r.type) : r;
    }
    case 'in': {
      const v = analyzeExpr(e.expr, ctx);
      const list = e.list.map((x) => {
        const r = analyzeExpr(x, ctx);
        if (!comparable(v.type, r.type)) {
          throw p.bail(
            'type-mismatch',
            `cannot compare ${typeToString(v.type)} with ${typeToString(r.type)} in IN list`,
            x.span,
          );
        }
        return r;
      });
      const r = call(
        'IN',
        [v, ...list],
        withNullable(BOOL, v.type.nullable || list.some((x) => x.type.nullable)),
      );
      return e.negated ? call('NOT', [r], r.type) : r;
    }
    case 'like': {
      const v = analyzeExpr(e.expr, ctx);
      const pattern = analyzeExpr(e.pattern, ctx);
      expectString(v, e.expr, ctx, 'LIKE');
      expectString(pattern, e.pattern, ctx, 'LIKE');
      const r = call('LIKE', [v, pattern], withNullable(BOOL, v.type.nullable || pattern.type.nullable));
      return e.negated ? call('NOT', [r], r.type) : r;
    }
    case 'isNull': {
      const v = analyzeExpr(e.expr, ctx);
      return call(e.negated ? 'IS NOT NULL' : 'IS NULL', [v], BOOL);
    }
    case 'case':
      return analyzeCase(e, ctx);
    case 'cast': {
      const v = analyzeExpr(e.expr, ctx);
      const target = withNullable(typeFromAst(e.type), v.type.nullable || !e.type.notNull);
      if (!castable(v.type, target)) {
        throw p.bail(
          'type-mismatch',
          `cannot CAST ${typeToString(v.type)} to ${typeToString(target)}`,
          e.span,
        );
      }
      return call('CAST', [v], target);
    }
    case 'call':
      return analyzeCall(e, ctx);
  }
}

function numberLiteral(text: string): Rex {
  const n = Number(text);
  if (/[eE]/.test(text)) return literal(n, T.double(false));
  if (text.includes('.')) {
    const digits = text.replace('-', '');
    const [whole, frac = ''] = digits.split('.');
    const scale = frac.length;
    const precision = Math.max(1, (whole!.replace(/^0+/, '').length || 0) + scale);
    return literal(n, T.decimal(precision, scale, false));
  }
  if (n >= -2147483648 && n <= 2147483647) return literal(n, T.int(false));
  return literal(n, T.bigint(false));
}

/** `'2020-01-01 10:00:00[.123]'` as epoch milliseconds (UTC), or undefined. */
export function parseTimestamp(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/.exec(
    text.trim(),
  );
  if (!m) return undefined;
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls over (month 13 is next January): a date that does not come back unchanged does not exist.
  const d = new Date(t);
  if (Number.isNaN(t) || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return t;
}

function expectBoolean(r: Rex, e: Expr, ctx: ExprContext, what: string): Rex {
  if (r.type.kind !== 'BOOLEAN' && r.type.kind !== 'NULL') {
    throw ctx.problems.bail(
      'type-mismatch',
      `${what} expects a BOOLEAN, got ${typeToString(r.type)}`,
      e.span,
    );
  }
  return r;
}

function expectString(r: Rex, e: Expr, ctx: ExprContext, what: string): void {
  if (!isString(r.type) && r.type.kind !== 'NULL') {
    throw ctx.problems.bail('type-mismatch', `${what} expects a string, got ${typeToString(r.type)}`, e.span);
  }
}

function analyzeBinary(e: Extract<Expr, { kind: 'binary' }>, ctx: ExprContext): Rex {
  const p = ctx.problems;
  const l = analyzeExpr(e.left, ctx);
  const r = analyzeExpr(e.right, ctx);
  const nullable = l.type.nullable || r.type.nullable;
  switch (e.op) {
    case 'AND':
    case 'OR':
      expectBoolean(l, e.left, ctx, e.op);
      expectBoolean(r, e.right, ctx, e.op);
      return call(e.op, [l, r], withNullable(BOOL, nullable));
    case '=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (!comparable(l.type, r.type)) {
        throw p.bail(
          'type-mismatch',
          `cannot compare ${typeToString(l.type)} with ${typeToString(r.type)} using '${e.op}'`,
          e.span,
        );
      }
      return call(e.op, [l, r], withNullable(BOOL, nullable));
    case '||':
      expectString(l, e.left, ctx, "'||'");
      expectString(r, e.right, ctx, "'||'");
      return call('||', [l, r], T.string(nullable));
    default: {
      // Timestamp ± interval, and interval arithmetic.
      if ((e.op === '+' || e.op === '-') && isTimestamp(l.type) && r.type.kind === 'INTERVAL') {
        return call(e.op, [l, r], withNullable(materialize(l.type), nullable));
      }
      if (e.op === '+' && l.type.kind === 'INTERVAL' && isTimestamp(r.type)) {
        return call('+', [r, l], withNullable(materialize(r.type), nullable));
      }
      if (l.type.kind === 'INTERVAL' && r.type.kind === 'INTERVAL' && (e.op === '+' || e.op === '-')) {
        return call(e.op, [l, r], T.interval());
      }
      if ((isNumeric(l.type) || l.type.kind === 'NULL') && (isNumeric(r.type) || r.type.kind === 'NULL')) {
        const lt = l.type.kind === 'NULL' ? r.type : l.type;
        const rt = r.type.kind === 'NULL' ? l.type : r.type;
        if (lt.kind === 'NULL') return literal(null, T.null());
        return call(e.op, [l, r], withNullable(arithmeticType(e.op, lt, rt), nullable));
      }
      throw p.bail(
        'type-mismatch',
        `cannot apply '${e.op}' to ${typeToString(l.type)} and ${typeToString(r.type)}: expected numbers${e.op === '+' ? " (use '||' to join strings)" : ''}`,
        e.span,
      );
    }
  }
}

function analyzeCase(e: Extract<Expr, { kind: 'case' }>, ctx: ExprContext): Rex {
  const p = ctx.problems;
  const operand = e.operand ? analyzeExpr(e.operand, ctx) : undefined;
  const args: Rex[] = [];
  let type: SqlType | undefined;
  const meet = (r: Rex, node: Expr) => {
    const t: SqlType | undefined = type ? commonType(type, r.type) : r.type;
    if (!t) {
      throw p.bail(
        'type-mismatch',
        `CASE branches have no common type: ${typeToString(type!)} and ${typeToString(r.type)}`,
        node.span,
      );
    }
    type = t;
  };
  for (const w of e.whens) {
    let cond = analyzeExpr(w.when, ctx);
    if (operand) {
      if (!comparable(operand.type, cond.type)) {
        throw p.bail(
          'type-mismatch',
          `cannot compare ${typeToString(operand.type)} with ${typeToString(cond.type)} in CASE`,
          w.when.span,
        );
      }
      cond = call('=', [operand, cond], withNullable(BOOL, operand.type.nullable || cond.type.nullable));
    } else {
      expectBoolean(cond, w.when, ctx, 'WHEN');
    }
    const then = analyzeExpr(w.then, ctx);
    meet(then, w.then);
    args.push(cond, then);
  }
  if (e.otherwise) {
    const other = analyzeExpr(e.otherwise, ctx);
    meet(other, e.otherwise);
    args.push(other);
  }
  const result = withNullable(
    materialize(type!),
    !e.otherwise || args.some((a, i) => (i % 2 === 1 || i === args.length - 1) && a.type.nullable),
  );
  return call('CASE', args, result);
}

function analyzeCall(e: CallExpr, ctx: ExprContext): Rex {
  const p = ctx.problems;
  const name = e.name.name.toUpperCase();
  const user = ctx.functions?.userFunction(e.name.name);
  if (user) {
    if (user.signature.kind === 'aggregate' && !e.over) {
      if (!ctx.aggregate)
        throw p.bail(
          'aggregate-not-allowed',
          `aggregate function ${user.name} is not allowed in ${ctx.clause}`,
          e.span,
        );
      return ctx.aggregate(e, ctx);
    }
    return userFunctionCall(user, e, ctx, (a) => analyzeExpr(a, ctx));
  }
  const unsupported = UNSUPPORTED_FUNCTIONS.get(name);
  if (unsupported) throw p.unsupported(unsupported, e.span);
  if (e.over)
    throw p.unsupported(
      `${name}(...) OVER (...) in ${ctx.clause}; OVER belongs in the select list (filter on its column in an enclosing query)`,
      e.over.span,
    );
  if (RANKING_FUNCTIONS.has(name))
    throw p.bail(
      'syntax',
      `${name}() needs an OVER clause: ${name}() OVER (PARTITION BY … ORDER BY …)`,
      e.span,
    );
  if (AGGREGATE_FUNCTIONS.has(name)) {
    if (!ctx.aggregate) {
      throw p.bail(
        'aggregate-not-allowed',
        `aggregate function ${name} is not allowed in ${ctx.clause}${ctx.clause === 'WHERE' ? '; use HAVING to filter on aggregates' : ''}`,
        e.span,
      );
    }
    return ctx.aggregate(e, ctx);
  }
  if (e.distinct)
    throw p.bail('syntax', `DISTINCT is only allowed in aggregate functions, not in ${name}`, e.span);
  if (e.filter)
    throw p.bail(
      'syntax',
      `FILTER (WHERE ...) is only allowed on aggregate functions, not on ${name}`,
      e.span,
    );
  if (name === 'DESCRIPTOR') {
    throw p.bail(
      'syntax',
      'DESCRIPTOR(col) is only allowed as an argument of a window table function',
      e.span,
    );
  }
  const fn = SCALAR_FUNCTIONS.get(name);
  if (!fn) {
    const known = [...SCALAR_FUNCTIONS.keys(), ...AGGREGATE_FUNCTIONS.keys()];
    throw p.quietBail(
      e.name.name,
      'unknown-function',
      `unknown function '${e.name.name}'${didYouMean(name, known)}`,
      e.name.span,
    );
  }
  const args = e.args.map((a, i) =>
    i === 0 && TIME_UNIT_FUNCTIONS.has(name) ? timeUnitArgument(a, ctx) : analyzeExpr(a, ctx),
  );
  const inferred = fn.infer(args.map((a) => a.type));
  if ('error' in inferred) throw p.bail('type-mismatch', inferred.error, e.span);
  return call(name, args, inferred);
}

const NILADIC = new Set(['CURRENT_DATE', 'CURRENT_TIMESTAMP', 'LOCALTIMESTAMP']);
const TIME_UNIT_FUNCTIONS = new Set(['TIMESTAMPDIFF', 'TIMESTAMPADD']);

/** The unit keyword of TIMESTAMPDIFF(unit, …) / TIMESTAMPADD(unit, …), as a string literal. */
function timeUnitArgument(e: Expr, ctx: ExprContext): Rex {
  const unit = e.kind === 'column' && e.path.length === 1 ? e.path[0]!.name.toUpperCase() : undefined;
  const units = ['SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'];
  const singular = unit?.replace(/S$/, '');
  if (!singular || !units.includes(singular))
    throw ctx.problems.bail('syntax', `expected a time unit (${units.join(', ')})`, e.span);
  return literal(singular, T.string(false));
}

/** A constant interval argument (window sizes), in milliseconds. */
export function intervalArgument(e: Expr, ctx: ExprContext, what: string): number {
  const r = analyzeExpr(e, ctx);
  if (r.kind !== 'literal' || r.type.kind !== 'INTERVAL' || typeof r.value !== 'number') {
    throw ctx.problems.bail(
      'type-mismatch',
      `${what} must be an interval literal such as INTERVAL '10' SECOND`,
      e.span,
    );
  }
  if (r.value <= 0) throw ctx.problems.bail('bad-interval', `${what} must be positive`, e.span);
  return r.value;
}
