// NULL in generated code: strict propagation (NULL in, NULL out), three-valued AND/OR and NULL-safe equality.
import type { Gen } from './gen';
import { NULL, expr, isNullValue, type Value } from './value';

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
export function strict(
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
export function and(g: Gen, a: Value, b: Value): Value {
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
export function or(g: Gen, a: Value, b: Value): Value {
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
export function share(g: Gen, v: Value): [string, (code: string) => string] {
  if (v.atom && !v.nullable) return [v.code, (code) => code];
  const t = g.temp();
  if (v.nullable) return [t, (code) => `((${t} = ${v.code}) == null ? null : ${code})`];
  return [t, (code) => `(${t} = ${v.code}, ${code})`];
}

/** a IS NOT DISTINCT FROM b: equality where NULL equals NULL (both sides evaluated once, into temporaries). */
export function notDistinct(g: Gen, [a, b]: readonly Value[]): Value {
  if (!a!.nullable && !b!.nullable) return expr(`(${a!.code} === ${b!.code})`);
  const ta = g.temp();
  const tb = g.temp();
  return expr(`(${ta} = ${a!.code}, ${tb} = ${b!.code}, ${ta} == null ? ${tb} == null : ${ta} === ${tb})`);
}
