// SHOW TABLES | VIEWS | FUNCTIONS | JOBS | CHECKPOINTS as text tables, for the CLI session and the playground alike.
import type { Catalog } from '../compiler/catalog';
import { AGGREGATE_FUNCTIONS, SCALAR_FUNCTIONS } from '../compiler/functions';
import { typeToString } from '../compiler/types';
import { formatBytes, formatDuration, renderTable } from './format';
import type { CheckpointStats } from './checkpoint/coordinator';
import type { JobHandle } from './job';

/** Checkpoint alignment as SHOW CHECKPOINTS and the playground say it (Flink's "unaligned" flag). */
export const checkpointType = (c: CheckpointStats): string => (c.unaligned ? 'unaligned' : 'aligned');

/**
 * A job summary's note on unaligned checkpoints: how many completed unaligned, and the in-flight data they
 * persisted; undefined when none did.
 * @example unalignedSummary(job.checkpoints()) // '3 unaligned (12.1 KiB in-flight data)'
 */
export function unalignedSummary(checkpoints: readonly CheckpointStats[]): string | undefined {
  const u = checkpoints.filter((c) => c.status === 'COMPLETED' && c.unaligned);
  if (u.length === 0) return undefined;
  const bytes = u.reduce((n, c) => n + (c.inFlightBytes ?? 0), 0);
  return `${u.length} unaligned (${formatBytes(bytes)} in-flight data)`;
}

/** SHOW [USER] FUNCTIONS: user functions (kind, module), then with SHOW FUNCTIONS the built-ins. */
function showFunctions(c: Catalog, builtIn: boolean): string {
  const rows = c
    .userFunctions()
    .map((f) => [
      f.name,
      `${f.signature.async ? 'async ' : ''}${f.signature.kind}`,
      typeToString(f.signature.returns),
      f.path,
    ]);
  if (builtIn) {
    for (const f of SCALAR_FUNCTIONS.values()) rows.push([f.name, 'built-in scalar', '', '']);
    for (const f of AGGREGATE_FUNCTIONS.values()) rows.push([f.name, 'built-in aggregate', '', '']);
  }
  return renderTable(['function name', 'kind', 'returns', 'module'], rows);
}

/** The table a SHOW statement prints. */
export function showStatement(
  what: 'CHECKPOINTS' | 'JOBS' | 'TABLES' | 'VIEWS' | 'FUNCTIONS' | 'USER FUNCTIONS',
  c: Catalog,
  jobs: readonly JobHandle[],
): string {
  switch (what) {
    case 'FUNCTIONS':
    case 'USER FUNCTIONS':
      return showFunctions(c, what === 'FUNCTIONS');
    case 'TABLES':
      return renderTable(
        ['table name', 'connector', 'columns'],
        c.tableNames().map((n) => {
          const t = c.table(n)!;
          return [n, t.connector, t.columns.map((f) => `${f.name} ${typeToString(f.type)}`).join(', ')];
        }),
      );
    case 'VIEWS':
      return renderTable(
        ['view name', 'columns'],
        c.viewNames().map((n) => [
          n,
          c
            .view(n)!
            .schema.map((f) => f.name)
            .join(', '),
        ]),
      );
    case 'JOBS':
      return renderTable(
        ['job id', 'job name', 'status', 'records in', 'records out', 'late', 'last checkpoint'],
        jobs.map((j) => {
          const m = j.metrics();
          return [
            j.id,
            j.name,
            j.status(),
            String(m.recordsIn),
            String(m.recordsOut),
            String(m.lateRecords),
            m.lastCheckpoint ?? '-',
          ];
        }),
      );
    case 'CHECKPOINTS':
      return renderTable(
        [
          'job',
          'job id',
          'id',
          'status',
          'trigger time',
          'duration',
          'sync',
          'async',
          'alignment',
          'size',
          'type',
          'in-flight data',
        ],
        jobs.flatMap((j) =>
          j
            .checkpoints()
            .map((c) => [
              j.name,
              j.id,
              String(c.id),
              c.status,
              new Date(c.triggerTime).toISOString(),
              c.duration === undefined ? '-' : formatDuration(c.duration),
              formatDuration(c.syncDuration),
              formatDuration(c.asyncDuration),
              formatDuration(c.alignmentDuration),
              formatBytes(c.size),
              checkpointType(c),
              c.unaligned ? formatBytes(c.inFlightBytes ?? 0) : '-',
            ]),
        ),
      );
  }
}
