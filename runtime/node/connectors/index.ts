// The connectors that need Node (files, sockets): registered on top of the platform-neutral built-in ones.
import type { ConnectorRegistry } from '../../connectors/connector';
import { paced } from '../../connectors/paced-sink';
import { FullCacheLookup } from '../../connectors/full-cache-lookup';
import { FilesystemWriter } from './filesystem-sink';
import { FilesystemReader } from './filesystem-source';
import { PostgresLookup } from './postgres-lookup';
import { PartitionedFilesystemWriter } from './partitioned-sink';
import { PostgresWriter } from './postgres-sink';

/**
 * Adds `filesystem` (source and transactional sink) and `postgres` (sink) to `registry`.
 * @example registerNodeConnectors(builtinConnectors())
 */
export function registerNodeConnectors(registry: ConnectorRegistry): ConnectorRegistry {
  return registry
    .register('filesystem', {
      createReader: (table, schema) => new FilesystemReader(table, schema),
      createLookup: (table, schema, keys) =>
        new FullCacheLookup(() => new FilesystemReader(table, schema), keys),
      createWriter: (table, schema) => {
        if (!table) throw new Error('the filesystem sink needs a table definition');
        return table.partitionKeys?.length
          ? new PartitionedFilesystemWriter(table, schema)
          : paced(new FilesystemWriter(table, schema), Number(table.options['sink.rows-per-second'] ?? 0));
      },
    })
    .register('postgres', {
      createLookup: (table, schema, keys) => new PostgresLookup(table, schema, keys),
      createWriter: (table, schema) => {
        if (!table) throw new Error('the postgres sink needs a table definition');
        return new PostgresWriter(table, schema);
      },
    });
}
