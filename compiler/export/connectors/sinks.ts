// weir's print and blackhole sinks → Flink's connectors of the same names and options.
import { type ConnectorMapping, PACED_SINK_RULE } from './mapping';

export const PRINT: ConnectorMapping = {
  flinkConnector: 'print',
  rules: [
    { key: 'print-identifier', map: 'same' },
    { key: 'standard-error', map: 'same' },
  ],
};

export const BLACKHOLE: ConnectorMapping = { flinkConnector: 'blackhole', rules: [PACED_SINK_RULE] };
