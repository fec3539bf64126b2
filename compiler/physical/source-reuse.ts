// Source reuse (Flink's table.optimizer.reuse-source-enabled): which parts of a plan read a table the same way.
import type { TableDef } from '../catalog';
import type { LogicalNode } from '../logical/plan';
import { isDeterministic } from '../rex';
import { typeToString } from '../types';

/**
 * Digests of source parts: a scan, and the stateless steps over it (computed columns, watermark assigner,
 * filters, projections: a view's), by table, expressions and output types. Two parts with one digest
 * compute the same rows, so one operator can feed both readers.
 */
export class SourceDigests {
  private readonly tableIds = new Map<TableDef, number>();

  /** The digest of `n`, or undefined when it is not a source part (or computes something per reader). */
  of(n: LogicalNode): string | undefined {
    const types = n.schema.map((f) => `${f.name} ${typeToString(f.type)}`).join(',');
    if (n.kind === 'scan') {
      let t = this.tableIds.get(n.table);
      if (t === undefined) this.tableIds.set(n.table, (t = this.tableIds.size));
      return `scan ${t} [${types}]`;
    }
    if (n.kind === 'changelogNormalize') {
      const input = this.of(n.input);
      return input === undefined
        ? undefined
        : `${input} | normalize [${n.keys.join(',')}]${n.dropUpdateBefore ? ' upsert' : ''}`;
    }
    if (n.kind !== 'watermarkAssigner' && n.kind !== 'filter' && n.kind !== 'project') return undefined;
    const exprs =
      n.kind === 'watermarkAssigner' ? [n.watermark] : n.kind === 'filter' ? [n.condition] : n.exprs;
    // PROCTIME(), NOW(), RAND(): each reader computes its own.
    if (!exprs.every(isDeterministic)) return undefined;
    const input = this.of(n.input);
    if (input === undefined) return undefined;
    // The expressions as data, every literal and call with its type: `v / 2` (INT) and `v / 2.0` (DECIMAL)
    // print alike but compute differently.
    const step = n.kind === 'watermarkAssigner' ? `watermark ${n.rowtimeIndex}` : n.kind;
    return `${input} | ${step} ${JSON.stringify(exprs)} [${types}]`;
  }
}
