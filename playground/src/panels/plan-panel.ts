// The plan panel: the job graph (from EXPLAIN's JSON) laid out by dagre, each operator with records/s, state and watermark.
import { Graph, layout } from '@dagrejs/dagre';
import type { JobFigures } from '../worker/protocol';
import { esc, fmtBytes, fmtNum } from './dom';

/** The part of `explainJobJson` the panel draws. */
export interface PlanJson {
  readonly name: string;
  readonly jobGraph: {
    readonly operators: readonly {
      readonly id: number;
      readonly uid: string;
      readonly kind: string;
      readonly name: string;
      readonly parallelism: number;
      readonly stateful: boolean;
      readonly inputs: readonly {
        readonly source: number;
        readonly partitioning: { readonly kind: string };
      }[];
    }[];
    readonly chains: readonly {
      readonly id: number;
      readonly operators: readonly number[];
      readonly parallelism: number;
    }[];
  };
}

const W = 230;
const H = 90;

export class PlanPanel {
  private plan: PlanJson | undefined;
  private positions = new Map<number, { x: number; y: number }>();
  private size = { w: 0, h: 0 };
  private edges: { points: { x: number; y: number }[]; label: string }[] = [];
  private last = new Map<string, { at: number; n: number }>();

  constructor(private readonly root: HTMLElement) {}

  setPlan(plan: PlanJson): void {
    this.plan = plan;
    this.last.clear();
    // A multigraph: a self-join reads one (reused) source on both inputs, two edges between the same nodes.
    const g = new Graph({ multigraph: true });
    g.setGraph({ rankdir: 'TB', nodesep: 30, ranksep: 40, marginx: 10, marginy: 10 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const op of plan.jobGraph.operators) g.setNode(String(op.id), { width: W, height: H });
    for (const op of plan.jobGraph.operators)
      op.inputs.forEach((e, i) =>
        g.setEdge(
          String(e.source),
          String(op.id),
          { label: e.partitioning.kind, width: 40, height: 14 },
          `input ${i}`,
        ),
      );
    layout(g);
    this.positions.clear();
    for (const op of plan.jobGraph.operators) {
      const n = g.node(String(op.id));
      this.positions.set(op.id, { x: n.x - W / 2, y: n.y - H / 2 });
    }
    this.edges = g.edges().map((e) => {
      const l = g.edge(e) as { points: { x: number; y: number }[]; label?: string };
      return { points: l.points, label: String(l.label ?? '') };
    });
    const gl = g.graph();
    this.size = { w: (gl.width ?? 400) + 20, h: (gl.height ?? 300) + 20 };
  }

  render(job: JobFigures | undefined): void {
    const plan = this.plan;
    if (!plan) {
      this.root.innerHTML = '<p class="hint">The job graph of the running query appears here.</p>';
      return;
    }
    const figures = new Map((job?.operators ?? []).map((o) => [o.uid, o]));
    // Barrier progress: operators whose task acknowledged the newest checkpoint, and when (slowest subtask).
    const acked = new Map<number, number>();
    const barrier = job?.barrier;
    for (const a of barrier?.acked ?? []) {
      const chain = plan.jobGraph.chains.find((c) => c.id === Number(a.task.split('-')[0]));
      for (const id of chain?.operators ?? []) acked.set(id, Math.max(acked.get(id) ?? 0, a.ms));
    }
    const edges = this.edges
      .map((e) => {
        const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
        const mid = e.points[Math.floor(e.points.length / 2)]!;
        return `<path d="${d}" class="edge" marker-end="url(#arrow)"/><text x="${mid.x + 4}" y="${mid.y}" class="edge-label">${esc(e.label)}</text>`;
      })
      .join('');
    const nodes = plan.jobGraph.operators
      .map((op) => {
        const p = this.positions.get(op.id)!;
        const f = figures.get(op.uid);
        // Records an operator processed: what a source emitted, what any other operator received.
        const n = (op.kind === 'source' ? f?.recordsOut : f?.recordsIn) ?? 0;
        const prev = this.last.get(op.uid);
        const rate = prev && job && job.at > prev.at ? ((n - prev.n) * 1000) / (job.at - prev.at) : 0;
        if (job) this.last.set(op.uid, { at: job.at, n });
        const ack = acked.get(op.id);
        const wm = watermarkText(f?.watermark ?? null);
        const title = op.name.length > 34 ? `${op.name.slice(0, 33)}…` : op.name;
        const cls = `op ${op.stateful ? 'stateful' : ''} ${barrier?.inProgress ? (ack !== undefined ? 'barrier-done' : 'barrier-wait') : ''}`;
        return `<g class="${cls}" data-uid="${esc(op.uid)}" transform="translate(${p.x},${p.y})">
          <rect width="${W}" height="${H}" rx="6"/><title>${esc(op.name)}</title>
          <text x="8" y="16" class="op-name">${esc(title)}${op.parallelism > 1 ? ` ×${op.parallelism}` : ''}</text>
          <text x="8" y="34">${fmtNum(rate)} records/s · ${op.kind === 'source' ? 'out' : 'in'} ${fmtNum(n)}</text>
          <text x="8" y="50">${!op.stateful ? 'stateless' : f?.stateBytes !== undefined ? `state ${fmtBytes(f.stateBytes)} at last checkpoint` : `state ${fmtNum(f?.stateEntries ?? 0)} entries`}</text>
          <text x="8" y="66">watermark ${wm}</text>
          <text x="8" y="82" class="ack">${barrier ? `chk-${barrier.id} ${ack !== undefined ? `acked at +${ack} ms` : 'barrier not here yet'}` : 'no checkpoint yet'}</text></g>`;
      })
      .join('');
    const progress = barrier
      ? `<p class="barrier">checkpoint ${barrier.id} ${barrier.inProgress ? 'in flight' : 'done'}: ${acked.size} of ${plan.jobGraph.operators.length} operators acknowledged</p>`
      : '<p class="barrier">no checkpoint yet</p>';
    this.root.innerHTML = `${progress}<svg width="${this.size.w}" height="${this.size.h}" class="plan">
      <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z"/></marker></defs>
      ${edges}${nodes}</svg>`;
  }
}

/** A watermark as the time of day (UTC), or the end of input (the largest watermark a bounded source sends). */
function watermarkText(wm: number | null): string {
  if (wm === null) return '-';
  if (wm >= Number.MAX_SAFE_INTEGER) return 'end of input';
  const d = new Date(wm);
  return Number.isNaN(d.getTime()) ? String(wm) : d.toISOString().replace('T', ' ').slice(0, 23);
}
