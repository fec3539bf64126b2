// The platform-neutral connectors every runtime has: nexmark, datagen, print, blackhole, and collect.
import { ConnectorRegistry } from './connector';
import { DatagenReader } from './datagen';
import { NexmarkReader } from './nexmark/source';
import { paced } from './paced-sink';
import { BlackholeWriter, PrintWriter } from './print';

export function builtinConnectors(): ConnectorRegistry {
  return new ConnectorRegistry()
    .register('nexmark', { createReader: (t) => new NexmarkReader(t) })
    .register('datagen', { createReader: (t) => new DatagenReader(t) })
    .register('print', { createWriter: (t, s) => new PrintWriter(t, s) })
    .register('blackhole', {
      createWriter: (t) => paced(new BlackholeWriter(), Number(t?.options['sink.rows-per-second'] ?? 0)),
    })
    .register('collect', { createWriter: (_t, s) => new PrintWriter(undefined, s) });
}
