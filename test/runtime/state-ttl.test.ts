// table.exec.state.ttl: GROUP BY and regular-join keys idle longer than the TTL expire, keeping state bounded.
import { describe, expect, it } from 'vitest';
import { compileScript } from '../../compiler/index';
import { ManualClock } from '../../runtime/clock';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import type { SourceReader } from '../../runtime/connectors/connector';
import { runJob } from '../../runtime/engine';
import type { Row } from '../../runtime/messages';
import { compileJob } from '../support/jobs';

/** Emits `rows` in batches of 10, one batch per poll. */
function scripted(rows: Row[]): SourceReader {
  let next = 0;
  return {
    open: (_ctx, restored) => {
      if (typeof restored === 'number') next = restored;
    },
    poll: () => {
      if (next >= rows.length) return 'end';
      const out = rows.slice(next, next + 10);
      next += out.length;
      return out;
    },
    offset: () => next,
  };
}

async function run(
  sql: string,
  rows: Row[],
  clock: ManualClock,
  sample: () => void,
  started: (runner: { metrics(): { stateEntries: number } }) => void = () => {},
) {
  const lines: string[] = [];
  const runner = await runJob(compileJob(sql, 'ttl'), {
    connectors: builtinConnectors().register('datagen', { createReader: () => scripted(rows) }),
    storage: new MemoryCheckpointStorage(),
    clock,
    print: (l) => lines.push(l),
    log: () => {},
    // Each step moves processing time on by 10 ms.
    beforeStep: () => {
      clock.advance(10);
      sample();
    },
  });
  started(runner);
  await runner.done;
  return { runner, lines };
}

describe('state TTL', () => {
  const groupBy = (ttl: string) => `${ttl ? `SET 'table.exec.state.ttl' = '${ttl}';` : ''}
    CREATE TABLE src (k INT, v INT) WITH ('connector' = 'datagen');
    CREATE TABLE out (k INT, n BIGINT) WITH ('connector' = 'blackhole');
    INSERT INTO out SELECT k, COUNT(*) FROM src GROUP BY k;`;
  const join = (ttl: string) => `${ttl ? `SET 'table.exec.state.ttl' = '${ttl}';` : ''}
    CREATE TABLE src (k INT, v INT) WITH ('connector' = 'datagen');
    CREATE TABLE out (k INT, v INT, k2 INT, v2 INT) WITH ('connector' = 'blackhole');
    INSERT INTO out SELECT a.k, a.v, b.k, b.v FROM src a JOIN src b ON a.k = b.v;`;

  async function maxLiveState(sql: string, rows: Row[]): Promise<number> {
    const clock = new ManualClock(0);
    const holder: { runner?: { metrics(): { stateEntries: number } } } = {};
    let max = 0;
    const { runner } = await run(
      sql,
      rows,
      clock,
      () => {
        if (holder.runner) max = Math.max(max, holder.runner.metrics().stateEntries);
      },
      (r) => (holder.runner = r),
    );
    expect(runner.status()).toBe('FINISHED');
    return max;
  }

  // 3,000 distinct keys, each seen once, 10 per 10 ms of processing time.
  const rows: Row[] = Array.from({ length: 3000 }, (_, i) => [i, i]);

  it('expires idle GROUP BY keys: live state stays bounded, without TTL it grows with the keys', async () => {
    const withTtl = await maxLiveState(groupBy('200ms'), rows);
    const without = await maxLiveState(groupBy(''), rows);
    console.log(`GROUP BY live state entries: max ${withTtl} with a 200 ms TTL, ${without} without`);
    expect(without).toBeGreaterThan(2500);
    expect(withTtl).toBeLessThan(800);
  });

  it('expires idle regular-join rows on both sides', async () => {
    const withTtl = await maxLiveState(join('200ms'), rows);
    const without = await maxLiveState(join(''), rows);
    console.log(`JOIN live state entries: max ${withTtl} with a 200 ms TTL, ${without} without`);
    expect(without).toBeGreaterThan(2500);
    expect(withTtl).toBeLessThan(1600);
  });

  it('marks the operators in EXPLAIN', () => {
    const r = compileScript(
      `EXPLAIN ${groupBy('1 h').replace('INSERT', 'INSERT')}`
        .replace('EXPLAIN SET', 'SET')
        .replace('    INSERT INTO', '    EXPLAIN INSERT INTO'),
      { scriptName: 'ttl' },
    );
    const s = r.statements.find((x) => x.kind === 'explain');
    expect(s && s.kind === 'explain' && s.job.graph.operators.find((o) => o.stateful)?.stateBound).toBe(
      'ttl',
    );
  });
});
