// Nexmark's random strings: letters with specials, urls, credit card digits and url channel ids.

import type { EventRandom } from './random';

const codes: number[] = [];

/** Nexmark's random string: 3 … maxLength-1 letters, about 1 in 13 replaced by `special`, trimmed. */
export function nextString(random: EventRandom, maxLength: number, special = 32): string {
  const length = 3 + random.int(maxLength - 3);
  codes.length = 0;
  for (let i = 0; i < length; i++) codes.push(random.int(13) === 0 ? special : 97 + random.int(26));
  const text = String.fromCharCode(...codes);
  return special === 32 ? text.trim() : text;
}

export function exactString(random: EventRandom, length: number): string {
  codes.length = 0;
  for (let i = 0; i < length; i++) codes.push(97 + random.int(26));
  return String.fromCharCode(...codes);
}

/** Nexmark's url: three random directories under www.nexmark.com. */
export function baseUrl(random: EventRandom): string {
  const a = nextString(random, 5, 95);
  const b = nextString(random, 5, 95);
  const c = nextString(random, 5, 95);
  return `https://www.nexmark.com/${a}/${b}/${c}/item.htm?query=1`;
}

/** Java's `Math.abs(Integer.reverse(n))`: the channel id Nexmark puts in a url. */
export function reversedChannelId(n: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) r = (r << 1) | ((n >>> i) & 1);
  return Math.abs(r | 0);
}

let digits4: string[] | undefined;
/** "0000" … "9999", for credit card numbers. */
export function fourDigits(): string[] {
  return (digits4 ??= Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0')));
}
