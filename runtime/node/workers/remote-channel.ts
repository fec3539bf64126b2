// Channels between task managers: msgpackr-encoded batches over a MessagePort, with credit-based flow control.
import { Packr, Unpackr } from 'msgpackr';
import type { CheckpointBarrier, RecordBatch, RowKind, StreamElement } from '../../messages';
import type { ChannelReader, ChannelWriter } from '../../task/channel';
import { type BarrierView, OvertakingFifo } from '../../task/overtaking-fifo';
import { type EncodedRows, decodeRows, encodeRows } from './batch-codec';

const packr = new Packr({ useRecords: false, moreTypes: true });
const unpackr = new Unpackr({ useRecords: false, moreTypes: true, mapsAsObjects: true });

/** The port to one peer task manager (a worker_threads MessagePort, or a fake in tests). */
export interface PeerPort {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
}

/** What one flush carries: the encoded elements of every channel to the peer, and credits given back. */
export interface ExchangeMessage {
  /** msgpackr of a flat array: channel key, element, channel key, element, … (in push order). */
  readonly data?: Uint8Array;
  /** Channel key → batches the consumer drained since its last flush. */
  readonly credits?: Readonly<Record<string, number>>;
}

/**
 * Elements as compact arrays: [0, rows (batch-codec), kinds] · [1, ts] · [2, id, ts, savepoint, unaligned,
 * aligned timeout, overtaken] · [3] idle · [4] endOfData · [5] end.
 */
type Encoded = readonly unknown[];

function encodeBarrier(b: CheckpointBarrier): Encoded {
  return [
    2,
    b.checkpointId,
    b.timestamp,
    b.isSavepoint,
    b.unaligned ?? false,
    b.alignedTimeout ?? null,
    b.overtaken ?? null,
  ];
}

function decodeBarrier(x: Encoded): CheckpointBarrier {
  return {
    kind: 'barrier',
    checkpointId: x[1] as number,
    timestamp: x[2] as number,
    isSavepoint: x[3] as boolean,
    ...(x[4] ? { unaligned: true } : {}),
    ...(x[5] !== null && x[5] !== undefined ? { alignedTimeout: x[5] as number } : {}),
    ...(x[6] !== null && x[6] !== undefined ? { overtaken: x[6] as number } : {}),
  };
}

/** Encoded elements seen as barriers: unaligned ones overtake the reader's queue. */
const encodedBarriers: BarrierView<Encoded> = {
  barrier: (x) => (x[0] === 2 ? decodeBarrier(x) : undefined),
  of: encodeBarrier,
};

function encode(e: StreamElement): Encoded {
  switch (e.kind) {
    case 'batch':
      return [0, encodeRows(e.batch.rows), e.batch.kinds ?? null];
    case 'watermark':
      return [1, e.timestamp];
    case 'barrier':
      return encodeBarrier(e);
    case 'idle':
      return [3];
    case 'endOfData':
      return [4];
    case 'end':
      return [5];
  }
}

function decode(x: Encoded): StreamElement {
  switch (x[0]) {
    case 0: {
      const batch: RecordBatch = {
        rows: decodeRows(x[1] as EncodedRows),
        kinds: (x[2] as RowKind[] | null) ?? undefined,
      };
      return { kind: 'batch', batch };
    }
    case 1:
      return { kind: 'watermark', timestamp: x[1] as number };
    case 2:
      return decodeBarrier(x);
    case 3:
      return { kind: 'idle' };
    case 4:
      return { kind: 'endOfData' };
    default:
      return { kind: 'end' };
  }
}

/**
 * Everything a task manager exchanges with one peer: the producer ends of the channels to it (elements wait
 * in one outbox, in push order, until `flush`) and the consumer ends of the channels from it. Order per
 * channel is the port's order, so barriers and watermarks arrive exactly where they were pushed.
 */
export class ChannelExchange {
  private outbox: unknown[] = [];
  private readonly creditsToReturn = new Map<string, number>();
  private readonly writers = new Map<string, RemoteChannelWriter>();
  private readonly readers = new Map<string, RemoteChannelReader>();
  /** Bytes and messages sent (for tests and figures). */
  sentBytes = 0;
  sentMessages = 0;

  /** `onReceive` runs after elements or credits arrived (the task manager wakes its loop). */
  constructor(
    private readonly port: PeerPort,
    private readonly onReceive: () => void = () => {},
  ) {}

  /** The producer end of channel `key` to the peer; `capacity` batches in flight at most (the peer's buffers). */
  writer(key: string, name: string, capacity = 8): RemoteChannelWriter {
    const w = new RemoteChannelWriter(key, name, capacity, this);
    this.writers.set(key, w);
    return w;
  }

  /**
   * The consumer end of channel `key` from the peer (elements that came before it was asked for are kept);
   * `capacity`: the credits its writer starts with (buffer debloating lends fewer).
   */
  reader(key: string, name = key, capacity?: number): RemoteChannelReader {
    let r = this.readers.get(key);
    if (!r) {
      r = new RemoteChannelReader(key, name, this);
      this.readers.set(key, r);
    }
    if (capacity !== undefined) r.credited(capacity);
    return r;
  }

  /** @internal */
  enqueue(key: string, e: StreamElement): void {
    this.outbox.push(key, encode(e));
  }

  /** @internal A consumer drained a batch: its credit goes back with the next flush. */
  returnCredit(key: string): void {
    this.creditsToReturn.set(key, (this.creditsToReturn.get(key) ?? 0) + 1);
  }

  /** Whether a flush would send anything. */
  get pending(): boolean {
    return this.outbox.length > 0 || this.creditsToReturn.size > 0;
  }

  /** Sends what the channels pushed and the credits drained since the last flush, in one message. */
  flush(): void {
    if (!this.pending) return;
    let data: Uint8Array | undefined;
    if (this.outbox.length > 0) {
      // packr reuses its buffer: copy into a buffer of our own, then hand it over without another copy.
      data = new Uint8Array(packr.pack(this.outbox));
      this.outbox = [];
    }
    let credits: Record<string, number> | undefined;
    if (this.creditsToReturn.size > 0) {
      credits = Object.fromEntries(this.creditsToReturn);
      this.creditsToReturn.clear();
    }
    const message: ExchangeMessage = { ...(data ? { data } : {}), ...(credits ? { credits } : {}) };
    this.sentBytes += data?.byteLength ?? 0;
    this.sentMessages++;
    this.port.postMessage(message, data ? [data.buffer as ArrayBuffer] : []);
  }

  /** Handles a message from the peer's flush. */
  receive(message: ExchangeMessage): void {
    if (message.data) {
      const flat = unpackr.unpack(message.data) as unknown[];
      for (let i = 0; i < flat.length; i += 2) this.reader(flat[i] as string).deliver(flat[i + 1] as Encoded);
    }
    if (message.credits)
      for (const [key, n] of Object.entries(message.credits)) this.writers.get(key)?.grant(n);
    this.onReceive();
  }
}

/** The producer end: pushes go to the exchange's outbox; a batch uses one credit. */
export class RemoteChannelWriter implements ChannelWriter {
  private credits: number;

  constructor(
    readonly key: string,
    readonly name: string,
    capacity: number,
    private readonly exchange: ChannelExchange,
  ) {
    this.credits = capacity;
  }

  push(e: StreamElement): void {
    if (e.kind === 'batch') this.credits--;
    this.exchange.enqueue(this.key, e);
  }

  /** False while every credit is used (the consumer's buffers are full): backpressure on the producer. */
  hasCapacity(): boolean {
    return this.credits > 0;
  }

  /** @internal */
  grant(n: number): void {
    this.credits += n;
  }

  get availableCredits(): number {
    return this.credits;
  }
}

/**
 * The consumer end: a FIFO of what arrived, kept encoded (a batch's columns, not a row object per record)
 * until the task polls it: up to the credits' worth of batches wait here, and as rows they would be copied by
 * every young-generation collection while they wait. Draining a batch gives its credit back.
 */
export class RemoteChannelReader implements ChannelReader {
  private readonly fifo = new OvertakingFifo<Encoded>(encodedBarriers);

  constructor(
    readonly key: string,
    readonly name: string,
    private readonly exchange: ChannelExchange,
  ) {}

  /** @internal */
  deliver(e: Encoded): void {
    this.fifo.push(e);
  }

  /** Credits lent out: with the writer, in flight, or queued here. */
  private outstanding = Infinity;
  /** Credits to lend (buffer debloating lowers it), at most `max`. */
  private target = Infinity;
  private max = Infinity;

  /** @internal The writer's capacity (credits it started with). */
  credited(capacity: number): void {
    this.outstanding = this.target = this.max = capacity;
  }

  poll(): StreamElement | undefined {
    const x = this.fifo.poll();
    if (x === undefined) return undefined;
    const e = decode(x);
    if (e.kind === 'batch') {
      // Above the debloated target, a drained batch's credit is kept back.
      if (this.outstanding > this.target) this.outstanding--;
      else this.exchange.returnCredit(this.key);
    }
    return e;
  }

  /** Buffer debloating: lend at most `batches` credits (more are given back at once when it grows). */
  setCapacity(batches: number): void {
    if (this.max === Infinity) return;
    this.target = Math.max(1, Math.min(this.max, batches));
    for (; this.outstanding < this.target; this.outstanding++) this.exchange.returnCredit(this.key);
  }

  get size(): number {
    return this.fifo.size;
  }

  hasPriority(): boolean {
    return this.fifo.hasPriority();
  }

  get timeoutAt(): number | undefined {
    return this.fifo.timeoutAt;
  }

  promoteTimedOut(now: number): void {
    this.fifo.promoteTimedOut(now);
  }

  overtakenElements(n: number): StreamElement[] {
    return this.fifo.overtakenElements(n).map(decode);
  }
}
