// The optimizer's rules, in the order they are tried on each node.
import type { Rule } from '../optimizer';
import { constantFolding } from './constant-folding';
import { filterPushDown } from './filter-push-down';
import { projectionPruning } from './projection-pruning';
import { windowSlicing } from './window-slicing';

/** Folding first, so a condition that becomes TRUE is gone before it would be pushed anywhere. */
export const RULES: readonly Rule[] = [constantFolding, filterPushDown, projectionPruning, windowSlicing];
