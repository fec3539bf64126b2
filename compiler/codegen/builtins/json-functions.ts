// JSON_VALUE, JSON_QUERY, JSON_EXISTS and JSON_ARRAY over JSON text, with a lax JSON path subset: $, .key, ['key'], [n], [*].

type Path = readonly (string | number | '*')[];

const paths = new Map<string, Path | null>();

/** Parses `$.a.b[0]['c d'][*]`; null when the path is not of that form. */
function parsePath(text: string): Path | null {
  let p = paths.get(text);
  if (p !== undefined) return p;
  const steps: (string | number | '*')[] = [];
  const t = text.trim().replace(/^lax\s+/i, '');
  let i = 1;
  p = t[0] === '$' ? steps : null;
  while (p && i < t.length) {
    const m =
      /^\.([A-Za-z_$][\w$]*)/.exec(t.slice(i)) ??
      /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(t.slice(i)) ??
      /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(t.slice(i)) ??
      /^\[\s*(\d+|\*)\s*\]/.exec(t.slice(i));
    if (!m) {
      p = null;
      break;
    }
    steps.push(m[1] === '*' ? '*' : /^\d+$/.test(m[1]!) && m[0].startsWith('[') ? Number(m[1]) : m[1]!);
    i += m[0].length;
  }
  if (paths.size > 256) paths.clear();
  paths.set(text, p);
  return p;
}

/** The values the path selects (lax: a missing member selects nothing). */
function select(json: string, pathText: string): unknown[] | null {
  const path = parsePath(pathText);
  if (path === null) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return null;
  }
  let current: unknown[] = [doc];
  for (const step of path) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step === '*') {
        if (Array.isArray(v)) next.push(...v);
      } else if (typeof step === 'number') {
        if (Array.isArray(v) && step < v.length) next.push(v[step]);
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && step in v) {
        next.push((v as Record<string, unknown>)[step]);
      }
    }
    current = next;
  }
  return current;
}

/** JSON_VALUE(json, path): the scalar the path selects, as a string; NULL for none, an object or an array. */
export function JSON_VALUE(json: string, path: string): string | null {
  const r = select(json, path);
  if (r === null || r.length !== 1) return null;
  const v = r[0];
  return v === null || typeof v === 'object' ? null : String(v);
}

/** JSON_QUERY(json, path): the object or array the path selects, as JSON text; NULL otherwise. */
export function JSON_QUERY(json: string, path: string): string | null {
  const r = select(json, path);
  if (r === null || r.length !== 1 || r[0] === null || typeof r[0] !== 'object') return null;
  return JSON.stringify(r[0]);
}

/** JSON_EXISTS(json, path): whether the path selects something (FALSE for text that is not JSON). */
export function JSON_EXISTS(json: string, path: string): boolean {
  const r = select(json, path);
  return r !== null && r.length > 0;
}

/** JSON_ARRAY(v1, …): a JSON array of the values, NULLs left out (Flink's default ABSENT ON NULL). */
export function JSON_ARRAY(...values: unknown[]): string {
  return JSON.stringify(values.filter((v) => v !== null && v !== undefined));
}

/** s IS JSON: whether s is JSON text. */
export function IS_JSON(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
