// The nexmark source paced at first-event.rate / next-event.rate on the clock: per batch, across restores, in a job.
import { describe, expect, it } from 'vitest';
import { Compiler } from '../../compiler/index';
import { type Clock, ManualClock, systemClock } from '../../runtime/clock';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import type { ConnectorContext } from '../../runtime/connectors/connector';
import { nexmarkPaced } from '../../runtime/connectors/nexmark/pacing';
import { NexmarkReader } from '../../runtime/connectors/nexmark/source';
import { runJob } from '../../runtime/engine';
import { newMetrics } from '../../runtime/operator';
import { compileJob } from '../support/jobs';

const COLUMNS = `event_type INT, person ROW<id BIGINT>, auction ROW<id BIGINT>, bid ROW<auction BIGINT, price BIGINT>`;

function reader(options: string): NexmarkReader {
  const compiler = new Compiler({});
  const r = compiler.compile(`CREATE TABLE bid (${COLUMNS}) WITH ('connector' = 'nexmark', ${options});`);
  expect(r.diagnostics).toEqual([]);
  return new NexmarkReader(compiler.catalog.table('bid')!);
}

function context(clock: Clock, subtaskIndex = 0, parallelism = 1): ConnectorContext {
  return {
    jobName: 'pacing',
    uid: 'src',
    subtaskIndex,
    parallelism,
    attempt: 0,
    clock,
    metrics: newMetrics(),
    batchSize: 1024,
    print: () => {},
    log: () => {},
  };
}

/** Polls until the reader has nothing due (or ends); returns how many events it gave. */
function drain(r: NexmarkReader): number {
  let n = 0;
  for (;;) {
    const rows = r.poll(1024);
    if (rows === 'idle' || rows === 'end') return n;
    n += rows.length;
  }
}

describe('nexmark pacing', () => {
  it('is on with a rate above 0 or max-emit-speed false, off by default and with max-emit-speed true', () => {
    expect(nexmarkPaced({})).toBe(false);
    expect(nexmarkPaced({ 'first-event.rate': '0' })).toBe(false);
    expect(nexmarkPaced({ 'first-event.rate': '500' })).toBe(true);
    expect(nexmarkPaced({ 'next-event.rate': '500' })).toBe(true);
    expect(nexmarkPaced({ 'first-event.rate': '500', 'max-emit-speed': 'true' })).toBe(false);
    expect(nexmarkPaced({ 'max-emit-speed': 'false' })).toBe(true);
    expect(() => nexmarkPaced({ 'max-emit-speed': 'yes' })).toThrow(
      "nexmark option 'max-emit-speed' must be 'true' or 'false': 'yes'",
    );
  });

  it('gives the events whose event time the clock has reached since the split opened', () => {
    const clock = new ManualClock(5_000);
    const r = reader(`'events.num' = '1000', 'first-event.rate' = '100'`);
    r.open(context(clock), undefined);
    expect(drain(r)).toBe(1); // event 0 is due at once, event 1 10 ms later
    clock.advance(9);
    expect(r.poll(1024)).toBe('idle');
    clock.advance(1_000 - 9);
    expect(drain(r)).toBe(100); // events 1–100 (event times 10 ms … 1000 ms)
    clock.advance(5_000);
    expect(drain(r)).toBe(500);
  });

  it('carries on at the rate after a restore, without a burst for the time it was down', () => {
    const clock = new ManualClock(0);
    const first = reader(`'events.num' = '1000', 'first-event.rate' = '100'`);
    first.open(context(clock), undefined);
    clock.advance(2_000);
    expect(drain(first)).toBe(201);
    const offset = first.offset();

    clock.advance(60_000); // down for a minute
    const resumed = reader(`'events.num' = '1000', 'first-event.rate' = '100'`);
    resumed.open(context(clock), offset);
    expect(drain(resumed)).toBe(1);
    clock.advance(500);
    expect(drain(resumed)).toBe(50);
    clock.advance(100_000);
    expect(drain(resumed)).toBe(1000 - 201 - 51);
    expect(resumed.poll(1024)).toBe('end');
  });

  it('follows the square wave of first-event.rate and next-event.rate', () => {
    const clock = new ManualClock(0);
    const r = reader(`'first-event.rate' = '100', 'next-event.rate' = '10'`);
    r.open(context(clock), undefined);
    clock.advance(300_000); // the first half of the 10-minute period at 100/s
    expect(drain(r)).toBe(30_001);
    clock.advance(1_000); // then 10/s
    expect(drain(r)).toBe(10);
  });

  it('splits the rate between subtasks', () => {
    const clock = new ManualClock(0);
    const splits = [0, 1].map((i) => {
      const r = reader(`'first-event.rate' = '1000'`);
      r.open(context(clock, i, 2), undefined);
      return r;
    });
    // Blocks of 1024 events, split 0 takes blocks 0, 2, 4, …, split 1 blocks 1, 3, 5, …: split 1's first
    // events are due after 1.024 s.
    expect(splits.map(drain)).toEqual([1, 0]);
    clock.advance(1_500);
    expect(splits.map(drain)).toEqual([1023, 477]);
    clock.advance(8_500);
    // 10,001 events are due in all.
    expect(splits.map(drain)).toEqual([5 * 1024 - 1024, 10_001 - 5 * 1024 - 477]);
  });

  it('unpaced (the default) gives a whole batch at once', () => {
    const r = reader(`'events.num' = '5000'`);
    r.open(context(new ManualClock(0)), undefined);
    expect((r.poll(1024) as unknown[]).length).toBe(1024);
  });

  it('a job of N events at rate R runs for about N/R seconds of wall-clock time, never ahead of the rate', async () => {
    const N = 200;
    const R = 100;
    const job = compileJob(`
      CREATE TABLE bid (${COLUMNS}) WITH ('connector' = 'nexmark', 'events.num' = '${N}', 'first-event.rate' = '${R}');
      CREATE TABLE out (t INT) WITH ('connector' = 'blackhole');
      INSERT INTO out SELECT event_type FROM bid;`);
    const start = Date.now();
    const runner = await runJob(job, {
      connectors: builtinConnectors(),
      storage: new MemoryCheckpointStorage(),
      clock: systemClock,
      print: () => {},
      log: () => {},
    });
    // Load only slows a paced source down: at no time may it have produced more than the rate allows.
    let ahead = 0;
    const sampler = setInterval(() => {
      const allowed = Math.floor(((Date.now() - start) * R) / 1000) + 1;
      ahead = Math.max(ahead, runner.metrics().recordsIn - allowed);
    }, 20);
    const result = await runner.done;
    clearInterval(sampler);
    const seconds = (Date.now() - start) / 1000;
    expect(result.status).toBe('FINISHED');
    expect(runner.metrics().recordsIn).toBe(N);
    expect(ahead).toBeLessThanOrEqual(0);
    expect(seconds).toBeGreaterThanOrEqual(((N - 1) / R) * 0.95);
  });
});
