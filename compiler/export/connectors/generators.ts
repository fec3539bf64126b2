// weir's generator sources → Flink's: the nexmark connector of the Nexmark repository, and Flink's datagen.
import { type ConnectorMapping, type FlinkOption, type MappingContext, unmapped } from './mapping';

/** weir's rate 0 means "as fast as possible": nexmark-flink's default ('max-emit-speed' = 'true') does that. */
function nexmarkRate(value: string, key: string): readonly FlinkOption[] {
  return Number(value) === 0 ? [] : [[key, value]];
}

/** A rate above 0 paces weir's generator; nexmark-flink paces only with 'max-emit-speed' = 'false'. */
function nexmarkPacing(ctx: MappingContext): readonly FlinkOption[] {
  if (ctx.options.has('max-emit-speed')) return [];
  const paced = ['first-event.rate', 'next-event.rate'].some((k) => Number(ctx.options.get(k) ?? '0') > 0);
  return paced ? [['max-emit-speed', 'false']] : [];
}

export const NEXMARK: ConnectorMapping = {
  flinkConnector: 'nexmark',
  requires: 'the nexmark connector (nexmark-flink jar, built from https://github.com/nexmark/nexmark)',
  rules: [
    { key: 'events.num', map: 'same' },
    { key: 'first-event.rate', map: nexmarkRate },
    { key: 'next-event.rate', map: nexmarkRate },
    { key: 'person.proportion', map: 'same' },
    { key: 'auction.proportion', map: 'same' },
    { key: 'bid.proportion', map: 'same' },
    { key: 'max-emit-speed', map: 'same' },
    {
      key: 'seed',
      map: (v, k, ctx) =>
        unmapped(k, v, "nexmark-flink's generator takes no seed; its events differ from weir's.", ctx),
    },
  ],
  table: nexmarkPacing,
};

/** weir's datagen strings are 10 characters long unless said otherwise; Flink's are 100. */
function stringLengths(ctx: MappingContext): readonly FlinkOption[] {
  const options: FlinkOption[] = [];
  for (const e of ctx.table.elements) {
    if (e.kind !== 'physical' || e.type.args.length > 0) continue;
    if (e.type.name !== 'STRING' && e.type.name !== 'VARCHAR') continue;
    const key = `fields.${e.name.name}.length`;
    if (!ctx.options.has(key) && ctx.options.get(`fields.${e.name.name}.kind`) !== 'sequence')
      options.push([key, '10']);
  }
  if (options.length > 0)
    ctx.note("String columns get weir's default length, 10 characters (Flink's default is 100).");
  return options;
}

/** Flink's datagen needs both ends of a sequence. */
function sequences(ctx: MappingContext): void {
  for (const [key, value] of ctx.options) {
    const column = /^fields\.([^.]+)\.kind$/.exec(key)?.[1];
    if (value !== 'sequence' || column === undefined) continue;
    const missing = ['start', 'end'].filter((end) => !ctx.options.has(`fields.${column}.${end}`));
    if (missing.length > 0)
      ctx.note(
        `Column ${column} is a sequence without ${missing.map((m) => `'fields.${column}.${m}'`).join(' and ')}: ` +
          "Flink's datagen needs both 'start' and 'end' for a sequence.",
      );
  }
}

export const DATAGEN: ConnectorMapping = {
  flinkConnector: 'datagen',
  rules: [
    {
      key: 'rows-per-second',
      map: (v, k, ctx) =>
        Number(v) === 0
          ? unmapped(k, v, "Flink's datagen always paces its rows: set a high rate instead of 0.", ctx)
          : [[k, v]],
    },
    { key: 'number-of-rows', map: 'same' },
    {
      key: 'seed',
      map: (v, k, ctx) =>
        unmapped(k, v, "Flink's datagen takes no seed; its values differ from weir's.", ctx),
    },
    { key: /^fields\.[^.]+\.(kind|min|max|start|end|length|null-rate|max-past)$/, map: 'same' },
  ],
  table: (ctx) => {
    sequences(ctx);
    return stringLengths(ctx);
  },
};
