// Nexmark generator: determinism, proportions, valid ids, event time, strided fill, urls, throughput.
import { describe, expect, it } from 'vitest';
import {
  AUCTION,
  BID,
  DEFAULT_NEXMARK_CONFIG,
  NexmarkGenerator,
  PERSON,
  nexmarkConfigFromOptions,
} from '../../runtime/connectors/nexmark/generator';

type Row = unknown[];
const N = 100_000;
const BASE = Date.UTC(2015, 6, 15);

function generate(gen: NexmarkGenerator, count: number): Row[] {
  const out: Row[] = new Array<Row>(count);
  gen.fill(0, 1, count, out);
  return out;
}

const rows = generate(new NexmarkGenerator(nexmarkConfigFromOptions({ connector: 'nexmark' })), N);
const payload = (row: Row): Row => row[(row[0] as number) + 1] as Row;

describe('nexmarkConfigFromOptions', () => {
  it('defaults to Nexmark’s configuration', () => {
    expect(nexmarkConfigFromOptions({})).toEqual(DEFAULT_NEXMARK_CONFIG);
    expect(DEFAULT_NEXMARK_CONFIG.baseTime).toBe(Date.parse('2015-07-15T00:00:00Z'));
  });

  it('reads the table options', () => {
    const config = nexmarkConfigFromOptions({
      seed: '7',
      'first-event.rate': '1000',
      'person.proportion': '2',
      'auction.proportion': '4',
      'bid.proportion': '14',
    });
    expect(config).toMatchObject({
      seed: 7,
      firstEventRate: 1000,
      nextEventRate: 1000,
      personProportion: 2,
      auctionProportion: 4,
      bidProportion: 14,
    });
    expect(nexmarkConfigFromOptions({ 'first-event.rate': '0' }).firstEventRate).toBe(10_000);
  });

  it('rejects values that are not integers', () => {
    expect(() => nexmarkConfigFromOptions({ 'bid.proportion': 'x' })).toThrow(
      "nexmark option 'bid.proportion' must be a non-negative integer: 'x'",
    );
    expect(() => nexmarkConfigFromOptions({ seed: '1.5' })).toThrow(
      "nexmark option 'seed' must be an integer: '1.5'",
    );
  });
});

describe('NexmarkGenerator', () => {
  it('gives the same event for the same seed and number, whatever was generated before', () => {
    const a = new NexmarkGenerator({ seed: 3 });
    const b = new NexmarkGenerator({ seed: 3 });
    const late = b.event(987_654_321);
    for (let n = 0; n < 2000; n++) expect(a.event(n)).toEqual(b.event(n));
    expect(a.event(987_654_321)).toEqual(late);
    expect(a.event(2 ** 40 + 5)).toEqual(b.event(2 ** 40 + 5));
  });

  it('gives different events for different seeds', () => {
    const a = new NexmarkGenerator({ seed: 1 });
    const b = new NexmarkGenerator({ seed: 2 });
    let differ = 0;
    for (let n = 0; n < 1000; n++) if (JSON.stringify(a.event(n)) !== JSON.stringify(b.event(n))) differ++;
    expect(differ).toBeGreaterThan(990);
  });

  it('produces person:auction:bid = 1:3:46 in every 50-event period', () => {
    const counts = [0, 0, 0];
    const misplaced = rows.filter((row, n) => {
      const offset = n % 50;
      counts[row[0] as number]++;
      return (
        row[0] !== (offset === 0 ? PERSON : offset < 4 ? AUCTION : BID) ||
        row.filter((v) => v === null).length !== 2
      );
    });
    expect(misplaced).toEqual([]);
    expect(counts).toEqual([2000, 6000, 92_000]);
  });

  it('follows configured proportions', () => {
    const gen = new NexmarkGenerator({ personProportion: 2, auctionProportion: 0, bidProportion: 3 });
    expect(generate(gen, 10).map((row) => row[0])).toEqual([0, 0, 2, 2, 2, 0, 0, 2, 2, 2]);
  });

  it('numbers persons and auctions from 1000, and refers only to ones generated before', () => {
    const persons = new Set<number>();
    const auctions = new Set<number>();
    const bad: Row[] = [];
    let hotAuctionBids = 0;
    let bids = 0;
    for (const row of rows) {
      const p = payload(row) as number[];
      if (row[0] === PERSON) {
        if (p[0] !== 1000 + persons.size) bad.push(row);
        persons.add(p[0]);
      } else if (row[0] === AUCTION) {
        const ok =
          p[0] === 1000 + auctions.size && persons.has(p[7]) && p[8] >= 10 && p[8] < 15 && p[4] > p[3];
        if (!ok) bad.push(row);
        auctions.add(p[0]);
      } else {
        if (!auctions.has(p[0]) || !persons.has(p[1]) || !(p[2] > 0)) bad.push(row);
        bids++;
        if ((p[0] - 1000) % 100 === 0) hotAuctionBids++;
      }
    }
    expect(bad).toEqual([]);
    expect(persons.size).toBe(2000);
    // hotAuctionRatio 2: about half the bids go to the current hot auction.
    expect(hotAuctionBids / bids).toBeGreaterThan(0.45);
  });

  it('spaces event time by the configured rate', () => {
    const time = (row: Row): number => payload(row)[row[0] === PERSON ? 6 : 5] as number;
    expect(rows.findIndex((row, n) => n > 0 && time(row) < time(rows[n - 1]))).toBe(-1);
    expect(time(rows[0])).toBe(BASE);
    expect(time(rows[N - 1]) - time(rows[0])).toBe(Math.floor(((N - 1) * 1e6) / 10_000 / 1000)); // 0.1 ms apart
    const slow = new NexmarkGenerator(nexmarkConfigFromOptions({ 'first-event.rate': '1000' }));
    expect(time(slow.event(4999))).toBe(BASE + 4999);
  });

  it('alternates between two rates as a square wave', () => {
    const gen = new NexmarkGenerator({ firstEventRate: 1000, nextEventRate: 100, ratePeriodSec: 20 });
    // 10 s at 1000/s (10,000 events), then 10 s at 100/s (1,000 events), then again.
    expect(gen.timestampForEvent(10_000)).toBe(BASE + 10_000);
    expect(gen.timestampForEvent(10_500)).toBe(BASE + 15_000);
    expect(gen.timestampForEvent(11_000)).toBe(BASE + 20_000);
    let last = 0;
    for (let n = 0; n < 30_000; n += 7) {
      const t = gen.timestampForEvent(n);
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });

  it('lets auctions expire after they start', () => {
    const auctions = rows.filter((row) => row[0] === AUCTION).map((row) => payload(row) as number[]);
    expect(auctions.filter((a) => !(a[6] > a[5]))).toEqual([]);
    // Nexmark: lengths average the time until 100 more auctions (100 · 50/3 events at 10,000/s ≈ 167 ms).
    const mean = auctions.reduce((sum, a) => sum + a[6] - a[5], 0) / auctions.length;
    expect(mean).toBeGreaterThan(140);
    expect(mean).toBeLessThan(200);
  });

  it('fills strided splits with exactly the events i, i+p, …', () => {
    const p = 3;
    const whole = new NexmarkGenerator({ seed: 9 });
    for (let i = 0; i < p; i++) {
      const out: Row[] = [];
      expect(new NexmarkGenerator({ seed: 9 }).fill(i + 600, p, 500, out)).toBe(500);
      expect(out).toHaveLength(500);
      out.forEach((row, k) => expect(row).toEqual(whole.event(i + 600 + k * p)));
    }
  });

  it('uses hot channels and urls with a channel_id, as q21 expects', () => {
    const bids = rows.filter((row) => row[0] === BID).map(payload);
    const hot = bids.filter((b) => ['Google', 'Facebook', 'Baidu', 'Apple'].includes(b[3] as string));
    expect(hot.length / bids.length).toBeGreaterThan(0.45);
    expect(hot.length / bids.length).toBeLessThan(0.55);
    const hotSet = new Set(hot);
    const other = bids.filter((b) => !hotSet.has(b));
    expect(other.every((b) => /^channel-\d+$/.test(b[3] as string))).toBe(true);
    const withId = other.filter((b) => /(&|^)channel_id=([^&]*)/.test(b[4] as string));
    expect(withId.length / other.length).toBeGreaterThan(0.85);
    expect(bids.every((b) => (b[4] as string).startsWith('https://www.nexmark.com/'))).toBe(true);
    expect((bids[0][6] as string).length).toBeLessThanOrEqual(16);
  });

  it('generates fast (printed, not asserted)', () => {
    const gen = new NexmarkGenerator();
    const out: Row[] = new Array<Row>(4096);
    const count = 4_000_000;
    for (let n = 0; n < 400_000; n += 4096) gen.fill(n, 1, 4096, out); // warm up
    const start = performance.now();
    for (let n = 0; n < count; n += 4096) gen.fill(n, 1, 4096, out);
    const ms = performance.now() - start;
    console.log(`nexmark generator: ${((count / ms) * 1000).toFixed(0)} events/s`);
  });
});
