// A table's WITH options for Flink: weir's connectors mapped option by option; unknown ones kept and said so.
import type { CreateTableStatement, TableOption } from '../../../grammar/ast';
import { FILESYSTEM } from './filesystem';
import { DATAGEN, NEXMARK } from './generators';
import type { ConnectorMapping, FlinkOption, MappingContext } from './mapping';
import { POSTGRES } from './postgres';
import { BLACKHOLE, PRINT } from './sinks';

export type { FlinkOption } from './mapping';

/** The Flink options one weir option became (none when it has no equivalent); `from` is absent for added ones. */
export interface MappedOption {
  readonly from?: TableOption;
  readonly options: readonly FlinkOption[];
}

/** weir's connectors (compiler/connectors.ts); a new one without a mapping fails to compile here. */
type WeirConnector = 'nexmark' | 'datagen' | 'filesystem' | 'print' | 'postgres' | 'blackhole';

const MAPPINGS: Readonly<Record<WeirConnector, ConnectorMapping>> = {
  nexmark: NEXMARK,
  datagen: DATAGEN,
  filesystem: FILESYSTEM,
  print: PRINT,
  postgres: POSTGRES,
  blackhole: BLACKHOLE,
};

function mappingOf(connector: string): ConnectorMapping | undefined {
  return Object.hasOwn(MAPPINGS, connector) ? MAPPINGS[connector as WeirConnector] : undefined;
}

/** What Flink needs on its classpath for a weir connector, when it is not built into Flink. */
export function connectorRequirement(connector: string): string | undefined {
  return mappingOf(connector)?.requires;
}

/**
 * The Flink WITH options of a weir table, grouped by the weir option they come from, with notes for everything
 * that changed or has no Flink equivalent.
 * @example flinkOptions(parsed `... WITH ('connector' = 'postgres', 'url' = 'postgres://u@h/db', 'table-name' = 't')`, script, note)
 *   // connector → [['connector', 'jdbc']], url → [['url', 'jdbc:postgresql://h/db'], ['username', 'u']], table-name → [['table-name', 't']]
 */
export function flinkOptions(
  table: CreateTableStatement,
  script: Pick<MappingContext, 'sink' | 'checkpointing'>,
  note: (text: string) => void,
): readonly MappedOption[] {
  const options = new Map(table.options.map((o) => [o.key.value, o.value.value]));
  const connector = options.get('connector') ?? '';
  const mapping = mappingOf(connector);
  if (!mapping) {
    note(`weir has no connector '${connector}': its options are kept as written.`);
    return table.options.map((o) => ({ from: o, options: [[o.key.value, o.value.value]] }));
  }
  const ctx: MappingContext = { table, options, ...script, note };
  return [
    ...table.options.map((from): MappedOption => {
      const [key, value] = [from.key.value, from.value.value];
      if (key === 'connector') return { from, options: [['connector', mapping.flinkConnector]] };
      const rule = mapping.rules.find((r) => (typeof r.key === 'string' ? r.key === key : r.key.test(key)));
      if (!rule)
        note(`'${key}' = '${value}' is kept as written: weir's ${connector} connector has no such option.`);
      return { from, options: !rule || rule.map === 'same' ? [[key, value]] : rule.map(value, key, ctx) };
    }),
    { options: mapping.table?.(ctx) ?? [] },
  ];
}
