// A record the filesystem source cannot read, and how offending values are shown in its messages.

/** A record the format cannot read; handled per 'format.on-error'. */
export class BadRecord extends Error {}

/** A value as quoted in error messages, cut to 60 characters. */
export function shown(v: unknown): string {
  const s =
    typeof v === 'string'
      ? JSON.stringify(v)
      : v === undefined
        ? 'nothing'
        : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
