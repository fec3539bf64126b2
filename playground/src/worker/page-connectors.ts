// The connectors of the page: generators at the page's rate, pasted JSON lines, and sinks into the results view.
import type { TableDef } from '../../../compiler/catalog';
import type { Field } from '../../../compiler/types';
import { ConnectorRegistry, type SourceReader } from '../../../runtime/connectors/connector';
import { DatagenReader } from '../../../runtime/connectors/datagen';
import { NexmarkReader } from '../../../runtime/connectors/nexmark/source';
import { BlackholeWriter } from '../../../runtime/connectors/print';
import { PacedReader, type Pacer } from './paced-reader';
import { PastedJsonReader } from './pasted-source';
import { FullCacheLookup } from '../../../runtime/connectors/full-cache-lookup';
import type { JobResults } from './results-sink';

export interface PageConnectorOptions {
  readonly pasted: ReadonlyMap<string, string>;
  /** Undefined: sources run as fast as they can (the shadow run). */
  readonly pacer?: Pacer;
  readonly results?: JobResults;
  /** Wraps each reader (the shadow run stops them at a checkpoint's offsets). */
  readonly wrap?: (reader: SourceReader) => SourceReader;
}

/**
 * `nexmark`, `datagen` and `filesystem` (pasted JSON lines, by name) read; `print`, `filesystem` and a bare
 * SELECT write into the results view; `blackhole` discards.
 */
export function pageConnectors(o: PageConnectorOptions): ConnectorRegistry {
  const reader = (make: (t: TableDef, s: readonly Field[]) => SourceReader) => ({
    createReader: (t: TableDef, s: readonly Field[]) => {
      let r = make(t, s);
      if (o.wrap) r = o.wrap(r);
      return o.pacer ? new PacedReader(r, o.pacer) : r;
    },
  });
  const results = {
    createWriter: () => {
      if (!o.results) throw new Error('no results view for this sink');
      return o.results.writer();
    },
  };
  return new ConnectorRegistry()
    .register(
      'nexmark',
      reader((t) => new NexmarkReader(t)),
    )
    .register(
      'datagen',
      reader((t) => new DatagenReader(t)),
    )
    .register('filesystem', {
      ...reader((t, s) => new PastedJsonReader(t, s, o.pasted)),
      ...results,
      // A processing-time temporal join reads the pasted table into memory.
      createLookup: (t, s, keys) => new FullCacheLookup(() => new PastedJsonReader(t, s, o.pasted), keys),
    })
    .register('print', results)
    .register('collect', results)
    .register('blackhole', { createWriter: () => new BlackholeWriter() });
}
