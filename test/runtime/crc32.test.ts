// CRC-32 of checkpoint files: the check value, equal to zlib's for every length around the 8-byte steps, and Node's native one in use.
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Hex } from '../../runtime/checkpoint/crc32';
import '../../runtime/node/native-crc32';

describe('crc32', () => {
  it('gives the standard check value and zero for no bytes', () => {
    expect(crc32Hex(new TextEncoder().encode('123456789'))).toBe('cbf43926');
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it("equals zlib's CRC-32 for lengths 0-100 and a megabyte, at any offset into a buffer", () => {
    const bytes = new Uint8Array(1 << 20);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (Math.imul(i, 2654435761) >>> 24) & 0xff;
    for (let n = 0; n <= 100; n++)
      for (const offset of [0, 3]) {
        const view = bytes.subarray(offset, offset + n);
        expect(crc32(view)).toBe(zlib.crc32(view));
      }
    expect(crc32(bytes)).toBe(zlib.crc32(bytes));
  });

  it("on Node, checksums (zlib's) equal the portable code's for views at any offset", () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
    for (const [start, end] of [
      [0, 4096],
      [5, 4000],
      [1, 2],
      [9, 9],
    ] as const) {
      const view = bytes.subarray(start, end);
      expect(crc32Hex(view)).toBe(crc32(view).toString(16).padStart(8, '0'));
    }
  });
});
