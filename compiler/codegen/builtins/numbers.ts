// Number functions: ROUND (HALF_UP as Flink) and the error of an integer division by zero.

/** ROUND(x, digits): half away from zero on the decimal digits (Java's HALF_UP, as Flink). */
export function ROUND(x: number, digits = 0): number {
  if (!Number.isFinite(x)) return x;
  const abs = Math.abs(x);
  const text = String(abs);
  let r = text.includes('e') ? NaN : Number(`${Math.round(Number(`${text}e${digits}`))}e${-digits}`);
  if (Number.isNaN(r)) {
    const f = 10 ** digits;
    r = Math.round(abs * f) / f;
  }
  return (x < 0 ? -r : r) + 0;
}

/** Integer `/`, `%` and MOD by zero. */
export function divisionByZero(): never {
  throw new Error('division by zero');
}
