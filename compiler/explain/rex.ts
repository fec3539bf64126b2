// Renders Rex expressions for EXPLAIN and operator names: infix operators, input columns by name.
import type { Rex } from '../rex';
import { typeToString } from '../types';

const INFIX = new Set(['+', '-', '*', '/', '%', '||', '=', '<>', '<', '<=', '>', '>=', 'AND', 'OR']);

/**
 * `names[i]` names input column i; a name used twice renders as `$i` so the text stays unambiguous.
 * @example rexToString(call('>', [inputRef(0, T.int()), literal(1, T.int())]), ['price']) // "price > 1"
 */
export function rexToString(r: Rex, names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  const name = (i: number) => {
    const n = names[i];
    if (n === undefined || counts.get(n) !== 1) return `$${i}`;
    return /^[A-Za-z_$][A-Za-z0-9_$]*$|^[A-Z_]+\([^()]*\)$/.test(n) ? n : `\`${n}\``;
  };
  const render = (x: Rex, top: boolean): string => {
    switch (x.kind) {
      case 'inputRef':
        return name(x.index);
      case 'literal':
        if (x.value === null) return 'NULL';
        if (x.type.kind === 'INTERVAL') return `INTERVAL '${Number(x.value) / 1000}' SECOND`;
        if (x.type.kind === 'TIMESTAMP')
          return `TIMESTAMP '${new Date(Number(x.value)).toISOString().replace('T', ' ').replace('Z', '')}'`;
        return typeof x.value === 'string' ? `'${x.value.replace(/'/g, "''")}'` : String(x.value);
      case 'fieldAccess':
        return `${render(x.expr, false)}.${x.name}`;
      case 'call': {
        const a = x.args.map((y) => render(y, false));
        let s: string;
        if (INFIX.has(x.op) && a.length === 2) s = `${a[0]} ${x.op} ${a[1]}`;
        else if (x.op === 'NOT') s = `NOT ${a[0]}`;
        else if (x.op === 'NEG') s = `-${a[0]}`;
        else if (x.op === 'IS NULL' || x.op === 'IS NOT NULL') s = `${a[0]} ${x.op}`;
        else if (x.op === 'BETWEEN') s = `${a[0]} BETWEEN ${a[1]} AND ${a[2]}`;
        else if (x.op === 'LIKE') s = `${a[0]} LIKE ${a[1]}`;
        else if (x.op === 'IN') s = `${a[0]} IN (${a.slice(1).join(', ')})`;
        else if (x.op === 'CAST') return `CAST(${render(x.args[0]!, true)} AS ${typeToString(x.type)})`;
        else if (x.op === 'CASE') {
          const parts: string[] = [];
          for (let i = 0; i + 1 < x.args.length; i += 2)
            parts.push(`WHEN ${render(x.args[i]!, true)} THEN ${render(x.args[i + 1]!, true)}`);
          if (x.args.length % 2 === 1) parts.push(`ELSE ${render(x.args[x.args.length - 1]!, true)}`);
          return `CASE ${parts.join(' ')} END`;
        } else return `${x.op}(${x.args.map((y) => render(y, true)).join(', ')})`;
        return top ? s : `(${s})`;
      }
    }
  };
  return render(r, true);
}
