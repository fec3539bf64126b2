// weir's filesystem connector → Flink's filesystem connector: formats, error handling and paths mapped.
import { isRelativePath } from '../paths';
import {
  type ConnectorMapping,
  type FlinkOption,
  type MappingContext,
  PACED_SINK_RULE,
  unmapped,
} from './mapping';

/**
 * weir's 'changelog-json' ({"op":"+I","data":{...}} per line) becomes Flink's built-in 'debezium-json' (flink-json
 * ships with Flink): it encodes every change kind, so Flink's filesystem sink takes updating queries with it,
 * and Flink reads it back as a changelog. The Flink CDC project's 'changelog-json' format, the same encoding as
 * weir's, is not maintained for current Flink versions.
 */
const FORMATS: Readonly<Record<string, string>> = {
  json: 'json',
  csv: 'csv',
  'changelog-json': 'debezium-json',
  'debezium-json': 'debezium-json',
};

function format(value: string, _key: string, ctx: MappingContext): readonly FlinkOption[] {
  const flink = FORMATS[value] ?? value;
  if (value === 'changelog-json') {
    ctx.note(
      "'format' = 'changelog-json' becomes Flink's 'debezium-json' (built in; it carries inserts, updates and " +
        'deletes, so the filesystem sink takes an updating query).' +
        (ctx.sink
          ? ''
          : ' Files weir wrote as changelog-json are not debezium-json: let Flink write them anew.'),
    );
  }
  return [['format', flink]];
}

function onError(value: string, key: string, ctx: MappingContext): readonly FlinkOption[] {
  const format = FORMATS[ctx.options.get('format') ?? ''] ?? 'json';
  if (value === 'fail') return [];
  if (value === 'skip') {
    ctx.note(
      `'${key}' = 'skip' becomes '${format}.ignore-parse-errors' = 'true': Flink skips bad records without counting them.`,
    );
    return [[`${format}.ignore-parse-errors`, 'true']];
  }
  return unmapped(key, value, 'Flink has no dead-letter output for formats; bad records fail the job.', ctx);
}

/** A path with no scheme, or file:// with a relative path, resolves on each Flink machine on its own. */
function path(value: string, key: string, ctx: MappingContext): readonly FlinkOption[] {
  if (isRelativePath(value))
    ctx.note(
      `'${key}' = '${value}' is relative: on a cluster use a location every TaskManager reaches ` +
        '(s3://..., hdfs://..., or file:///shared/...).',
    );
  return [[key, value]];
}

export const FILESYSTEM: ConnectorMapping = {
  flinkConnector: 'filesystem',
  rules: [
    { key: 'path', map: path },
    { key: 'format', map: format },
    { key: 'format.on-error', map: onError },
    {
      key: 'format.dead-letter.path',
      map: (v, k, ctx) => unmapped(k, v, 'Flink has no dead-letter output for formats.', ctx),
    },
    { key: 'source.monitor-interval', map: 'same' },
    { key: 'csv.field-delimiter', map: 'same' },
    { key: /^debezium-json\./, map: 'same' },
    {
      key: 'csv.ignore-first-line',
      map: (v, k, ctx) =>
        v === 'false'
          ? []
          : unmapped(k, v, "Flink's csv format cannot skip a header line: remove it from the files.", ctx),
    },
    PACED_SINK_RULE,
    { key: /^sink\.rolling-policy\./, map: 'same' },
    { key: /^sink\.partition-commit\./, map: 'same' },
    { key: /^partition\.time-extractor\./, map: 'same' },
  ],
  table: (ctx) => {
    if (ctx.sink && !ctx.checkpointing)
      ctx.note(
        "Flink's filesystem sink commits files only when a checkpoint completes: set " +
          "'execution.checkpointing.interval'.",
      );
    return [];
  },
};
