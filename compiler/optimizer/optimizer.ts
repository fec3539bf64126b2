// The rule-based optimizer: applies each rule bottom-up until nothing changes, checking no rule alters the output schema.
import { type LogicalNode, inputsOf, withInputs } from '../logical/plan';
import { typeToString } from '../types';
import { RULES } from './rules/index';

/** A rewrite of one node (its inputs already optimized). Returns the node unchanged when it does not apply. */
export interface Rule {
  /** Equal to the rule's file name; shown by EXPLAIN VERBOSE. */
  readonly name: string;
  readonly apply: (node: LogicalNode) => LogicalNode;
}

export interface OptimizeResult {
  readonly plan: LogicalNode;
  /** Names of the rules that changed something, in the order they did. */
  readonly applied: string[];
}

const MAX_PASSES = 20;

export function optimize(plan: LogicalNode, rules: readonly Rule[] = RULES): OptimizeResult {
  const applied: string[] = [];
  let current = plan;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = rewrite(current, rules, applied);
    if (next === current) break;
    current = next;
  }
  return { plan: current, applied };
}

function rewrite(node: LogicalNode, rules: readonly Rule[], applied: string[]): LogicalNode {
  const inputs = inputsOf(node);
  const newInputs = inputs.map((i) => rewrite(i, rules, applied));
  let n = newInputs.some((x, i) => x !== inputs[i]) ? withInputs(node, newInputs) : node;
  for (const rule of rules) {
    const out = rule.apply(n);
    if (out === n) continue;
    checkSchema(rule, n, out);
    if (!applied.includes(rule.name)) applied.push(rule.name);
    n = out;
  }
  return n;
}

/** A rule MUST keep the output schema: same names, same types, same order. */
function checkSchema(rule: Rule, before: LogicalNode, after: LogicalNode): void {
  const a = before.schema.map((f) => `${f.name} ${typeToString(f.type)}`).join(', ');
  const b = after.schema.map((f) => `${f.name} ${typeToString(f.type)}`).join(', ');
  if (a !== b)
    throw new Error(`optimizer rule ${rule.name} changed the schema of ${before.kind} from [${a}] to [${b}]`);
}
