// Nexmark event generator: a deterministic, seekable stream of Person / Auction / Bid rows (no Node imports).
//
// The model follows the public Nexmark generator (nexmark/nexmark, `nexmark-flink/.../generator/`):
// event kinds by position in a proportion period, ids derived from the event number, hot sellers,
// bidders and auctions, log-distributed prices, hot channels and `channel_id=` urls, and an event-time
// timeline from the configured rates. Unlike Nexmark, every event draws its randomness from a PRNG
// seeded with (seed, event number), so any event can be generated on its own, by any subtask.

/** `event_type` values of the `nexmark` table. */
export const PERSON = 0;
export const AUCTION = 1;
export const BID = 2;

/** Parameters of the generated stream; see {@link DEFAULT_NEXMARK_CONFIG} for Nexmark's defaults. */
export interface NexmarkConfig {
  /** The same seed MUST give the same events. */
  readonly seed: number;
  /** Events per second of event time in the first half of each rate period. */
  readonly firstEventRate: number;
  /** Events per second of event time in the second half (when it differs from the first). */
  readonly nextEventRate: number;
  /** Length of a rate period (a square wave between the two rates), in seconds. */
  readonly ratePeriodSec: number;
  readonly personProportion: number;
  readonly auctionProportion: number;
  readonly bidProportion: number;
  /** Event time of event 0, epoch ms. */
  readonly baseTime: number;
  /** 1 - 1/ratio of bids go to the current hot auction. */
  readonly hotAuctionRatio: number;
  /** 1 - 1/ratio of auctions are by the current hot seller. */
  readonly hotSellersRatio: number;
  /** 1 - 1/ratio of bids are by the current hot bidder. */
  readonly hotBiddersRatio: number;
  /** Persons considered active (picked as non-hot sellers and bidders). */
  readonly numActivePeople: number;
  /** Recent auctions considered in flight (picked by non-hot bids). */
  readonly numInFlightAuctions: number;
  /** Ids allowed ahead of the last generated person/auction (Nexmark: 10; 0 keeps every reference valid). */
  readonly idLead: number;
  readonly numCategories: number;
  /** Average length of the `extra` strings (lengths are uniform in 0 … 2·extraSize). */
  readonly extraSize: number;
}

/** Nexmark's `NexmarkConfiguration` defaults, with Beam Nexmark's fixed base time 2015-07-15T00:00:00Z. */
export const DEFAULT_NEXMARK_CONFIG: NexmarkConfig = Object.freeze({
  seed: 0,
  firstEventRate: 10_000,
  nextEventRate: 10_000,
  ratePeriodSec: 600,
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  baseTime: Date.UTC(2015, 6, 15),
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  numActivePeople: 1000,
  numInFlightAuctions: 100,
  idLead: 0,
  numCategories: 5,
  extraSize: 8,
});

const OPTION_FIELDS: ReadonlyArray<readonly [string, keyof NexmarkConfig]> = [
  ['seed', 'seed'],
  ['first-event.rate', 'firstEventRate'],
  ['next-event.rate', 'nextEventRate'],
  ['person.proportion', 'personProportion'],
  ['auction.proportion', 'auctionProportion'],
  ['bid.proportion', 'bidProportion'],
];

/**
 * Reads a `nexmark` table's WITH options. A rate of 0 (the catalog's "as fast as possible", a wall-clock
 * matter for the source) keeps Nexmark's event-time spacing of 10,000 events/s; `next-event.rate`
 * defaults to `first-event.rate`.
 *
 * @example nexmarkConfigFromOptions({ 'connector': 'nexmark', 'seed': '7' }).seed // 7
 */
export function nexmarkConfigFromOptions(options: Readonly<Record<string, string>>): NexmarkConfig {
  const config: Record<string, number> = { ...DEFAULT_NEXMARK_CONFIG };
  for (const [key, field] of OPTION_FIELDS) {
    const text = options[key];
    if (text === undefined) continue;
    const value = Number(text.trim());
    if (text.trim() === '' || !Number.isSafeInteger(value) || (field !== 'seed' && value < 0)) {
      throw new Error(
        `nexmark option '${key}' must be ${field === 'seed' ? 'an' : 'a non-negative'} integer: '${text}'`,
      );
    }
    config[field] = value;
  }
  if (config.firstEventRate === 0) config.firstEventRate = DEFAULT_NEXMARK_CONFIG.firstEventRate;
  if (options['next-event.rate'] === undefined || config.nextEventRate === 0) {
    config.nextEventRate = config.firstEventRate;
  }
  if (config.personProportion + config.auctionProportion + config.bidProportion === 0) {
    throw new Error('nexmark options: person.proportion + auction.proportion + bid.proportion must be > 0');
  }
  return config as unknown as NexmarkConfig;
}

// ---- randomness ------------------------------------------------------------------------------------------

const TWO_32 = 4294967296;

/** murmur3's 32-bit finalizer: a bijection on 32-bit integers. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32, reseeded per event: a few integer ops a draw, no allocation. */
class EventRandom {
  private state = 0;
  private readonly seedLo: number;
  private readonly seedHi: number;

  constructor(seed: number) {
    this.seedLo = mix32((seed >>> 0) ^ 0x5bd1e995);
    this.seedHi = mix32(Math.floor(seed / TWO_32) >>> 0);
  }

  /** Positions the stream at event `n` (`salt` separates the pools' streams from the events'). */
  reset(n: number, salt = 0): void {
    const lo = n >>> 0;
    const hi = (n / TWO_32) >>> 0;
    // For a fixed seed and hi, lo ↦ state is a bijection, so events below 2^32 never share a state.
    this.state = mix32(
      (this.seedLo ^ Math.imul(lo, 0x9e3779b1)) + Math.imul(hi ^ this.seedHi ^ salt, 0x85ebca77),
    );
  }

  u32(): number {
    const s = (this.state = (this.state + 0x6d2b79f5) | 0);
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  unit(): number {
    return this.u32() / TWO_32;
  }

  /** Uniform integer in [0, n); 0 when n ≤ 0. */
  int(n: number): number {
    return n > 0 ? Math.floor((this.u32() / TWO_32) * n) : 0;
  }
}

// ---- Nexmark's constants and string shapes -------------------------------------------------------------

const FIRST_PERSON_ID = 1000;
const FIRST_AUCTION_ID = 1000;
const FIRST_CATEGORY_ID = 10;
/** Hot sellers, bidders and auctions are the first of each batch of this many recent ids. */
const HOT_BATCH = 100;
const HOT_CHANNELS_RATIO = 2;
const CHANNELS_NUMBER = 10_000;
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
const LN10_X6 = 6 * Math.LN10;

const codes: number[] = [];

/** Nexmark's random string: 3 … maxLength-1 letters, about 1 in 13 replaced by `special`, trimmed. */
function nextString(random: EventRandom, maxLength: number, special = 32): string {
  const length = 3 + random.int(maxLength - 3);
  codes.length = 0;
  for (let i = 0; i < length; i++) codes.push(random.int(13) === 0 ? special : 97 + random.int(26));
  const text = String.fromCharCode(...codes);
  return special === 32 ? text.trim() : text;
}

function exactString(random: EventRandom, length: number): string {
  codes.length = 0;
  for (let i = 0; i < length; i++) codes.push(97 + random.int(26));
  return String.fromCharCode(...codes);
}

/** Nexmark's url: three random directories under www.nexmark.com. */
function baseUrl(random: EventRandom): string {
  const a = nextString(random, 5, 95);
  const b = nextString(random, 5, 95);
  const c = nextString(random, 5, 95);
  return `https://www.nexmark.com/${a}/${b}/${c}/item.htm?query=1`;
}

/** Java's `Math.abs(Integer.reverse(n))`: the channel id Nexmark puts in a url. */
function reversedChannelId(n: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) r = (r << 1) | ((n >>> i) & 1);
  return Math.abs(r | 0);
}

/**
 * A pool of strings built on first use: entry i MUST depend only on (seed, salt, i), so a pool is the same
 * whichever events touched it first.
 */
class LazyPool {
  private readonly items: (string | undefined)[];

  constructor(
    private readonly random: EventRandom,
    private readonly salt: number,
    size: number,
    private readonly make: (random: EventRandom, i: number) => string,
  ) {
    this.items = new Array<string | undefined>(size).fill(undefined);
  }

  get(i: number): string {
    const item = this.items[i];
    if (item !== undefined) return item;
    this.random.reset(i, this.salt);
    return (this.items[i] = this.make(this.random, i));
  }
}

let digits4: string[] | undefined;
/** "0000" … "9999", for credit card numbers. */
function fourDigits(): string[] {
  return (digits4 ??= Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0')));
}

// ---- the generator ---------------------------------------------------------------------------------------

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
export class NexmarkGenerator {
  readonly config: NexmarkConfig;
  private readonly random: EventRandom;
  private readonly total: number;
  private readonly personP: number;
  private readonly auctionP: number;
  /** Events between an auction and the auction numInFlightAuctions later (its expected lifetime). */
  private readonly eventsForAuctions: number;
  // Event-time timeline: one rate, or a square wave of two (Beam Nexmark's SQUARE rate shape).
  private readonly delayUs0: number;
  private readonly delayUs1: number;
  private readonly stepEvents0: number;
  private readonly stepEvents1: number;
  private readonly stepMs0: number;
  private readonly epochMs: number;
  // Pools of strings, built on first use from the seed (a separate stream, so events do not disturb them).
  private readonly emails: LazyPool;
  private readonly itemNames: LazyPool;
  private readonly descriptions: LazyPool;
  private readonly extras: LazyPool;
  private readonly hotUrls: LazyPool;
  private readonly channelNames: LazyPool;
  private readonly channelUrls: LazyPool;

  constructor(config: Partial<NexmarkConfig> = {}) {
    const c = (this.config = { ...DEFAULT_NEXMARK_CONFIG, ...config });
    this.total = c.personProportion + c.auctionProportion + c.bidProportion;
    if (!(this.total > 0)) throw new Error('nexmark: the event proportions must add up to more than 0');
    if (!(c.firstEventRate > 0 && c.nextEventRate > 0)) throw new Error('nexmark: event rates must be > 0');
    this.personP = c.personProportion;
    this.auctionP = c.auctionProportion;
    this.eventsForAuctions =
      c.auctionProportion > 0 ? Math.floor((c.numInFlightAuctions * this.total) / c.auctionProportion) : 0;

    this.delayUs0 = 1e6 / c.firstEventRate;
    this.delayUs1 = 1e6 / c.nextEventRate;
    const stepSec = Math.max(1, Math.ceil(c.ratePeriodSec / 2));
    this.stepEvents0 = Math.floor((stepSec * 1e6) / this.delayUs0);
    this.stepEvents1 = Math.floor((stepSec * 1e6) / this.delayUs1);
    this.stepMs0 = Math.floor((this.stepEvents0 * this.delayUs0) / 1000);
    this.epochMs = this.stepMs0 + Math.floor((this.stepEvents1 * this.delayUs1) / 1000);

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

  /** Event time of event n, epoch ms (non-decreasing in n). */
  timestampForEvent(n: number): number {
    if (this.delayUs0 === this.delayUs1) return this.config.baseTime + Math.floor((n * this.delayUs0) / 1000);
    const perEpoch = this.stepEvents0 + this.stepEvents1;
    const epoch = Math.floor(n / perEpoch);
    const i = n - epoch * perEpoch;
    const offset =
      i < this.stepEvents0
        ? Math.floor((i * this.delayUs0) / 1000)
        : this.stepMs0 + Math.floor(((i - this.stepEvents0) * this.delayUs1) / 1000);
    return this.config.baseTime + epoch * this.epochMs + offset;
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

  // Nexmark's `lastBase0PersonId`: the person generated last at or before this position.
  private lastPerson(epoch: number, offset: number): number {
    return epoch * this.personP + (offset < this.personP ? offset : this.personP - 1);
  }

  // Nexmark's `lastBase0AuctionId` (-1 before the first auction).
  private lastAuction(epoch: number, offset: number): number {
    if (offset < this.personP) return (epoch - 1) * this.auctionP + this.auctionP - 1;
    if (offset < this.personP + this.auctionP) return epoch * this.auctionP + offset - this.personP;
    return epoch * this.auctionP + this.auctionP - 1;
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
