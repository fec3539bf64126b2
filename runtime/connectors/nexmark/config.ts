// The nexmark table's parameters: Nexmark's defaults and the parsing of the table's WITH options.

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
