// Typed option values shared by connector options and configuration keys: parsing and checking of one value.

export type OptionKind = 'string' | 'int' | 'number' | 'boolean' | 'duration' | 'enum' | 'memory';

export interface OptionSpec {
  /** The key, or a pattern such as `fields.#.kind` where `#` stands for a column name. */
  readonly key: string;
  readonly kind: OptionKind;
  /** For `enum`: the accepted values (compared case-insensitively). */
  readonly values?: readonly string[];
  readonly required?: boolean;
  readonly default?: string;
  readonly description: string;
}

/**
 * Parses a Flink duration: `500ms`, `2s`, `2 s`, `10 min`, `1h`, `1d`; a bare number is milliseconds.
 * @example parseDuration('2s') // 2000
 */
export function parseDuration(text: string): number | undefined {
  const m =
    /^\s*(\d+(?:\.\d+)?)\s*(ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days)?\s*$/i.exec(
      text,
    );
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor =
    unit.startsWith('ms') || unit.startsWith('milli')
      ? 1
      : unit.startsWith('s')
        ? 1000
        : unit.startsWith('m')
          ? 60_000
          : unit.startsWith('h')
            ? 3_600_000
            : 86_400_000;
  return Math.round(n * factor);
}

/** Parses a memory size: `64mb`, `1 gb`, `512k`, bytes when bare. */
export function parseMemory(text: string): number | undefined {
  const m = /^\s*(\d+)\s*(b|bytes|k|kb|m|mb|g|gb)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  return Number(m[1]) * ({ b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as Record<string, number>)[unit]!;
}

/** Why `value` is not acceptable for `spec`, or undefined when it is. */
export function checkOptionValue(spec: OptionSpec, value: string): string | undefined {
  switch (spec.kind) {
    case 'int':
      return /^\s*-?\d+\s*$/.test(value) ? undefined : `'${value}' is not an integer`;
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? undefined : `'${value}' is not a number`;
    case 'boolean':
      return /^(true|false)$/i.test(value) ? undefined : `'${value}' is not 'true' or 'false'`;
    case 'duration':
      return parseDuration(value) !== undefined
        ? undefined
        : `'${value}' is not a duration such as '500ms', '2s', '1 min'`;
    case 'memory':
      return parseMemory(value) !== undefined ? undefined : `'${value}' is not a memory size such as '64mb'`;
    case 'enum':
      return spec.values!.some((v) => v.toLowerCase() === value.toLowerCase())
        ? undefined
        : `'${value}' is not one of ${spec.values!.map((v) => `'${v}'`).join(', ')}`;
    case 'string':
      return undefined;
  }
}

/** Whether `key` matches `spec.key`, `#` standing for any one segment without dots. */
export function optionKeyMatches(specKey: string, key: string): boolean {
  if (!specKey.includes('#')) return specKey === key;
  const pattern = new RegExp(`^${specKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('#', '[^.]+')}$`);
  return pattern.test(key);
}
