// The Nexmark event sequence without randomness: the ids an event position sees, and each event's time.

import { DEFAULT_NEXMARK_CONFIG, type NexmarkConfig } from './config';

/**
 * Arithmetic on event numbers, from the configuration alone: the proportion period (events are kinds by
 * position in it), the last person/auction generated at a position, and an event-time timeline from the
 * configured rates. `NexmarkGenerator` extends it, so the hot path reads these fields from one object.
 */
export class NexmarkSequence {
  readonly config: NexmarkConfig;
  protected readonly total: number;
  protected readonly personP: number;
  protected readonly auctionP: number;
  /** Events between an auction and the auction numInFlightAuctions later (its expected lifetime). */
  protected readonly eventsForAuctions: number;
  // Event-time timeline: one rate, or a square wave of two (Beam Nexmark's SQUARE rate shape).
  private readonly delayUs0: number;
  private readonly delayUs1: number;
  private readonly stepEvents0: number;
  private readonly stepEvents1: number;
  private readonly stepMs0: number;
  private readonly epochMs: number;

  constructor(config: Partial<NexmarkConfig>) {
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

  // Nexmark's `lastBase0PersonId`: the person generated last at or before this position.
  protected lastPerson(epoch: number, offset: number): number {
    return epoch * this.personP + (offset < this.personP ? offset : this.personP - 1);
  }

  // Nexmark's `lastBase0AuctionId` (-1 before the first auction).
  protected lastAuction(epoch: number, offset: number): number {
    if (offset < this.personP) return (epoch - 1) * this.auctionP + this.auctionP - 1;
    if (offset < this.personP + this.auctionP) return epoch * this.auctionP + offset - this.personP;
    return epoch * this.auctionP + this.auctionP - 1;
  }
}
