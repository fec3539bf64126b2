// The optimizer's rules, in the order they are tried on each node.
import type { Rule } from '../optimizer';

export const RULES: readonly Rule[] = [];
