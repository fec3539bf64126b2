// Source reuse (Flink's table.optimizer.reuse-source-enabled): a table one INSERT reads twice is read once,
// the results stay those of two reads, and a savepoint taken with two sources says how to restore it.
import { describe, expect, it } from 'vitest';
import type { CompiledJob } from '../../compiler/index';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import type { CheckpointMetadata } from '../../runtime/checkpoint/metadata';
import { restorePlan } from '../../runtime/checkpoint/restore-plan';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import { runJob } from '../../runtime/engine';
import { compileJob } from '../support/jobs';

const NEXMARK = `CREATE TABLE nexmark (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, \`dateTime\` TIMESTAMP(3), extra VARCHAR>,
  auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, \`dateTime\` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, \`dateTime\` TIMESTAMP(3), extra VARCHAR>
) WITH ('connector' = 'nexmark', 'events.num' = '20000');
CREATE VIEW auction AS SELECT auction.id, auction.seller FROM nexmark WHERE event_type = 1;
CREATE VIEW bid AS SELECT bid.auction, bid.price FROM nexmark WHERE event_type = 2;
CREATE TABLE other (id BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE ev (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE out (auction BIGINT, price BIGINT, seller BIGINT) WITH ('connector' = 'print');
`;
const SELF_JOIN = `INSERT INTO out SELECT B.auction, B.price, A.seller FROM bid B JOIN auction A ON B.auction = A.id;`;

const job = (sql: string, reuse = true): CompiledJob =>
  compileJob(`SET 'table.optimizer.reuse-source-enabled' = '${reuse}';\n${NEXMARK}${sql}`, 'reuse');
const kinds = (j: CompiledJob) => j.graph.operators.map((o) => o.spec.kind);
const count = (j: CompiledJob, kind: string) => kinds(j).filter((k) => k === kind).length;

describe('source reuse', () => {
  it('a self-join reads its table with one source feeding both sides; turned off, with two', () => {
    const reused = job(SELF_JOIN);
    expect(count(reused, 'source')).toBe(1);
    const source = reused.graph.operators.find((o) => o.spec.kind === 'source')!;
    const readers = reused.graph.operators.filter((o) => o.inputs.some((e) => e.source === source.id));
    expect(readers.map((o) => o.spec.kind)).toEqual(['calc', 'calc']);
    // With two consumers the source is a task of its own; each side's filter is chained behind a forward edge.
    expect(reused.graph.chains.find((c) => c.operators.includes(source.id))!.operators).toEqual([source.id]);

    const separate = job(SELF_JOIN, false);
    expect(count(separate, 'source')).toBe(2);
    // The first source keeps its uid either way, so a savepoint restores it.
    expect(separate.graph.operators.find((o) => o.spec.kind === 'source')!.uid).toBe(source.uid);
  });

  it('identical views over the table are shared too; another table or another filter is not', () => {
    const same = job(
      `INSERT INTO out SELECT B.auction, B.price, C.price FROM bid B JOIN bid C ON B.auction = C.auction;`,
    );
    expect(count(same, 'source')).toBe(1);
    expect(count(same, 'calc')).toBe(2); // the shared bid view, and the projection before the sink

    // Printed alike, computed differently: INT division truncates, DECIMAL does not.
    const types = job(
      `INSERT INTO out SELECT v, v, v FROM other WHERE v / 2 = 3 UNION ALL SELECT v, v, v FROM other WHERE v / 2.0 = 3;`,
    );
    expect(count(types, 'source')).toBe(1);
    expect(types.graph.operators.filter((o) => o.name.includes('where=')).length).toBe(2);

    const mixed = job(
      `INSERT INTO out SELECT B.auction, B.price, O.v FROM bid B JOIN other O ON B.auction = O.id;`,
    );
    expect(count(mixed, 'source')).toBe(2);
  });

  it('gives the rows two reads give, reading each event once', async () => {
    const run = async (reuse: boolean) => {
      const lines: string[] = [];
      const runner = await runJob(job(SELF_JOIN, reuse), {
        connectors: builtinConnectors(),
        storage: new MemoryCheckpointStorage(),
        print: (l) => lines.push(l),
        log: () => {},
      });
      const result = await runner.done;
      expect(result.status).toBe('FINISHED');
      return { lines: lines.sort(), read: runner.metrics().recordsIn };
    };
    const [once, twice] = [await run(true), await run(false)];
    expect(once.lines.length).toBeGreaterThan(1000);
    expect(once.lines).toEqual(twice.lines);
    expect(once.read).toBe(20000);
    expect(twice.read).toBe(40000);
  });

  /** A snapshot of `taken` in which every source and watermark assigner holds state. */
  const snapshotOf = (taken: CompiledJob) =>
    ({
      operators: taken.graph.operators
        .filter((o) => o.spec.kind === 'source' || o.spec.kind === 'watermarkAssigner')
        .map((o) => ({
          uid: o.uid,
          name: o.name,
          kind: o.spec.kind,
          parallelism: 1,
          subtasks: [{ subtask: 0, keyGroupRange: { start: 0, end: 127 }, operatorState: { next: 7 } }],
        })),
      maxParallelism: 128,
      kind: 'savepoint',
    }) as unknown as CheckpointMetadata;
  const EV_JOIN = `INSERT INTO out SELECT a.id, a.id, b.id FROM ev a JOIN ev b ON a.id = b.id;`;

  it('a snapshot with a source per reader does not restore into one shared source, even when told to drop state', () => {
    const old = snapshotOf(job(EV_JOIN, false));
    expect(old.operators.map((o) => o.kind)).toEqual([
      'source',
      'watermarkAssigner',
      'source',
      'watermarkAssigner',
    ]);
    for (const ignore of [false, true]) {
      const problems = restorePlan(old, job(EV_JOIN), ignore).problems.join('\n');
      expect(problems).toContain("SET 'table.optimizer.reuse-source-enabled' = 'false'");
      expect(problems).toContain('missing or repeating');
      expect(problems).toMatch(/source-\w+ \(Source\(table=\[ev\].*watermarkAssigner-\w+/);
    }
    expect(restorePlan(old, job(EV_JOIN, false), false).problems).toEqual([]);
  });

  it('a snapshot with one shared source does not restore into a source per reader', () => {
    const shared = snapshotOf(job(EV_JOIN));
    const problems = restorePlan(shared, job(EV_JOIN, false), true).problems.join('\n');
    expect(problems).toContain('would read its table from the start');
    expect(problems).toContain("SET 'table.optimizer.reuse-source-enabled' = 'true'");
    expect(restorePlan(shared, job(EV_JOIN), false).problems).toEqual([]);
  });
});
