// EXPLAIN: the logical plan, the optimized plan and the job graph as numbered indented text, or as JSON.
import type { CompiledJob } from '../compile';
import { type LogicalNode, inputsOf } from '../logical/plan';
import { rankString } from '../physical/operator-names';
import type { JobGraph, JobOperator, Partitioning } from '../physical/job-graph';
import { windowString } from '../physical/build';
import { typeToString } from '../types';
import { rexToString } from './rex';

/** One line per node, numbered, children indented under their parent. */
export function explainLogical(plan: LogicalNode): string {
  const lines: string[] = [];
  const walk = (n: LogicalNode, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${describeNode(n)}`);
    for (const i of inputsOf(n)) walk(i, depth + 1);
  };
  walk(plan, 0);
  const width = String(lines.length).length;
  return lines.map((l, i) => `${String(i + 1).padStart(width)} ${l}`).join('\n');
}

function describeNode(n: LogicalNode): string {
  const cols = (x: LogicalNode) => x.schema.map((f) => f.name);
  const mode = n.changelog === 'updating' ? ' [updating]' : '';
  switch (n.kind) {
    case 'scan':
      return `Scan(table=[${n.table.name}], fields=[${cols(n).join(', ')}])${mode}`;
    case 'watermarkAssigner':
      return `WatermarkAssigner(rowtime=[${cols(n.input)[n.rowtimeIndex]}], watermark=[${rexToString(n.watermark, cols(n.input))}])${mode}`;
    case 'filter':
      return `Filter(condition=[${rexToString(n.condition, cols(n.input))}])${mode}`;
    case 'project':
      return `Project(${n.exprs.map((e, i) => `${n.schema[i]!.name}=[${rexToString(e, cols(n.input))}]`).join(', ')})${mode}`;
    case 'aggregate': {
      const c = cols(n.input);
      const aggs = n.aggs.map(
        (a) =>
          `${a.fn}(${a.args.length ? `${a.distinct ? 'DISTINCT ' : ''}${a.args.map((i) => c[i]).join(', ')}` : '*'})${a.filterArg !== undefined ? ` FILTER ${c[a.filterArg]}` : ''}`,
      );
      return `Aggregate(group=[${n.groupKeys.map((k) => c[k]).join(', ')}], aggs=[${aggs.join(', ')}])${mode}`;
    }
    case 'windowTableFunction':
      return `WindowTableFunction(${windowString(n.window, cols(n.input))})${mode}`;
    case 'windowAggregate': {
      const c = cols(n.input);
      const aggs = n.aggs.map(
        (a) =>
          `${a.fn}(${a.args.length ? `${a.distinct ? 'DISTINCT ' : ''}${a.args.map((i) => c[i]).join(', ')}` : '*'})${a.filterArg !== undefined ? ` FILTER ${c[a.filterArg]}` : ''}`,
      );
      return `WindowAggregate(window=[${n.window.kind}]${n.sliced ? ', sliced' : ''}, group=[${n.groupKeys.map((k) => c[k]).join(', ')}], aggs=[${aggs.join(', ')}])${mode}`;
    }
    case 'join':
      return `${n.window ? 'WindowJoin' : 'Join'}(type=[${n.joinType}], condition=[${n.condition ? rexToString(n.condition, [...cols(n.left), ...cols(n.right)]) : 'true'}])${mode}`;
    case 'correlate':
      return `Correlate(invocation=[${rexToString(n.call, cols(n.input))}], joinType=[${n.joinType}])${mode}`;
    case 'union':
      return `Union(all=[true])${mode}`;
    case 'over':
    case 'rank':
      return `${rankString(n, cols(n.input))}${mode}`;
    case 'temporalJoin':
      return `TemporalJoin(type=[${n.joinType}], table=[${n.table.name}], asOf=[${n.time === 'rowtime' ? 'event time' : 'processing time'} ${cols(n.left)[n.leftTime]}], condition=[${rexToString(n.condition, [...cols(n.left), ...cols(n.right)])}])${mode}`;
    case 'changelogNormalize':
      return `ChangelogNormalize(key=[${n.keys.map((k) => cols(n.input)[k]).join(', ')}]${n.dropUpdateBefore ? ', dropUpdateBefore' : ''})${mode}`;
    case 'sink':
      return `Sink(${n.target.kind === 'table' ? `table=[${n.target.table.name}]` : 'collect'}, fields=[${n.schema.map((f) => `${f.name} ${typeToString(f.type)}`).join(', ')}])${mode}`;
  }
}

function partitioningString(p: Partitioning, cols: readonly string[]): string {
  return p.kind === 'hash' ? `HASH[${p.keys.map((k) => cols[k]).join(', ')}]` : p.kind.toUpperCase();
}

/** Chains in order; each operator with its uid, parallelism, and how each input arrives. */
export function explainJobGraph(g: JobGraph): string {
  const lines = [`Job '${g.name}': parallelism ${g.parallelism}, max parallelism ${g.maxParallelism}`];

  for (const c of g.chains) {
    lines.push(`Task ${c.id + 1} (parallelism ${c.parallelism}):`);
    for (const id of c.operators) {
      const op = g.operators[id]!;
      const inputs = op.inputs
        .filter((e) => !c.operators.includes(e.source))
        .map(
          (e) =>
            `${partitioningString(
              e.partitioning,
              g.operators[e.source]!.schema.map((f) => f.name),
            )} from #${e.source + 1}`,
        );
      lines.push(
        `  #${op.id + 1} ${op.name}${inputs.length ? ` <- ${inputs.join(', ')}` : ''}`,
        `      uid=${op.uid}${op.stateful ? `, stateful (state ${op.stateBound === 'unbounded' ? 'unbounded' : `bounded by ${op.stateBound}`})` : ''}${op.changelog === 'updating' ? ', updating' : ''}`,
      );
    }
  }

  return lines.join('\n');
}

/** The text of `EXPLAIN`: three sections, as Flink prints its plans; VERBOSE adds the rules that fired. */
export function explainJob(job: CompiledJob, verbose = false): string {
  const parts = [
    '== Logical Plan ==',
    explainLogical(job.logical),
    '',
    '== Optimized Logical Plan ==',
    explainLogical(job.optimized),
  ];
  if (verbose)
    parts.push(
      '',
      '== Optimizer Rules Applied ==',
      job.appliedRules.length ? job.appliedRules.join('\n') : '(none)',
    );
  parts.push('', '== Job Graph ==', explainJobGraph(job.graph));
  return parts.join('\n');
}

/** EXPLAIN as JSON for tools (the playground draws the job graph from it). */
export function explainJobJson(job: CompiledJob): unknown {
  const plan = (n: LogicalNode): unknown => ({
    node: describeNode(n),
    kind: n.kind,
    changelog: n.changelog,
    fields: n.schema.map((f) => ({ name: f.name, type: typeToString(f.type) })),
    inputs: inputsOf(n).map(plan),
  });
  const op = (o: JobOperator) => ({
    id: o.id,
    uid: o.uid,
    kind: o.spec.kind,
    name: o.name,
    parallelism: o.parallelism,
    stateful: o.stateful,
    ...(o.stateBound ? { stateBound: o.stateBound } : {}),
    changelog: o.changelog,
    inputs: o.inputs.map((e) => ({ source: e.source, partitioning: e.partitioning })),
    fields: o.schema.map((f) => ({ name: f.name, type: typeToString(f.type) })),
  });
  return {
    name: job.name,
    logical: plan(job.logical),
    optimized: plan(job.optimized),
    rules: job.appliedRules,
    jobGraph: {
      parallelism: job.graph.parallelism,
      maxParallelism: job.graph.maxParallelism,
      operators: job.graph.operators.map(op),
      chains: job.graph.chains,
    },
  };
}
