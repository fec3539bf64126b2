// Tests for the optimizer rules: the plans they produce, where they must not apply, and that they keep results.
import { rowComparator } from '../../runtime/operators/row-order';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePredicate, compileProjection } from '../../compiler/codegen/compile-rex';
import { type CompiledJob, compileScript, explainLogical } from '../../compiler/index';
import type { AggCall, LogicalNode, WindowSpec } from '../../compiler/logical/plan';
import { optimize } from '../../compiler/optimizer/optimizer';
import { RULES } from '../../compiler/optimizer/rules/index';
import { NodeUdfLoader } from '../../runtime/node/udf-loader';
import { typeToString } from '../../compiler/types';

const DDL = `
CREATE TABLE a (id INT, x INT, s STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'datagen');
CREATE TABLE b (id INT, y INT, t STRING) WITH ('connector' = 'datagen');
CREATE TABLE c (id INT, z INT) WITH ('connector' = 'datagen');
CREATE TABLE out1 (p INT) WITH ('connector' = 'blackhole');
CREATE TABLE out2 (p INT, q INT) WITH ('connector' = 'blackhole');
CREATE TABLE out3 (p INT, q INT, r INT) WITH ('connector' = 'blackhole');
CREATE TABLE outs (p INT, q STRING) WITH ('connector' = 'blackhole');
CREATE TABLE outw (p TIMESTAMP(3), q BIGINT) WITH ('connector' = 'blackhole');
`;

/** The one job of `DDL` followed by `query`; fails the test on any diagnostic. */
function job(query: string): CompiledJob {
  const r = compileScript(DDL + query);
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  const jobs = r.statements.flatMap((s) => (s.kind === 'job' ? [s.job] : []));
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}

const optimized = (query: string) => explainLogical(job(query).optimized);

/** The plan's text without line numbers, one string per node, indented by depth. */
const nodes = (plan: string) => plan.split('\n').map((l) => l.replace(/^\s*\d+ /, ''));

/** The nodes of a plan without their indentation. */
const flat = (plan: string) => nodes(plan).map((l) => l.trim());

describe('filter-push-down', () => {
  it("turns q4's comma join with its condition in WHERE into an equi-join", () => {
    const j = job(`INSERT INTO out2 SELECT a.x, b.y FROM a, b WHERE a.id = b.id AND a.x > 1 AND b.y < 2;`);
    expect(explainLogical(j.optimized)).toBe(
      [
        '1 Sink(table=[out2], fields=[p INT, q INT])',
        '2   Project(x=[x], y=[y])',
        '3     Join(type=[INNER], condition=[$0 = $4])',
        '4       Filter(condition=[x > 1])',
        "5         WatermarkAssigner(rowtime=[ts], watermark=[ts - INTERVAL '1' SECOND])",
        '6           Scan(table=[a], fields=[id, x, s, ts])',
        '7       Filter(condition=[y < 2])',
        '8         Scan(table=[b], fields=[id, y, t])',
      ].join('\n'),
    );
    expect(j.appliedRules).toContain('filter-push-down');
  });

  it('does the same for q4 itself', () => {
    const text = readFileSync('queries/nexmark/q4.sql', 'utf8');
    const q4 = compileScript(text).statements.flatMap((s) => (s.kind === 'job' ? [s.job] : []))[0]!;
    const plan = flat(explainLogical(q4.optimized));
    expect(plan).toContain('Join(type=[INNER], condition=[(id = auction) AND ($15 BETWEEN $5 AND expires)])');
    expect(plan.some((l) => l.startsWith('Filter(condition=[(id = auction)'))).toBe(false);
    expect(q4.appliedRules).toContain('filter-push-down');
  });

  it("pushes an INNER join's single-side ON conjuncts into its inputs", () => {
    const plan = flat(
      optimized(`INSERT INTO out2 SELECT a.x, b.y FROM a JOIN b ON a.id = b.id AND a.x > 1 AND b.y < 2;`),
    );
    expect(plan).toContain('Join(type=[INNER], condition=[$0 = $4])');
    expect(plan).toContain('Filter(condition=[x > 1])');
    expect(plan).toContain('Filter(condition=[y < 2])');
  });

  it('moves a filter below projections, substituting their expressions, and merges filters', () => {
    expect(
      optimized(
        `INSERT INTO out2 SELECT p, q FROM (SELECT x + 1 AS p, id AS q FROM a WHERE id > 0) WHERE p > 5;`,
      ),
    ).toBe(
      [
        '1 Sink(table=[out2], fields=[p INT, q INT])',
        '2   Project(p=[x + 1], q=[id])',
        '3     Filter(condition=[(id > 0) AND ((x + 1) > 5)])',
        "4       WatermarkAssigner(rowtime=[ts], watermark=[ts - INTERVAL '1' SECOND])",
        '5         Scan(table=[a], fields=[id, x, s, ts])',
      ].join('\n'),
    );
  });

  it('keeps a conjunct that reads a PROCTIME() column above the projection', () => {
    const plan = nodes(
      optimized(
        `INSERT INTO out2 SELECT p, x FROM (SELECT x + 1 AS p, PROCTIME() AS pt, x FROM a) WHERE p > 1 AND pt IS NOT NULL;`,
      ),
    );
    expect(plan.slice(1, 5)).toEqual([
      '  Project(p=[p], x=[x])',
      '    Filter(condition=[pt IS NOT NULL])',
      '      Project(p=[x + 1], pt=[PROCTIME()], x=[x])',
      '        Filter(condition=[(x + 1) > 1])',
    ]);
  });

  it('keeps a LEFT join WHERE conjunct on the right side above the join, and its left ON conjuncts in it', () => {
    const plan = nodes(
      optimized(
        `INSERT INTO out3 SELECT a.x, b.y, a.id FROM a LEFT JOIN b ON a.id = b.id AND a.x > 1 AND b.y < 5 WHERE a.x < 10 AND b.y > 0;`,
      ),
    );
    expect(plan.slice(1, 9)).toEqual([
      '  Project(x=[x], y=[y], id=[$0]) [updating]',
      '    Filter(condition=[y > 0]) [updating]',
      '      Join(type=[LEFT], condition=[($0 = $4) AND (x > 1)]) [updating]',
      '        Filter(condition=[x < 10])',
      "          WatermarkAssigner(rowtime=[ts], watermark=[ts - INTERVAL '1' SECOND])",
      '            Scan(table=[a], fields=[id, x, s, ts])',
      '        Filter(condition=[y < 5])',
      '          Scan(table=[b], fields=[id, y, t])',
    ]);
  });

  it('mirrors that for a RIGHT join', () => {
    const plan = nodes(
      optimized(
        `INSERT INTO out3 SELECT a.x, b.y, b.id FROM a RIGHT JOIN b ON a.id = b.id AND a.x > 1 AND b.y < 5 WHERE a.x < 10 AND b.y > 0;`,
      ),
    );
    expect(plan.slice(1, 9)).toEqual([
      '  Project(x=[x], y=[y], id=[$4]) [updating]',
      '    Filter(condition=[x < 10]) [updating]',
      '      Join(type=[RIGHT], condition=[($0 = $4) AND (y < 5)]) [updating]',
      '        Filter(condition=[x > 1])',
      "          WatermarkAssigner(rowtime=[ts], watermark=[ts - INTERVAL '1' SECOND])",
      '            Scan(table=[a], fields=[id, x, s, ts])',
      '        Filter(condition=[y > 0])',
      '          Scan(table=[b], fields=[id, y, t])',
    ]);
  });

  it('pushes nothing into or out of a FULL join', () => {
    const j = job(
      `INSERT INTO out3 SELECT a.x, b.y, b.id FROM a FULL JOIN b ON a.id = b.id AND a.x > 1 AND b.y < 5 WHERE a.x < 10 AND b.y > 0;`,
    );
    expect(explainLogical(j.optimized)).toBe(explainLogical(j.logical));
    expect(j.appliedRules).not.toContain('filter-push-down');
  });

  it('never pushes below an aggregate (HAVING, or WHERE over a grouped subquery)', () => {
    const j = job(
      `INSERT INTO out2 SELECT id, n FROM (SELECT id, CAST(COUNT(*) AS INT) AS n FROM b GROUP BY id HAVING COUNT(*) > 1) WHERE id > 3;`,
    );
    const plan = nodes(explainLogical(j.optimized));
    const agg = plan.findIndex((l) => l.trim().startsWith('Aggregate('));
    expect(plan[agg - 1]!.trim()).toBe('Filter(condition=[(COUNT(*) > 1) AND (id > 3)]) [updating]');
    expect(plan.slice(agg).some((l) => l.includes('Filter'))).toBe(false);
  });

  it('never pushes below a watermark assigner', () => {
    const plan = nodes(optimized(`INSERT INTO out1 SELECT x FROM a WHERE x > 1;`));
    expect(plan[2]).toBe('    Filter(condition=[x > 1])');
    expect(plan[3]!.trim()).toMatch(/^WatermarkAssigner/);
  });

  it('copies a filter over UNION ALL into each input', () => {
    const plan = nodes(
      optimized(
        `INSERT INTO out2 SELECT p, q FROM (SELECT x AS p, id AS q FROM a UNION ALL SELECT y AS p, id AS q FROM b) WHERE p > 7;`,
      ),
    );
    expect(plan.filter((l) => l.trim() === 'Filter(condition=[x > 7])')).toHaveLength(1);
    expect(plan.filter((l) => l.trim() === 'Filter(condition=[y > 7])')).toHaveLength(1);
    const union = plan.findIndex((l) => l.trim().startsWith('Union'));
    expect(plan[union - 1]!.trim()).not.toMatch(/^Filter/);
  });

  it('pushes below a window table function unless the condition reads a window column', () => {
    const plan = nodes(
      optimized(`INSERT INTO outw SELECT window_start, COUNT(*)
        FROM TABLE(TUMBLE(TABLE a, DESCRIPTOR(ts), INTERVAL '10' SECOND))
        WHERE x > 1 AND window_end > TIMESTAMP '2024-01-01 00:00:00' GROUP BY window_start, window_end;`),
    );
    const wtf = plan.findIndex((l) => l.trim().startsWith('WindowTableFunction'));
    expect(plan[wtf - 1]!.trim()).toBe(
      "Filter(condition=[window_end > TIMESTAMP '2024-01-01 00:00:00.000'])",
    );
    expect(plan[wtf + 1]!.trim()).toBe('Filter(condition=[x > 1])');
  });
});

describe('projection-pruning', () => {
  it('merges stacked projections and removes identity projections', () => {
    const j = job(
      `INSERT INTO out2 SELECT q, p FROM (SELECT p, q FROM (SELECT x + 1 AS p, id AS q FROM a));`,
    );
    expect(explainLogical(j.optimized)).toBe(
      [
        '1 Sink(table=[out2], fields=[p INT, q INT])',
        '2   Project(q=[id], p=[x + 1])',
        "3     WatermarkAssigner(rowtime=[ts], watermark=[ts - INTERVAL '1' SECOND])",
        '4       Scan(table=[a], fields=[id, x, s, ts])',
      ].join('\n'),
    );
    expect(j.appliedRules).toEqual(['projection-pruning']);
  });

  it('removes a SELECT * projection', () => {
    const plan = flat(
      optimized(`INSERT INTO out3 SELECT d.id, d.z, c.z FROM c JOIN (SELECT * FROM c) AS d ON c.id = d.id;`),
    );
    expect(plan.filter((l) => l.startsWith('Project('))).toEqual(['Project(id=[$2], z=[$3], z=[$1])']);
  });

  it('does not duplicate a computed column, nor a PROCTIME() call', () => {
    const plan = nodes(
      optimized(
        `INSERT INTO out2 SELECT p * p, q FROM (SELECT x + 1 AS p, CAST(HOUR(PROCTIME()) AS INT) AS q FROM a);`,
      ),
    );
    expect(plan.filter((l) => l.includes('Project('))).toHaveLength(2);
    const twice = nodes(
      optimized(
        `INSERT INTO out2 SELECT q, q + 1 FROM (SELECT x AS p, CAST(HOUR(PROCTIME()) AS INT) AS q FROM a);`,
      ),
    );
    expect(twice.filter((l) => l.includes('PROCTIME()'))).toHaveLength(1);
  });

  it('inlines a projection whose columns are plain references, however often they are used', () => {
    const plan = nodes(optimized(`INSERT INTO out2 SELECT p * p, p + p FROM (SELECT x AS p FROM a);`));
    expect(plan[1]).toBe('  Project(EXPR$0=[x * x], EXPR$1=[x + x])');
  });
});

describe('constant-folding', () => {
  it('folds calls over literals in projections and conditions and drops a TRUE filter', () => {
    const j = job(
      `INSERT INTO outs SELECT x + (2 * 3), UPPER('a') || 'b' FROM a WHERE 1 = 1 AND x > CAST('5' AS INT) + 1;`,
    );
    expect(explainLogical(j.optimized)).toBe(
      [
        '1 Sink(table=[outs], fields=[p INT, q STRING])',
        "2   Project(EXPR$0=[x + 6], EXPR$1=['Ab'])",
        '3     Filter(condition=[x > 6])',
        "4       WatermarkAssigner(rowtime=[ts], watermark=[ts - INTERVAL '1' SECOND])",
        '5         Scan(table=[a], fields=[id, x, s, ts])',
      ].join('\n'),
    );
    expect(j.appliedRules).toContain('constant-folding');
  });

  it('removes a filter whose condition is TRUE and simplifies OR FALSE', () => {
    const always = nodes(optimized(`INSERT INTO out1 SELECT x FROM a WHERE 2 > 1;`));
    expect(always.some((l) => l.includes('Filter'))).toBe(false);
    const or = nodes(optimized(`INSERT INTO out1 SELECT x FROM a WHERE x > 1 OR 1 > 2;`));
    expect(or).toContain('    Filter(condition=[x > 1])');
  });

  it('folds a join condition', () => {
    const plan = nodes(optimized(`INSERT INTO out2 SELECT b.y, c.z FROM b JOIN c ON b.id = c.id + (1 - 1);`));
    expect(plan).toContain('    Join(type=[INNER], condition=[$0 = ($3 + 0)])');
  });

  it('leaves a call that fails to evaluate, and non-deterministic calls', () => {
    const plan = nodes(
      optimized(`INSERT INTO out2 SELECT x / 0, CAST(HOUR(CURRENT_TIMESTAMP()) AS INT) FROM a;`),
    );
    expect(plan[1]).toBe('  Project(EXPR$0=[x / 0], EXPR$1=[CAST(HOUR(CURRENT_TIMESTAMP()) AS INT)])');
    const bad = nodes(optimized(`INSERT INTO out1 SELECT x FROM a WHERE x > 1 / 0;`));
    expect(bad).toContain('    Filter(condition=[x > (1 / 0)])');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Every query in the repository, and results: the optimized plan computes what the analyzed one does.

function queryFiles(): string[] {
  return ['queries/nexmark', 'queries/examples'].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((f) => join(dir, f)),
  );
}

const schemaText = (n: LogicalNode) => n.schema.map((f) => `${f.name} ${typeToString(f.type)}`).join(', ');

describe('the optimizer over every query', () => {
  const files = queryFiles();

  it.each(files)('%s: terminates at a fixpoint and keeps the schema', async (file) => {
    const text = readFileSync(file, 'utf8');
    const udfLoader = new NodeUdfLoader();
    await udfLoader.preload(file, text);
    const r = compileScript(text, { udfLoader });
    expect(r.diagnostics.filter((d) => d.message.startsWith('internal error'))).toEqual([]);
    for (const s of r.statements) {
      if (s.kind !== 'job' && s.kind !== 'explain') continue;
      const { logical, optimized: plan } = s.job;
      expect(schemaText(plan)).toBe(schemaText(logical));
      // A second run changes nothing: the rules reached their fixpoint.
      const again = optimize(plan, RULES);
      expect(again.applied).toEqual([]);
      expect(explainLogical(again.plan)).toBe(explainLogical(plan));
    }
  });

  it('compiles the join queries', () => {
    const compiled = files.filter((f) =>
      compileScript(readFileSync(f, 'utf8')).statements.some((s) => s.kind === 'job'),
    );
    for (const q of ['q3', 'q4', 'q5', 'q7', 'q8', 'q20'])
      expect(compiled).toContain(`queries/nexmark/${q}.sql`);
  });
});

/** The windows [start, end) of time `t`. */
function windowsOf(w: WindowSpec, t: number): [number, number][] {
  const windows: [number, number][] = [];
  if (w.kind === 'TUMBLE') windows.push([t - (t % w.size!), t - (t % w.size!) + w.size!]);
  else if (w.kind === 'HOP')
    for (let s = t - (t % w.slide!); s > t - w.size!; s -= w.slide!) windows.push([s, s + w.size!]);
  else if (w.kind === 'CUMULATE') {
    const s = t - (t % w.size!);
    for (let e = s + w.step!; e <= s + w.size!; e += w.step!) if (t < e) windows.push([s, e]);
  } else throw new Error('SESSION is not interpreted');
  return windows;
}

/** A batch interpreter of logical plans: the final result of a query over finite tables, as a multiset. */
function run(plan: LogicalNode, tables: (name: string, width: number) => unknown[][]): unknown[][] {
  const rec = (n: LogicalNode): unknown[][] => {
    switch (n.kind) {
      case 'scan':
        return tables(n.table.name, n.schema.length);
      case 'watermarkAssigner':
      case 'changelogNormalize':
      case 'sink':
        return rec(n.input);
      case 'correlate':
        throw new Error('the interpreter does not run user table functions');
      case 'filter': {
        const test = compilePredicate(n.condition);
        return rec(n.input).filter((r) => test(r));
      }
      case 'project': {
        const f = compileProjection(n.exprs);
        return rec(n.input).map((r) => f(r));
      }
      case 'union':
        return n.inputs.flatMap(rec);
      case 'temporalJoin':
        throw new Error('temporal joins are not interpreted here');
      case 'aggregate':
        return aggregate(rec(n.input), n.groupKeys, n.aggs);
      case 'windowAggregate': {
        if (!n.sliced) return aggregate(rec(n.input), n.groupKeys, n.aggs);
        // Sliced: the window columns hold the rows' time; each row counts in every window of its time.
        const [startCol, endCol] = [n.groupKeys[n.windowStart]!, n.groupKeys[n.windowEnd]!];
        const rows = rec(n.input).flatMap((r) =>
          windowsOf(n.window, r[startCol] as number).map(([s, e]) => {
            const c = [...r];
            c[startCol] = s;
            c[endCol] = e;
            return c;
          }),
        );
        return aggregate(rows, n.groupKeys, n.aggs);
      }
      case 'windowTableFunction': {
        const w = n.window;
        return rec(n.input).flatMap((r) =>
          windowsOf(w, r[w.timeIndex] as number).map(([s, e]) => [...r, s, e, e - 1]),
        );
      }
      case 'over':
        throw new Error('an Over node is not interpreted');
      case 'rank': {
        // Batch Top-N: per partition, sorted by the order keys (stable: ties keep input order).
        const cmp = rowComparator(n.orderKeys);
        const parts = new Map<string, unknown[][]>();
        for (const r of rec(n.input)) {
          const k = JSON.stringify(n.partitionKeys.map((i) => r[i]));
          (parts.get(k) ?? parts.set(k, []).get(k)!).push(r);
        }
        return [...parts.values()].flatMap((rs) =>
          [...rs]
            .sort(cmp)
            .slice(n.rankStart - 1, n.rankEnd)
            .map((r, i) => [...r, n.outputRankNumber ? n.rankStart + i : null]),
        );
      }
      case 'join': {
        const left = rec(n.left);
        const right = rec(n.right);
        const test = n.condition ? compilePredicate(n.condition) : () => true;
        const lw = n.left.schema.length;
        const rw = n.right.schema.length;
        const out: unknown[][] = [];
        const rightMatched = new Set<number>();
        for (const l of left) {
          let matched = false;
          right.forEach((r, i) => {
            if (test([...l, ...r])) {
              out.push([...l, ...r]);
              matched = true;
              rightMatched.add(i);
            }
          });
          if (!matched && (n.joinType === 'LEFT' || n.joinType === 'FULL'))
            out.push([...l, ...new Array<null>(rw).fill(null)]);
        }
        if (n.joinType === 'RIGHT' || n.joinType === 'FULL')
          right.forEach((r, i) => {
            if (!rightMatched.has(i)) out.push([...new Array<null>(lw).fill(null), ...r]);
          });
        return out;
      }
    }
  };
  return rec(plan);
}

function aggregate(rows: unknown[][], keys: readonly number[], aggs: readonly AggCall[]): unknown[][] {
  const groups = new Map<string, unknown[][]>();
  for (const r of rows) {
    const k = JSON.stringify(keys.map((i) => r[i]));
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
  }
  if (keys.length === 0 && groups.size === 0) groups.set('[]', []);
  return [...groups.entries()].map(([k, rs]) => [
    ...(JSON.parse(k) as unknown[]),
    ...aggs.map((a) => {
      const selected = a.filterArg === undefined ? rs : rs.filter((r) => r[a.filterArg!] === true);
      if (a.args.length === 0) return selected.length;
      let values = selected
        .map((r) => r[a.args[0]!])
        .filter((v) => v !== null && v !== undefined) as number[];
      if (a.distinct) values = [...new Set(values)];
      if (a.fn === 'COUNT') return values.length;
      if (values.length === 0) return null;
      if (a.fn === 'SUM') return values.reduce((x, y) => x + y, 0);
      if (a.fn === 'MIN') return values.reduce((x, y) => (y < x ? y : x));
      if (a.fn === 'MAX') return values.reduce((x, y) => (y > x ? y : x));
      return values.reduce((x, y) => x + y, 0) / values.length;
    }),
  ]);
}

/** Deterministic rows: small integers and strings with NULLs, so joins and filters hit and miss; times for `ts`. */
function tablesFor(seed: number): (name: string, width: number) => unknown[][] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const cache = new Map<string, unknown[][]>();
  const kinds: Record<string, string[]> = {
    a: ['int', 'int', 'string', 'time'],
    b: ['int', 'int', 'string'],
    c: ['int', 'int'],
  };
  return (name) => {
    if (!cache.has(name)) {
      const rows = Array.from({ length: 12 }, () =>
        kinds[name]!.map((k) => {
          if (k === 'time') return Math.floor(next() * 40) * 1000;
          if (next() < 0.15) return null;
          return k === 'int' ? Math.floor(next() * 8) - 2 : ['a', 'b', 'c'][Math.floor(next() * 3)];
        }),
      );
      cache.set(name, rows);
    }
    return cache.get(name)!;
  };
}

const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

describe('the rules keep results', () => {
  const queries = [
    `INSERT INTO out2 SELECT a.x, b.y FROM a, b WHERE a.id = b.id AND a.x > 1 AND b.y < 4 AND a.x + b.y > 2;`,
    `INSERT INTO out3 SELECT a.x, b.y, a.id FROM a LEFT JOIN b ON a.id = b.id AND a.x > 1 AND b.y < 4 WHERE a.x < 5 AND b.y > 0;`,
    `INSERT INTO out3 SELECT a.x, b.y, a.id FROM a LEFT JOIN b ON a.id = b.id AND a.x > 1 AND b.y < 4 WHERE a.x < 5;`,
    `INSERT INTO out3 SELECT a.x, b.y, b.id FROM a RIGHT JOIN b ON a.id = b.id AND a.x > 1 AND b.y < 4 WHERE a.x < 5 OR b.y > 0;`,
    `INSERT INTO out3 SELECT a.x, b.y, b.id FROM a FULL JOIN b ON a.id = b.id AND a.x > 1 AND b.y < 4 WHERE (b.y IS NULL OR a.x > 0) AND 2 > 1;`,
    `INSERT INTO out3 SELECT a.x, b.y, c.z FROM a JOIN b ON a.id = b.id LEFT JOIN c ON b.y = c.id AND c.z > 0
       WHERE a.s = 'a' AND c.z IS NULL AND a.x + 1 > 0;`,
    `INSERT INTO out2 SELECT p, q FROM (SELECT x AS p, id AS q FROM a UNION ALL SELECT y + 1 AS p, id AS q FROM b) WHERE p > 2 AND q IS NOT NULL;`,
    `INSERT INTO out2 SELECT p * 2, q FROM (SELECT x + 1 AS p, id AS q FROM (SELECT * FROM a WHERE id > 0) WHERE x > 0) WHERE p < 5 AND TRUE;`,
    `INSERT INTO out1 SELECT x FROM a WHERE 1 > 2 OR x IS NULL;`,
    `INSERT INTO out1 SELECT x FROM a WHERE 1 > 2 AND TRUE;`,
    `INSERT INTO out2 SELECT id, n FROM (SELECT id, CAST(COUNT(*) AS INT) AS n FROM b WHERE 1 + 1 = 2 GROUP BY id HAVING COUNT(*) > 1) WHERE id > 0;`,
    `INSERT INTO outw SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE a, DESCRIPTOR(ts), INTERVAL '10' SECOND))
       WHERE x > 1 AND window_end > TIMESTAMP '1970-01-01 00:00:20' GROUP BY window_start, window_end;`,
    `INSERT INTO outw SELECT window_start, SUM(x) FROM TABLE(HOP(TABLE a, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
       WHERE s <> 'b' GROUP BY window_start, window_end;`,
    `INSERT INTO out3 SELECT d.x, d.y, d.id FROM (SELECT a.x, b.y, b.id FROM a JOIN b ON a.id = b.id WHERE b.t = 'c') d
       JOIN c ON d.id = c.id WHERE d.x > c.z AND c.z > 0 AND d.y < 3;`,
  ];

  it.each(queries.map((q, i) => [i + 1, q] as const))('query %i', (_i, query) => {
    const j = job(query);
    for (const seed of [1, 2, 3, 4, 5]) {
      const tables = tablesFor(seed);
      expect(sorted(run(j.optimized, tables))).toEqual(sorted(run(j.logical, tables)));
    }
  });

  it('changes the plans of these queries', () => {
    for (const q of queries) expect(job(q).appliedRules.length, q).toBeGreaterThan(0);
  });
});
