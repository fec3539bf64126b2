// The connectors that need Node (files, sockets): registered on top of the platform-neutral built-in ones.
import type { ConnectorRegistry } from '../../connectors/connector';
import { FilesystemWriter } from './filesystem-sink';
import { FilesystemReader } from './filesystem-source';
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
      createWriter: (table, schema) => {
        if (!table) throw new Error('the filesystem sink needs a table definition');
        return table.partitionKeys?.length
          ? new PartitionedFilesystemWriter(table, schema)
          : new FilesystemWriter(table, schema);
      },
    })
    .register('postgres', {
      createWriter: (table, schema) => {
        if (!table) throw new Error('the postgres sink needs a table definition');
        return new PostgresWriter(table, schema);
      },
    });
}
