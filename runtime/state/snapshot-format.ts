// The keyed-state file format: msgpackr-encoded key groups, one record per key group (backend-independent).
import { Packr, Unpackr } from 'msgpackr';
import { yieldNow } from '../clock';
import type { KeyGroupData } from './backend';

/** Plain msgpack (no shared record structures): a fresh process, or another backend, must read it. */
const packr = new Packr({ useRecords: false, moreTypes: true });
const unpackr = new Unpackr({ useRecords: false, moreTypes: true, mapsAsObjects: false });

const MAGIC = 0x77697231; // "wir1"

/**
 * Encodes key groups, yielding to the event loop every few milliseconds so records keep flowing while a
 * large state is written. Layout: magic, then per key group a length-prefixed msgpack [keyGroup, tables].
 */
export async function encodeKeyGroups(
  groups: Iterable<KeyGroupData> | AsyncIterable<KeyGroupData>,
  sliceMs = 4,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 4;
  let sliceStart = Date.now();
  for await (const g of groups) {
    const body = packr.pack([g.keyGroup, g.tables]);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, body.length);
    parts.push(header, body);
    total += 4 + body.length;
    if (Date.now() - sliceStart > sliceMs) {
      await yieldNow();
      sliceStart = Date.now();
    }
  }
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, MAGIC);
  let offset = 4;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Decodes a keyed-state file; throws a clear error on anything that is not one. */
export function decodeKeyGroups(data: Uint8Array, what: string): KeyGroupData[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 4 || view.getUint32(0) !== MAGIC) throw new Error(`${what}: not a weir keyed-state file`);
  const out: KeyGroupData[] = [];
  let offset = 4;
  while (offset < data.length) {
    if (offset + 4 > data.length) throw new Error(`${what}: truncated at byte ${offset}`);
    const len = view.getUint32(offset);
    offset += 4;
    if (offset + len > data.length) throw new Error(`${what}: truncated at byte ${offset}`);
    const [keyGroup, tables] = unpackr.unpack(data.subarray(offset, offset + len)) as [
      number,
      Record<string, [never[], unknown[]]>,
    ];
    out.push({ keyGroup, tables: tables instanceof Map ? Object.fromEntries(tables) : tables });
    offset += len;
  }
  return out;
}
