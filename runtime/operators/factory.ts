// Creates the runtime operator for a job-graph operator spec.
import type { JobOperator } from '../../compiler/physical/job-graph';
import type { ConnectorContext, ConnectorRegistry } from '../connectors/connector';
import type { OperatorContext, StreamOperator } from '../operator';
import { hasAsyncUdf } from '../../compiler/rex';
import { AsyncCalcOperator, asyncScalarOptions } from './async-calc';
import { CalcOperator } from './calc';
import { ChangelogNormalizeOperator } from './changelog-normalize';
import { DeduplicateOperator } from './deduplicate';
import { CorrelateOperator } from './correlate';
import { GroupAggregateOperator } from './group-aggregate';
import { IntervalJoinOperator } from './interval-join';
import { JoinOperator } from './join';
import { OverAggregateOperator } from './over-aggregate';
import { RankOperator } from './rank';
import { LookupJoinOperator } from './lookup-join';
import { SinkOperator } from './sink';
import { SlicingWindowAggregateOperator } from './slicing-window-aggregate';
import { SourceOperatorImpl } from './source';
import { TemporalJoinOperator } from './temporal-join';
import { UnionOperator } from './union';
import { WatermarkAssignerOperator } from './watermark-assigner';
import { WindowAggregateOperator } from './window-aggregate';
import { WindowRankOperator } from './window-rank';
import { WindowJoinOperator } from './window-join';
import { WindowTableFunctionOperator } from './window-table-function';

export function createOperator(
  op: JobOperator,
  inputs: readonly JobOperator[],
  connectors: ConnectorRegistry,
  connectorContext: (ctx: OperatorContext) => ConnectorContext,
  config: Readonly<Record<string, string>> = {},
): StreamOperator {
  const spec = op.spec;
  switch (spec.kind) {
    case 'source': {
      const f = connectors.get(spec.table.connector);
      if (!f.createReader) throw new Error(`connector '${spec.table.connector}' cannot be read`);
      return new SourceOperatorImpl(f.createReader(spec.table, op.schema), connectorContext);
    }
    case 'sink': {
      const name = spec.target.kind === 'table' ? spec.target.table.connector : 'collect';
      const f = connectors.get(name);
      if (!f.createWriter) throw new Error(`connector '${name}' cannot be written`);
      return new SinkOperator(
        f.createWriter(spec.target.kind === 'table' ? spec.target.table : undefined, op.schema),
        connectorContext,
      );
    }
    case 'calc':
      return spec.projection?.some(hasAsyncUdf)
        ? new AsyncCalcOperator(spec.condition, spec.projection, asyncScalarOptions(config))
        : new CalcOperator(spec.condition, spec.projection);
    case 'watermarkAssigner':
      return new WatermarkAssignerOperator(spec.watermark);
    case 'groupAggregate':
      return new GroupAggregateOperator(spec.keys, spec.aggs, inputs[0]!.schema);
    case 'join':
      return new JoinOperator(
        spec.joinType,
        spec.leftKeys,
        spec.rightKeys,
        spec.condition,
        spec.leftWidth,
        spec.rightWidth,
      );
    case 'intervalJoin':
      return new IntervalJoinOperator(spec);
    case 'windowJoin':
      return new WindowJoinOperator(spec);
    case 'union':
      return new UnionOperator();
    case 'changelogNormalize':
      return new ChangelogNormalizeOperator(spec.keys, spec.dropUpdateBefore);
    case 'temporalJoin':
      return new TemporalJoinOperator(spec);
    case 'lookupJoin': {
      const f = connectors.get(spec.table.connector);
      if (!f.createLookup) throw new Error(`connector '${spec.table.connector}' cannot be looked up`);
      const schema = spec.table.physical.map((i) => spec.table.columns[i]!);
      return new LookupJoinOperator(
        spec,
        f.createLookup(spec.table, schema, spec.rightKeys),
        connectorContext,
      );
    }
    case 'windowTableFunction':
      return new WindowTableFunctionOperator(spec.window);
    case 'correlate':
      return new CorrelateOperator(spec.call, spec.joinType);
    case 'windowAggregate':
      return new WindowAggregateOperator(spec, inputs[0]!.schema);
    case 'rank':
      return new RankOperator(spec);
    case 'deduplicate':
      return new DeduplicateOperator(spec);
    case 'windowRank':
      return new WindowRankOperator(spec);
    case 'overAggregate':
      return new OverAggregateOperator(spec, inputs[0]!.schema);
    case 'slicingWindowAggregate':
      return new SlicingWindowAggregateOperator(spec, inputs[0]!.schema);
  }
}
