// The playground's plan panel draws every input edge of the job graph, two between the same operators too.
import { describe, expect, it } from 'vitest';
import { explainJobJson } from '../../compiler/index';
import { type PlanJson, PlanPanel } from '../../playground/src/panels/plan-panel';
import { compileJob } from '../support/jobs';

const SQL = `CREATE TABLE nexmark (
  event_type INT,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, \`dateTime\` TIMESTAMP(3), extra VARCHAR>
) WITH ('connector' = 'nexmark', 'events.num' = '100');
CREATE VIEW bid AS SELECT bid.auction, bid.price FROM nexmark WHERE event_type = 2;
CREATE TABLE out (auction BIGINT, a BIGINT, b BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT B.auction, B.price, C.price FROM bid B JOIN bid C ON B.auction = C.auction;`;

/** The SVG the panel renders for `plan` (it only ever sets the root's innerHTML). */
function drawn(plan: PlanJson): string {
  const root = { innerHTML: '' };
  const panel = new PlanPanel(root as unknown as HTMLElement);
  panel.setPlan(plan);
  panel.render(undefined);
  return root.innerHTML;
}

describe('plan panel', () => {
  it("draws a self-join's two edges from its one shared input", () => {
    const plan = explainJobJson(compileJob(SQL, 'self-join')) as PlanJson;
    const ops = plan.jobGraph.operators;
    const join = ops.find((o) => o.inputs.length === 2)!;
    // Source reuse: both sides of the join read the one shared view.
    expect(join.inputs[0]!.source).toBe(join.inputs[1]!.source);
    const inputs = ops.reduce((n, o) => n + o.inputs.length, 0);
    const svg = drawn(plan);
    expect(svg.match(/class="edge"/g)?.length).toBe(inputs);
    // Each operator once.
    expect(svg.match(/class="op /g)?.length).toBe(ops.length);
  });
});
