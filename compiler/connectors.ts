// The connectors weir knows: which can read or write, their options, and what changes a sink accepts.
import type { OptionSpec } from './options';

export interface ConnectorSpec {
  readonly name: string;
  readonly description: string;
  readonly source: boolean;
  readonly sink: boolean;
  readonly options: readonly OptionSpec[];
  /** For sinks: whether the given options accept retractions (-U/+U/-D) or only inserts. */
  readonly sinkAccepts?: (options: Readonly<Record<string, string>>) => 'append' | 'changelog';
  /** How the sink's output format is described in errors: "format 'json'". */
  readonly describe?: (options: Readonly<Record<string, string>>) => string;
}

const onError: OptionSpec[] = [
  {
    key: 'format.on-error',
    kind: 'enum',
    values: ['fail', 'skip', 'dead-letter'],
    default: 'fail',
    description:
      'what a bad record does: fail the job (naming file and line), skip it (counted), or go to the dead-letter path',
  },
  { key: 'format.dead-letter.path', kind: 'string', description: "where 'dead-letter' writes bad records" },
];

export const CONNECTORS: ReadonlyMap<string, ConnectorSpec> = new Map(
  (
    [
      {
        name: 'nexmark',
        description:
          'the Nexmark benchmark generator: a deterministic stream of Person, Auction and Bid events',
        source: true,
        sink: false,
        options: [
          {
            key: 'events.num',
            kind: 'int',
            default: '0',
            description: 'events to generate; 0 means unbounded',
          },
          {
            key: 'first-event.rate',
            kind: 'int',
            default: '0',
            description: 'events per second at the start; 0 means as fast as possible',
          },
          {
            key: 'next-event.rate',
            kind: 'int',
            default: '0',
            description: 'events per second later on; 0 means as fast as possible',
          },
          {
            key: 'person.proportion',
            kind: 'int',
            default: '1',
            description: 'persons per proportion period',
          },
          {
            key: 'auction.proportion',
            kind: 'int',
            default: '3',
            description: 'auctions per proportion period',
          },
          { key: 'bid.proportion', kind: 'int', default: '46', description: 'bids per proportion period' },
          {
            key: 'seed',
            kind: 'int',
            default: '0',
            description: 'the random seed: the same seed gives the same events',
          },
        ],
      },
      {
        name: 'datagen',
        description: 'generated rows: sequences and random values per column',
        source: true,
        sink: false,
        options: [
          {
            key: 'rows-per-second',
            kind: 'int',
            default: '10000',
            description: 'rows per second; 0 means as fast as possible',
          },
          { key: 'number-of-rows', kind: 'int', description: 'rows to generate; unbounded when absent' },
          { key: 'seed', kind: 'int', default: '0', description: 'the random seed' },
          {
            key: 'fields.#.kind',
            kind: 'enum',
            values: ['random', 'sequence'],
            default: 'random',
            description: 'how the column is generated',
          },
          { key: 'fields.#.min', kind: 'number', description: 'smallest random value' },
          { key: 'fields.#.max', kind: 'number', description: 'largest random value' },
          { key: 'fields.#.start', kind: 'int', description: 'first sequence value' },
          { key: 'fields.#.end', kind: 'int', description: 'last sequence value' },
          { key: 'fields.#.length', kind: 'int', default: '10', description: 'length of random strings' },
          { key: 'fields.#.null-rate', kind: 'number', default: '0', description: 'fraction of NULL values' },
          {
            key: 'fields.#.max-past',
            kind: 'duration',
            default: '0',
            description: 'random timestamps up to this far in the past',
          },
        ],
      },
      {
        name: 'filesystem',
        description:
          'files of JSON lines or CSV: a replayable source (offsets are byte positions) and a transactional sink',
        source: true,
        sink: true,
        options: [
          { key: 'path', kind: 'string', required: true, description: 'a file or folder' },
          {
            key: 'format',
            kind: 'enum',
            values: ['json', 'csv', 'changelog-json'],
            required: true,
            description:
              '\'json\' (one object per line), \'csv\', or \'changelog-json\' ({"op":"+I","data":{...}})',
          },
          ...onError,
          {
            key: 'source.monitor-interval',
            kind: 'duration',
            description: 'keep reading new data at this interval (unbounded); bounded when absent',
          },
          { key: 'csv.field-delimiter', kind: 'string', default: ',', description: 'CSV field delimiter' },
          {
            key: 'csv.ignore-first-line',
            kind: 'boolean',
            default: 'false',
            description: 'skip a CSV header line',
          },
          {
            key: 'sink.rolling-policy.#',
            kind: 'string',
            description: 'accepted for Flink compatibility; files roll at checkpoints',
          },
          {
            key: 'sink.rolling-policy.#.#',
            kind: 'string',
            description: 'accepted for Flink compatibility; files roll at checkpoints',
          },
          { key: 'sink.partition-commit.#', kind: 'string', description: 'accepted for Flink compatibility' },
          {
            key: 'sink.partition-commit.#.#',
            kind: 'string',
            description: 'accepted for Flink compatibility',
          },
          {
            key: 'partition.time-extractor.#',
            kind: 'string',
            description: 'accepted for Flink compatibility',
          },
        ],
        sinkAccepts: (o) => (o['format'] === 'changelog-json' ? 'changelog' : 'append'),
        describe: (o) => `format '${o['format']}'`,
      },
      {
        name: 'print',
        description: "rows to standard output in Flink's +I[...] form",
        source: false,
        sink: true,
        options: [
          { key: 'print-identifier', kind: 'string', description: 'a prefix for each line' },
          {
            key: 'standard-error',
            kind: 'boolean',
            default: 'false',
            description: 'print to standard error',
          },
        ],
        sinkAccepts: () => 'changelog',
      },
      {
        name: 'blackhole',
        description: 'discards every row (for benchmarks)',
        source: false,
        sink: true,
        options: [],
        sinkAccepts: () => 'changelog',
      },
    ] satisfies ConnectorSpec[]
  ).map((c) => [c.name, c]),
);
