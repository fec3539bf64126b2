// CRC-32 of checkpoint files: the check value, and equal to zlib's for every length around the 8-byte steps.
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Hex } from '../../runtime/checkpoint/crc32';

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
});
