// A sink writer slowed to a number of rows per second (`sink.rows-per-second`): backpressure on purpose, for tests and benches.
import type { ConnectorContext, SinkWriter } from './connector';

/**
 * Wraps `inner` so that it takes at most `rowsPerSecond` rows a second over all subtasks (each subtask its
 * share), measured on the job's clock since open: `hasCapacity` is false while the subtask is ahead.
 * @example paced(new FilesystemWriter(table, schema), 2000)
 */
export function paced(inner: SinkWriter, rowsPerSecond: number): SinkWriter {
  if (!(rowsPerSecond > 0)) return inner;
  let ctx: ConnectorContext | undefined;
  let start = 0;
  let rows = 0;
  const writer: SinkWriter = {
    open: (c, restored) => {
      ctx = c;
      start = c.clock.now();
      return inner.open(c, restored);
    },
    write: (batch) => {
      rows += batch.rows.length;
      inner.write(batch);
    },
    hasCapacity: () => {
      if (inner.hasCapacity && !inner.hasCapacity()) return false;
      if (!ctx) return true;
      const allowed = ((ctx.clock.now() - start) / 1000) * (rowsPerSecond / ctx.parallelism);
      return rows < allowed;
    },
  };
  if (inner.snapshot) writer.snapshot = (id) => inner.snapshot!(id);
  if (inner.commit) writer.commit = (id) => inner.commit!(id);
  if (inner.finish) writer.finish = () => inner.finish!();
  if (inner.close) writer.close = () => inner.close!();
  return writer;
}
