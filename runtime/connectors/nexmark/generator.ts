// Nexmark event generator: a deterministic, seekable stream of Person / Auction / Bid rows (no Node imports).
//
// The model follows the public Nexmark generator (nexmark/nexmark, `nexmark-flink/.../generator/`):
// event kinds by position in a proportion period, ids derived from the event number, hot sellers,
// bidders and auctions, log-distributed prices, hot channels and `channel_id=` urls, and an event-time
// timeline from the configured rates. Unlike Nexmark, every event draws its randomness from a PRNG
// seeded with (seed, event number), so any event can be generated on its own, by any subtask.

import type { NexmarkConfig } from './config';
import { LazyPool } from './pool';
import { EventRandom } from './random';
import { NexmarkSequence } from './sequence';
import { baseUrl, exactString, fourDigits, nextString, reversedChannelId } from './strings';

export { DEFAULT_NEXMARK_CONFIG, nexmarkConfigFromOptions, type NexmarkConfig } from './config';

/** `event_type` values of the `nexmark` table. */
export const PERSON = 0;
export const AUCTION = 1;
export const BID = 2;

// Constants read per event live in this module: V8 folds a module's own constants into optimized code but
// loads imported ones through a checked cell, which cost 10–20% of throughput when they were imported.
const FIRST_PERSON_ID = 1000;
const FIRST_AUCTION_ID = 1000;
const FIRST_CATEGORY_ID = 10;
/** Hot sellers, bidders and auctions are the first of each batch of this many recent ids. */
const HOT_BATCH = 100;
const HOT_CHANNELS_RATIO = 2;
const CHANNELS_NUMBER = 10_000;
const LN10_X6 = 6 * Math.LN10;
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = [
  'Phoenix',
  'Los Angeles',
  'San Francisco',
  'Boise',
  'Portland',
  'Bend',
  'Redmond',
  'Seattle',
  'Kent',
  'Cheyenne',
];
const FIRST_NAMES = [
  'Peter',
  'Paul',
  'Luke',
  'John',
  'Saul',
  'Vicky',
  'Kate',
  'Julie',
  'Sarah',
  'Deiter',
  'Walter',
];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const NAMES = FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => `${first} ${last}`));

/** Pool sizes (powers of two, drawn with a mask). */
const POOL = 1024;
const POOL_MASK = POOL - 1;

/**
 * Generates Nexmark events as rows of the `nexmark` table: `[event_type, person, auction, bid]`, where the
 * two that do not apply are null and
 * person = `[id, name, emailAddress, creditCard, city, state, dateTime, extra]`,
 * auction = `[id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra]`,
 * bid = `[auction, bidder, price, channel, url, dateTime, extra]` (times are epoch ms numbers).
 *
 * Event n MUST depend only on (config, n): ids and times are arithmetic on n, randomness comes from a PRNG
 * reseeded per event. Every person/auction a bid or auction refers to has a lower event number when
 * `idLead` is 0.
 *
 * @example
 * const gen = new NexmarkGenerator(nexmarkConfigFromOptions({ seed: '1' }));
 * gen.event(4); // [2, null, null, [1001, 1000, 358999, 'Baidu', 'https://www.nexmark.com/znj/o_d/zkma/item.htm?query=1',
 *               //                   1436918400000, 'riot']]
 */
export class NexmarkGenerator extends NexmarkSequence {
  private readonly random: EventRandom;
  // Pools of strings, built on first use from the seed (a separate stream, so events do not disturb them).
  private readonly emails: LazyPool;
  private readonly itemNames: LazyPool;
  private readonly descriptions: LazyPool;
  private readonly extras: LazyPool;
  private readonly hotUrls: LazyPool;
  private readonly channelNames: LazyPool;
  private readonly channelUrls: LazyPool;

  constructor(config: Partial<NexmarkConfig> = {}) {
    super(config);
    const c = this.config;
    this.random = new EventRandom(c.seed);
    const r = new EventRandom(c.seed);
    const extraMax = Math.max(0, Math.floor(c.extraSize * 2));
    this.emails = new LazyPool(r, 1, POOL, (r) => `${nextString(r, 7)}@${nextString(r, 5)}.com`);
    this.itemNames = new LazyPool(r, 2, POOL, (r) => nextString(r, 20));
    this.descriptions = new LazyPool(r, 3, POOL, (r) => nextString(r, 100));
    this.extras = new LazyPool(r, 4, POOL, (r) => exactString(r, r.int(extraMax + 1)));
    this.hotUrls = new LazyPool(r, 5, HOT_CHANNELS.length, baseUrl);
    this.channelNames = new LazyPool(r, 6, CHANNELS_NUMBER, (_, i) => `channel-${i}`);
    // Nexmark gives 9 in 10 of the other channels' urls a channel_id (q21 parses it).
    this.channelUrls = new LazyPool(r, 7, CHANNELS_NUMBER, (r, i) =>
      r.int(10) > 0 ? `${baseUrl(r)}&channel_id=${reversedChannelId(i)}` : baseUrl(r),
    );
  }

  /** The kind of event n: {@link PERSON}, {@link AUCTION} or {@link BID}. */
  eventType(n: number): number {
    const offset = n % this.total;
    return offset < this.personP ? PERSON : offset < this.personP + this.auctionP ? AUCTION : BID;
  }

  /** Row of event n (n a non-negative integer below 2^53). */
  event(n: number): unknown[] {
    const epoch = Math.floor(n / this.total);
    const offset = n - epoch * this.total;
    const time = this.timestampForEvent(n);
    this.random.reset(n);
    if (offset < this.personP) return [PERSON, this.person(epoch, offset, time), null, null];
    if (offset < this.personP + this.auctionP)
      return [AUCTION, null, this.auction(n, epoch, offset, time), null];
    return [BID, null, null, this.bid(epoch, time)];
  }

  /**
   * Writes the rows of events start, start + stride, …  (count of them) to out[0 … count-1] and returns
   * count. Subtask i of p generates its share with `fill(i + k·p, p, …)`.
   */
  fill(start: number, stride: number, count: number, out: unknown[][]): number {
    let n = start;
    for (let i = 0; i < count; i++, n += stride) out[i] = this.event(n);
    return count;
  }

  // Nexmark's `nextBase0PersonId`: one of the active people (plus idLead ids ahead).
  private activePerson(lastPerson: number): number {
    const people = lastPerson + 1;
    const active = Math.min(people, this.config.numActivePeople);
    return people - active + this.random.int(active + this.config.idLead);
  }

  private price(): number {
    return Math.round(Math.exp(this.random.unit() * LN10_X6) * 100);
  }

  private person(epoch: number, offset: number, time: number): unknown[] {
    const r = this.random;
    const digits = fourDigits();
    const card = `${digits[r.int(10_000)]} ${digits[r.int(10_000)]} ${digits[r.int(10_000)]} ${digits[r.int(10_000)]}`;
    return [
      this.lastPerson(epoch, offset) + FIRST_PERSON_ID,
      NAMES[r.int(NAMES.length)],
      this.emails.get(r.u32() & POOL_MASK),
      card,
      US_CITIES[r.int(US_CITIES.length)],
      US_STATES[r.int(US_STATES.length)],
      time,
      this.extras.get(r.u32() & POOL_MASK),
    ];
  }

  private auction(n: number, epoch: number, offset: number, time: number): unknown[] {
    const r = this.random;
    const c = this.config;
    const lastPerson = this.lastPerson(epoch, offset);
    const seller =
      r.int(c.hotSellersRatio) > 0
        ? Math.floor(lastPerson / HOT_BATCH) * HOT_BATCH
        : this.activePerson(lastPerson);
    const category = FIRST_CATEGORY_ID + r.int(c.numCategories);
    const initialBid = this.price();
    // Nexmark: a length averaging the time until numInFlightAuctions more auctions have been generated.
    const horizonMs = this.timestampForEvent(n + this.eventsForAuctions) - time;
    const expires = time + 1 + r.int(Math.max(horizonMs * 2, 1));
    const itemName = this.itemNames.get(r.u32() & POOL_MASK);
    const description = this.descriptions.get(r.u32() & POOL_MASK);
    const reserve = initialBid + this.price();
    return [
      this.lastAuction(epoch, offset) + FIRST_AUCTION_ID,
      itemName,
      description,
      initialBid,
      reserve,
      time,
      expires,
      seller + FIRST_PERSON_ID,
      category,
      this.extras.get(r.u32() & POOL_MASK),
    ];
  }

  private bid(epoch: number, time: number): unknown[] {
    const r = this.random;
    const c = this.config;
    const lastAuction = epoch * this.auctionP + this.auctionP - 1;
    let auction: number;
    if (r.int(c.hotAuctionRatio) > 0) {
      auction = Math.floor(lastAuction / HOT_BATCH) * HOT_BATCH;
    } else {
      const min = Math.max(lastAuction - c.numInFlightAuctions, 0);
      auction = min + r.int(lastAuction - min + 1 + c.idLead);
    }
    const lastPerson = epoch * this.personP + this.personP - 1;
    // Nexmark's hot bidder is the second of the batch, so it differs from the hot seller; it MUST NOT
    // be a person not generated yet, so it is capped at the last person.
    const bidder =
      r.int(c.hotBiddersRatio) > 0
        ? Math.min(Math.floor(lastPerson / HOT_BATCH) * HOT_BATCH + 1, lastPerson)
        : this.activePerson(lastPerson);
    const price = this.price();
    let channel: string;
    let url: string;
    if (r.int(HOT_CHANNELS_RATIO) > 0) {
      const i = r.u32() & 3;
      channel = HOT_CHANNELS[i];
      url = this.hotUrls.get(i);
    } else {
      const i = r.int(CHANNELS_NUMBER);
      channel = this.channelNames.get(i);
      url = this.channelUrls.get(i);
    }
    return [
      auction + FIRST_AUCTION_ID,
      bidder + FIRST_PERSON_ID,
      price,
      channel,
      url,
      time,
      this.extras.get(r.u32() & POOL_MASK),
    ];
  }
}
