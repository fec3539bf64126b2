// RocksDB key and value encoding: key group first (a key-group range is one contiguous scan), then table, then key.
import { Packr, Unpackr } from 'msgpackr';
import type { StateKey } from '../../key-groups';

/**
 * Plain msgpack, no shared record structures: whatever a fresh process (or a restore at another
 * parallelism) reads back decodes on its own, with no structure table to persist beside the data.
 */
const packr = new Packr({ useRecords: false, moreTypes: true });
const unpackr = new Unpackr({ useRecords: false, moreTypes: true, mapsAsObjects: false });

export function encodeValue(v: unknown): Buffer {
  return packr.pack(v);
}

export function decodeValue(b: Uint8Array): unknown {
  return unpackr.unpack(b);
}

/** `[key group: u16 BE][table name length: u8][table name]`: what every key of one table in one key group starts with. */
export function tablePrefix(keyGroup: number, table: string): Buffer {
  const name = Buffer.from(table, 'utf8');
  const b = Buffer.allocUnsafe(3 + name.length);
  b.writeUInt16BE(keyGroup, 0);
  b[2] = name.length;
  name.copy(b, 3);
  return b;
}

/** The full RocksDB key: the table prefix, then the msgpack-encoded state key. */
export function encodeKey(prefix: Buffer, key: StateKey): Buffer {
  return Buffer.concat([prefix, packr.pack(key)]);
}

/** Splits a RocksDB key back into key group, table and state key. */
export function decodeKey(b: Uint8Array): { keyGroup: number; table: string; key: StateKey } {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const n = buf[2]!;
  return {
    keyGroup: buf.readUInt16BE(0),
    table: buf.toString('utf8', 3, 3 + n),
    key: unpackr.unpack(buf.subarray(3 + n)) as StateKey,
  };
}

/** The first key after every key starting with `prefix` (an exclusive upper bound for a scan). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  throw new Error('prefix has no upper bound');
}

/** `[key group: u16 BE]`: bounds of a key-group range scan. */
export function keyGroupBound(keyGroup: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(keyGroup, 0);
  return b;
}
