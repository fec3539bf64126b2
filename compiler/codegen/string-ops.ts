// String operators: LIKE (planned at compile time for literal patterns), concatenation and REGEXP_EXTRACT.
import { T, isNull, isString } from '../types';
import { builtins, likePlan, type LikePlan } from './builtins';
import { castValue } from './cast';
import type { Gen } from './gen';
import { isLiteral, type OpGen } from './op';
import { strict } from './null-logic';
import { NULL } from './value';

/** LIKE with a literal pattern is planned at compile time (string tests or one RegExp); else cached at run time. */
export const like: OpGen = (g, a, c) => {
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
export const concat: OpGen = (g, a, c) => {
  const parts = a.map((v, i) => {
    const t = c.args[i]!.type;
    return isString(t) || isNull(t) ? v : castValue(g, v, t, T.string(v.nullable));
  });
  return strict(g, parts, (xs) => (xs.length === 1 ? xs[0]! : `(${xs.join(' + ')})`));
};

export const regexpExtract: OpGen = (g, a, c) => {
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
