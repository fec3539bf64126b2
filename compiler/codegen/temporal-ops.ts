// Temporal operators: DATE_FORMAT and TO_TIMESTAMP (patterns precompiled when literal) and the current time.
import { isString } from '../types';
import { builtins } from './builtins';
import { isLiteral, op, type OpGen } from './op';
import { strict } from './null-logic';
import { expr } from './value';

export const dateFormat: OpGen = (g, a, c) => {
  const [ts, pattern] = c.args;
  if (isString(ts!.type))
    return strict(g, a, ([s, p]) => `F.DATE_FORMAT_STRING(${s}, ${p})`, { nullable: true });
  if (isLiteral(pattern, 'string')) {
    const format = g.constant(builtins.dateFormatter(pattern.value as string));
    return strict(g, [a[0]!], ([x]) => `${format}(${x})`);
  }
  return strict(g, a, ([x, p]) => `F.DATE_FORMAT(${x}, ${p})`);
};

export const toTimestamp: OpGen = (g, a, c) => {
  const pattern = c.args[1];
  if (isLiteral(pattern, 'string')) {
    const parse = g.constant(builtins.timestampParser(pattern.value as string));
    return strict(g, [a[0]!], ([s]) => `${parse}(${s})`, { nullable: true });
  }
  return strict(g, a, (xs) => `F.TO_TIMESTAMP(${xs.join(', ')})`, { nullable: true });
};

export const now = op(0, 0, () => expr('F.clock.now()'));
