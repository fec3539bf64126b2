// Conditional and membership operators: CASE/IF, COALESCE, IN and BETWEEN, with SQL's NULL rules.
import type { RexLiteral } from '../rex';
import type { OpGen } from './op';
import { and, share, strict } from './null-logic';
import { NULL, expr, isNullValue, type Value } from './value';

/** CASE when1, then1, …, [else] (and IF): a NULL condition counts as false; no ELSE gives NULL. */
export const caseWhen: OpGen = (_g, a) => {
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

export const coalesce: OpGen = (g, a) => {
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
export const inList: OpGen = (g, a, c) => {
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
export const between: OpGen = (g, a) => {
  const [v, low, high] = a as [Value, Value, Value];
  if (isNullValue(v)) return NULL;
  const [x, wrap] = share(g, v);
  const shared: Value = { code: x, nullable: false, atom: true };
  const ge = strict(g, [shared, low], ([p, q]) => `(${p} >= ${q})`);
  const le = strict(g, [shared, high], ([p, q]) => `(${p} <= ${q})`);
  const r = and(g, ge, le);
  return expr(wrap(r.code), v.nullable || r.nullable);
};
