// The channel-state file of an unaligned checkpoint: per input channel of a task, the in-flight batches, msgpack-encoded.
import { Packr, Unpackr } from 'msgpackr';
import type { RecordBatch, Row, RowKind } from '../messages';

const packr = new Packr({ useRecords: false, moreTypes: true });
const unpackr = new Unpackr({ useRecords: false, moreTypes: true, mapsAsObjects: false });

const MAGIC = 0x77696331; // "wic1"

/** File names of channel state end so (fault points and tools tell them from keyed state). */
export const CHANNEL_STATE_SUFFIX = '.channel';

export interface ChannelStateData {
  readonly index: number;
  readonly batches: readonly RecordBatch[];
}

/** Layout: magic, then msgpack [[channel index, [[rows, kinds | null], …]], …]. */
export function encodeChannelState(channels: readonly ChannelStateData[]): Uint8Array {
  const body = packr.pack(channels.map((c) => [c.index, c.batches.map((b) => [b.rows, b.kinds ?? null])]));
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, MAGIC);
  out.set(body, 4);
  return out;
}

/** Decodes a channel-state file; throws a clear error on anything that is not one. */
export function decodeChannelState(data: Uint8Array, what: string): ChannelStateData[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 4 || view.getUint32(0) !== MAGIC)
    throw new Error(`${what}: not a weir channel-state file`);
  const channels = unpackr.unpack(data.subarray(4)) as [number, [Row[], RowKind[] | null][]][];
  return channels.map(([index, batches]) => ({
    index,
    batches: batches.map(([rows, kinds]) => ({ rows, kinds: kinds ?? undefined })),
  }));
}
