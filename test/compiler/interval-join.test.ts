// Planning interval joins: which join conditions become an IntervalJoin, with which bounds, and which stay a Join.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CompiledJob, type JobOperator, compileScript } from '../../compiler/index';
import { rexToString } from '../../compiler/explain/rex';

const DDL = `
CREATE TABLE l (k INT, v INT, ts TIMESTAMP(3), ts2 TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'datagen');
CREATE TABLE r (k INT, w INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'datagen');
CREATE TABLE p (k INT, w INT, ts TIMESTAMP(3)) WITH ('connector' = 'datagen');
CREATE TABLE o (a INT, b INT) WITH ('connector' = 'blackhole');
`;

function compile(text: string): CompiledJob {
  const r = compileScript(text);
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  const jobs = r.statements.flatMap((s) => (s.kind === 'job' ? [s.job] : []));
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}

/** The join operator of `INSERT INTO o SELECT l.v, r.w FROM <from>`. */
function join(from: string): JobOperator {
  const job = compile(`${DDL} INSERT INTO o SELECT l.v, r.w FROM ${from};`);
  const joins = job.graph.operators.filter((o) => o.spec.kind === 'join' || o.spec.kind === 'intervalJoin');
  expect(joins).toHaveLength(1);
  return joins[0]!;
}

/** The bounds of an interval join as `[lower, upper]`, `(` or `)` marking an exclusive end, in ms. */
function bounds(op: JobOperator): string {
  const s = op.spec;
  if (s.kind !== 'intervalJoin') return `not an interval join: ${op.name}`;
  return `${s.lowerInclusive ? '[' : '('}${s.lowerBound}, ${s.upperBound}${s.upperInclusive ? ']' : ')'}`;
}

/** The residual condition of an interval join, rendered over l's then r's columns. */
function residual(op: JobOperator): string | undefined {
  const s = op.spec;
  if (s.kind !== 'intervalJoin') throw new Error(op.name);
  return s.condition && rexToString(s.condition, ['k', 'v', 'lts', 'lts2', 'rk', 'w', 'rts']);
}

describe('interval join planning', () => {
  it('plans BETWEEN on the two rowtimes as an IntervalJoin', () => {
    const op = join(
      `l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '4' SECOND AND r.ts + INTERVAL '5' SECOND`,
    );
    expect(op.name).toBe(
      'IntervalJoin(joinType=[INNER], keys=[k = k], windowBounds=[leftTime=$2, rightTime=$6, leftLowerBound=-4000, leftUpperBound=5000])',
    );
    expect(op.spec).toMatchObject({ leftKeys: [0], rightKeys: [0], leftTime: 2, rightTime: 2 });
    expect(op.spec).not.toHaveProperty('condition');
    expect(op.inputs.map((e) => e.partitioning)).toEqual([
      { kind: 'hash', keys: [0] },
      { kind: 'hash', keys: [0] },
    ]);
    expect(op.stateful).toBe(true);
    expect(op.changelog).toBe('append');
  });

  it('reads >= / < in WHERE, bounds stated on either side, and constant interval arithmetic', () => {
    expect(bounds(join(`l, r WHERE l.k = r.k AND r.ts >= l.ts AND r.ts < l.ts + INTERVAL '10' MINUTE`))).toBe(
      '(-600000, 0]',
    );
    expect(
      bounds(
        join(
          `l JOIN r ON l.k = r.k AND r.ts BETWEEN l.ts - INTERVAL '5' SECOND AND l.ts + INTERVAL '4' SECOND`,
        ),
      ),
    ).toBe('[-4000, 5000]');
    expect(
      bounds(
        join(
          `l JOIN r ON l.k = r.k AND l.ts > r.ts - INTERVAL '1' MINUTE + INTERVAL '30' SECOND AND l.ts <= INTERVAL '2' SECOND + r.ts`,
        ),
      ),
    ).toBe('(-30000, 2000]');
    expect(
      bounds(
        join(
          `l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '6' SECOND AND r.ts - INTERVAL '2' SECOND`,
        ),
      ),
    ).toBe('[-6000, -2000]');
  });

  it('keeps the rest of the condition, half a BETWEEN, and the looser of two bounds as the residual', () => {
    const a = join(
      `l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '1' SECOND AND l.ts2 AND l.ts < r.ts + INTERVAL '2' SECOND AND l.v < r.w`,
    );
    expect(bounds(a)).toBe('[-1000, 2000)');
    expect(residual(a)).toBe('(lts <= lts2) AND (v < w)');
    const b = join(
      `l JOIN r ON l.k = r.k AND l.ts >= r.ts - INTERVAL '10' SECOND AND l.ts > r.ts - INTERVAL '5' SECOND AND l.ts <= r.ts`,
    );
    expect(bounds(b)).toBe('(-5000, 0]');
    expect(residual(b)).toBe("lts >= (rts - INTERVAL '10' SECOND)");
  });

  it('plans outer joins and joins without an equality key as interval joins too', () => {
    for (const type of ['LEFT', 'RIGHT', 'FULL']) {
      const op = join(`l ${type} JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts AND r.ts + INTERVAL '1' SECOND`);
      expect(op.spec).toMatchObject({ kind: 'intervalJoin', joinType: type });
    }
    const global = join(`l JOIN r ON l.ts BETWEEN r.ts AND r.ts + INTERVAL '1' SECOND`);
    expect(global.spec).toMatchObject({ kind: 'intervalJoin', leftKeys: [], rightKeys: [] });
    expect(global.parallelism).toBe(1);
  });

  it('sees a rowtime through a projection that keeps it, not one that computes it', () => {
    expect(
      join(
        `(SELECT k, v, ts FROM l WHERE v > 0) l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts AND r.ts + INTERVAL '1' SECOND`,
      ).spec.kind,
    ).toBe('intervalJoin');
    expect(
      join(
        `(SELECT k, v, ts + INTERVAL '1' SECOND AS ts FROM l) l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts AND r.ts + INTERVAL '1' SECOND`,
      ).spec.kind,
    ).toBe('join');
  });

  it('stays a regular Join unless both rowtimes are bounded from both sides', () => {
    const regular = [
      // one bound only
      `l JOIN r ON l.k = r.k AND l.ts >= r.ts`,
      // a plain TIMESTAMP column (no WATERMARK) on one side
      `l JOIN p r ON l.k = r.k AND l.ts BETWEEN r.ts AND r.ts + INTERVAL '1' SECOND`,
      `l JOIN r ON l.k = r.k AND l.ts2 BETWEEN r.ts AND r.ts + INTERVAL '1' SECOND`,
      // the upper bound on another column than the lower bound
      `l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts AND l.ts2`,
      // not a conjunction of bounds
      `l JOIN r ON l.k = r.k AND (l.ts >= r.ts OR l.ts <= r.ts + INTERVAL '1' SECOND)`,
      `l JOIN r ON l.k = r.k AND l.ts NOT BETWEEN r.ts AND r.ts + INTERVAL '1' SECOND`,
      // both times of one side
      `l JOIN r ON l.k = r.k AND l.ts BETWEEN l.ts2 AND l.ts2 + INTERVAL '1' SECOND`,
    ];
    for (const from of regular) {
      const op = join(from);
      expect(op.spec.kind, from).toBe('join');
      expect(op.name, from).toMatch(/^Join\(/);
    }
  });

  it('leaves Nexmark q4 (B.dateTime BETWEEN A.dateTime AND A.expires) a regular Join', () => {
    const job = compile(readFileSync('queries/nexmark/q4.sql', 'utf8'));
    const names = job.graph.operators.map((o) => o.name);
    expect(names.some((n) => n.startsWith('Join(joinType=[INNER], keys=[id = auction]'))).toBe(true);
    expect(names.some((n) => n.startsWith('IntervalJoin'))).toBe(false);
  });
});
