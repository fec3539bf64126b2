// The connectors weir knows: which can read or write, their options, and what changes a sink accepts.
import type { OptionSpec } from './options';

export interface ConnectorSpec {
  readonly name: string;
  readonly description: string;
  readonly source: boolean;
  readonly sink: boolean;
  readonly options: readonly OptionSpec[];
  /**
   * For sinks: whether the given options (and the table's PRIMARY KEY columns) accept retractions (-U/+U/-D)
   * or only inserts.
   */
  readonly sinkAccepts?: (
    options: Readonly<Record<string, string>>,
    primaryKey: readonly string[],
  ) => 'append' | 'changelog';
  /** How the sink's output format is described in errors: "format 'json'". */
  readonly describe?: (options: Readonly<Record<string, string>>, primaryKey: readonly string[]) => string;
  /** What to change so that an updating query fits (default: the filesystem sink's 'changelog-json'). */
  readonly updatingHint?: string;
  /**
   * For sources: whether the given options make the table a changelog (rows with -U/+U/-D, as from a
   * changelog format or a database's change stream) rather than append-only.
   */
  readonly sourceChangelog?: (options: Readonly<Record<string, string>>) => boolean;
  /**
   * Whether a processing-time temporal join can look rows up in the table: `memory` (a bounded table read
   * once) or `async` (a database asked per batch, awaited by the task).
   */
  readonly lookup?: 'memory' | 'async';
  /** For sinks: why a table with these options cannot be written (a read-only format), if it cannot. */
  readonly sinkProblem?: (options: Readonly<Record<string, string>>) => string | undefined;
  /** A problem with the table's definition as a whole (options together with its PRIMARY KEY), if any. */
  readonly validate?: (
    options: Readonly<Record<string, string>>,
    primaryKey: readonly string[],
  ) => string | undefined;
}

/** The postgres sink's `sink.semantic`, lower case ('exactly-once' when absent). */
export function postgresSemantic(options: Readonly<Record<string, string>>): string {
  return (options['sink.semantic'] ?? 'exactly-once').toLowerCase();
}

/** The filesystem formats whose records carry a change kind. */
export function isChangelogFormat(format: string | undefined): boolean {
  const f = (format ?? '').toLowerCase();
  return f === 'changelog-json' || f === 'debezium-json';
}

/** Whether a table's source emits changes (-U/+U/-D), by its connector and options. */
export function isChangelogSource(connector: string, options: Readonly<Record<string, string>>): boolean {
  return CONNECTORS.get(connector)?.sourceChangelog?.(options) ?? false;
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
            description:
              'events per second of event time (10000 when 0) in the first half of each 10-minute period; above 0 the source also runs at that rate on the wall clock',
          },
          {
            key: 'next-event.rate',
            kind: 'int',
            default: '0',
            description:
              'events per second in the second half of each period (default: first-event.rate); above 0 paces the source as first-event.rate does',
          },
          {
            key: 'max-emit-speed',
            kind: 'boolean',
            description:
              "nexmark-flink's switch: 'true' emits as fast as possible whatever the rates, 'false' paces the source at the rates (10000 events/s by default); unset: paced when a rate above 0 is set",
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
            values: ['json', 'csv', 'changelog-json', 'debezium-json'],
            required: true,
            description:
              '\'json\' (one object per line), \'csv\', \'changelog-json\' ({"op":"+I","data":{...}}: weir\'s sink format), or \'debezium-json\' (source only: {"before":…,"after":…,"op":"c|r|u|d"}); the two changelog formats make the source a changelog, normalized by the PRIMARY KEY when the table has one',
          },
          {
            key: 'debezium-json.schema-include',
            kind: 'boolean',
            default: 'false',
            description:
              'the Debezium messages carry their schema ({"schema":…,"payload":{…}}, Kafka Connect\'s schemas.enable)',
          },
          {
            key: 'debezium-json.ignore-parse-errors',
            kind: 'boolean',
            default: 'false',
            description: "skip bad records (counted) instead of failing: as 'format.on-error' = 'skip'",
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
            key: 'sink.rows-per-second',
            kind: 'number',
            description:
              "weir's: the sink takes at most this many rows a second (deliberate backpressure, for tests and benches)",
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
          {
            key: 'sink.partition-commit.trigger',
            kind: 'enum',
            values: ['process-time', 'partition-time'],
            default: 'process-time',
            description:
              "PARTITIONED BY tables: when a partition is committed, at a checkpoint's completion: once the processing time passes its creation plus the delay, or once the watermark passes the time its values name plus the delay",
          },
          {
            key: 'sink.partition-commit.delay',
            kind: 'duration',
            default: '0 s',
            description: 'PARTITIONED BY tables: how long after its time a partition is committed',
          },
          {
            key: 'sink.partition-commit.policy.kind',
            kind: 'string',
            description:
              "PARTITIONED BY tables: what committing a partition does: 'success-file' writes an empty _SUCCESS file into its folder (other kinds: not supported)",
          },
          {
            key: 'sink.partition-commit.success-file.name',
            kind: 'string',
            default: '_SUCCESS',
            description: "the file 'success-file' writes",
          },
          {
            key: 'partition.time-extractor.timestamp-pattern',
            kind: 'string',
            description:
              "partition-time trigger: the partition's time from its values, e.g. '$dt $hm:00' (default: the first value, 'yyyy-MM-dd[ HH:mm:ss]')",
          },
          {
            key: 'partition.default-name',
            kind: 'string',
            default: '__DEFAULT_PARTITION__',
            description: 'the folder name of a NULL or empty partition value',
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
        sourceChangelog: (o) => isChangelogFormat(o['format']),
        lookup: 'memory',
        sinkProblem: (o) =>
          (o['format'] ?? '').toLowerCase() === 'debezium-json'
            ? "format 'debezium-json' can only be read; write updates with 'format' = 'changelog-json'"
            : undefined,
        sinkAccepts: (o) => (o['format'] === 'changelog-json' ? 'changelog' : 'append'),
        describe: (o) => `format '${o['format']}'`,
      },
      {
        name: 'print',
        description:
          'rows to standard output as Flink prints them: `+I[1, 2024-01-01, 2024-01-01T12:00, 1.50, null]`, prefixed `identifier> ` (`identifier:subtask> ` at parallelism > 1)',
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
        name: 'postgres',
        description:
          'rows into a PostgreSQL table with the `pg` client: exactly-once by two-phase commit (PREPARE TRANSACTION per checkpoint), idempotent upserts, or plain at-least-once inserts',
        source: false,
        sink: true,
        options: [
          {
            key: 'url',
            kind: 'string',
            required: true,
            description: "the server: 'postgres://user:password@host:port/database'",
          },
          {
            key: 'table-name',
            kind: 'string',
            required: true,
            description:
              "the table to write ('schema.table' or 'table'); it must exist with the sink's columns",
          },
          {
            key: 'sink.semantic',
            kind: 'enum',
            values: ['exactly-once', 'upsert', 'at-least-once'],
            default: 'exactly-once',
            description:
              "'exactly-once': one transaction per checkpoint and subtask, prepared at the barrier and committed when the checkpoint completes (needs max_prepared_transactions > 0); 'upsert': INSERT ... ON CONFLICT DO UPDATE / DELETE by the PRIMARY KEY (needs one), flushed per batch and at barriers; 'at-least-once': plain INSERTs (inserts only), repeated after a failure",
          },
          {
            key: 'sink.buffer-flush.max-rows',
            kind: 'int',
            default: '500',
            description: 'rows buffered before they are sent (in the open transaction for exactly-once)',
          },
          {
            key: 'lookup.cache',
            kind: 'enum',
            values: ['NONE', 'PARTIAL'],
            default: 'NONE',
            description:
              "lookup joins (FOR SYSTEM_TIME AS OF a PROCTIME() column): NONE asks the database for every batch's keys; PARTIAL keeps rows looked up (and keys not found) in memory",
          },
          {
            key: 'lookup.partial-cache.max-rows',
            kind: 'int',
            description: 'PARTIAL: keys kept at most (the oldest go first)',
          },
          {
            key: 'lookup.partial-cache.expire-after-write',
            kind: 'duration',
            description: 'PARTIAL: a key is asked again this long after it was loaded',
          },
          {
            key: 'lookup.partial-cache.expire-after-access',
            kind: 'duration',
            description: 'PARTIAL: a key is asked again after it was not used this long',
          },
          {
            key: 'lookup.partial-cache.cache-missing-key',
            kind: 'boolean',
            default: 'true',
            description: 'PARTIAL: also remember keys the table does not have',
          },
          {
            key: 'lookup.max-retries',
            kind: 'int',
            default: '3',
            description:
              'a failed lookup query is tried again this often; a lost connection fails the task (the job restarts from its checkpoint)',
          },
        ],
        lookup: 'async',
        sinkAccepts: (o, pk) =>
          postgresSemantic(o) === 'upsert' || (postgresSemantic(o) === 'exactly-once' && pk.length > 0)
            ? 'changelog'
            : 'append',
        describe: (o, pk) =>
          `'sink.semantic' = '${postgresSemantic(o)}'${pk.length === 0 ? ' without a PRIMARY KEY' : ''}`,
        updatingHint:
          "declare a PRIMARY KEY (k) NOT ENFORCED with 'sink.semantic' = 'exactly-once' or 'upsert' (updates then map onto the key)",
        validate: (o, pk) =>
          postgresSemantic(o) === 'upsert' && pk.length === 0
            ? "'sink.semantic' = 'upsert' needs a PRIMARY KEY: add PRIMARY KEY (k) NOT ENFORCED to the table, or use 'sink.semantic' = 'exactly-once' or 'at-least-once'"
            : undefined,
      },
      {
        name: 'blackhole',
        description: 'discards every row (for benchmarks)',
        source: false,
        sink: true,
        options: [
          {
            key: 'sink.rows-per-second',
            kind: 'number',
            description: "weir's: take at most this many rows a second (deliberate backpressure)",
          },
        ],
        sinkAccepts: () => 'changelog',
      },
    ] satisfies ConnectorSpec[]
  ).map((c) => [c.name, c]),
);
