import type { CheckNode, EnforcedRule, LeafCheckNode } from '../check/checkTypes';
import type { EffectivePolicy, EffectiveRule } from './effectivePolicy';
import { refersToItself, stronglyConnected, type Components } from './stronglyConnected';

/**
 * The `rule:` references among the effective rules, with integer ids, built once per policy:
 * cycles, `check_rules` depth and "used by" all walk it, and on a 100,000-rule file maps of
 * strings would dominate the time.
 */
export interface ReferenceGraph {
  readonly names: readonly string[];
  readonly idOf: ReadonlyMap<string, number>;
  /** Evaluation edges (through `not` too), deduplicated: targets of i are targets[start[i]..start[i+1]). */
  readonly start: Int32Array;
  readonly targets: Int32Array;
  /** `check_rules` edges (not through `not`), in source order, with the and/or nesting level of each reference. */
  readonly walkStart: Int32Array;
  readonly walkTargets: Int32Array;
  readonly walkLevels: Int32Array;
  /**
   * How deep `check_rules` recurses inside each rule's own check, not following references: one
   * step for the root, one per and/or level down to the deepest check or `not` it visits.
   */
  readonly walkShape: Int32Array;
}

/** By the policy's rule map, which a policy and its `withLoadFailure` copy share. */
const graphs = new WeakMap<ReadonlyMap<string, EffectiveRule>, ReferenceGraph>();

export function referenceGraph(policy: EffectivePolicy): ReferenceGraph {
  const cached = graphs.get(policy.rules);
  if (cached) return cached;
  const names = [...policy.rules.keys()];
  // The policy's own name → slot map, when it has one, numbers the rules in the same order.
  const idOf = policy.shape?.ruleIndex ?? new Map(names.map((name, id) => [name, id]));
  const start = new Int32Array(names.length + 1);
  const walkStart = new Int32Array(names.length + 1);
  const targets = new GrowingInts(names.length);
  const walkTargets = new GrowingInts(names.length);
  const walkLevels = new GrowingInts(names.length);
  // The targets already listed for the current rule, as a stamp per target: clearing a Set
  // per rule allocates a new table each time, which dominated this loop on 10,000 rules.
  const seenBy = new Int32Array(names.length).fill(-1);
  let id = -1;
  const walkShape = new Int32Array(names.length);
  const record = (reference: LeafCheckNode, level: number, walked: boolean): void => {
    const target = idOf.get(reference.match);
    if (target === undefined) return;
    if (seenBy[target] !== id) {
      seenBy[target] = id;
      targets.push(target);
    }
    if (walked) {
      walkTargets.push(target);
      walkLevels.push(level);
    }
  };
  const rules = policy.ruleList;
  for (id = 0; id < rules.length; id++) {
    start[id] = targets.length;
    walkStart[id] = walkTargets.length;
    // A single check is found without a walk there (most rules).
    walkShape[id] = 1 + forEachReference(rules[id].structure, record);
    // `forEachReference` meets the references last first: `check_rules` walks them in source order.
    if (walkTargets.length - walkStart[id] > 1) {
      walkTargets.reverseFrom(walkStart[id]);
      walkLevels.reverseFrom(walkStart[id]);
    }
  }
  start[names.length] = targets.length;
  walkStart[names.length] = walkTargets.length;
  const graph: ReferenceGraph = {
    names,
    idOf,
    start,
    targets: targets.finish(),
    walkStart,
    walkTargets: walkTargets.finish(),
    walkLevels: walkLevels.finish(),
    walkShape,
  };
  graphs.set(policy.rules, graph);
  return graph;
}

/** An Int32Array that doubles when full: no boxed numbers, no array of 10,000 elements grown one by one. */
class GrowingInts {
  private values: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.values = new Int32Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  /** Reverses the values pushed since `from`. */
  reverseFrom(from: number): void {
    for (let low = from, high = this.length - 1; low < high; low++, high--) {
      const value = this.values[low];
      this.values[low] = this.values[high];
      this.values[high] = value;
    }
  }

  /** The values pushed, trimmed (a copy, so the spare capacity is freed). */
  finish(): Int32Array {
    return this.values.slice(0, this.length);
  }
}

/**
 * Gives `policy` the graph (and with it the cycles and depth) of `previous` when both hold the
 * same rule names in the same order, referring to each other the same way: most keystrokes
 * change one check string and no reference. Rules with the same parse are not even compared.
 */
export function reuseReferenceGraph(policy: EffectivePolicy, previous: EffectivePolicy | null): void {
  if (!previous || graphs.has(policy.rules)) return;
  const graph = graphs.get(previous.rules);
  const rules = policy.ruleList;
  const earlier = previous.ruleList;
  if (!graph || earlier.length !== rules.length) return;
  // The same shape holds the same names in the same order.
  const sameNames = policy.shape !== null && policy.shape === previous.shape;
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index];
    const old = earlier[index];
    if (!sameNames && old.name !== rule.name) return;
    if (old.structure !== rule.structure && referenceWalk(old.structure) !== referenceWalk(rule.structure))
      return;
  }
  graphs.set(policy.rules, graph);
}

/** The `rule:` references of a rule in the order, levels and `not`-ness the graph records them. */
function referenceWalk(rule: EnforcedRule): string {
  const steps: (string | number | boolean)[] = [];
  const shape = forEachReference(rule, (reference, level, walked) =>
    steps.push(reference.match, level, walked),
  );
  steps.push(shape);
  return JSON.stringify(steps);
}

// Parallel stacks (node, and/or level, reached without crossing a `not`): no tuple per node.
const pendingNodes: CheckNode[] = [];
const pendingLevels: number[] = [];
const pendingWalked: boolean[] = [];

/**
 * Every `rule:` check of a rule with its and/or nesting level and whether it is reached without
 * crossing a `not` (`check_rules` does not walk into `not`; evaluation does), last first.
 * Returns the deepest and/or level of the nodes `check_rules` visits (see `walkShape`).
 */
function forEachReference(
  rule: EnforcedRule,
  visit: (reference: LeafCheckNode, level: number, walked: boolean) => void,
): number {
  if (rule.type !== 'tree') return 0;
  const tree = rule.tree;
  // Most rules are a single check or hold no `rule:` at all: skip the walk when possible.
  if (tree.type === 'check') {
    if (tree.kindClass === 'rule') visit(tree, 0, true);
    return 0;
  }
  let deepest = 0;
  // Scratch stacks shared by every walk (none is left behind by the last one, even one that threw).
  pendingNodes.length = pendingLevels.length = pendingWalked.length = 0;
  pendingNodes.push(tree);
  pendingLevels.push(0);
  pendingWalked.push(true);
  while (pendingNodes.length > 0) {
    const node = pendingNodes.pop()!;
    const level = pendingLevels.pop()!;
    const walked = pendingWalked.pop()!;
    if (walked && level > deepest) deepest = level;
    if (node.type === 'check') {
      if (node.kindClass === 'rule') visit(node, level, walked);
    } else if (node.type === 'not') {
      pendingNodes.push(node.operand);
      pendingLevels.push(level);
      pendingWalked.push(false);
    } else if (node.type === 'and' || node.type === 'or') {
      for (const operand of node.operands) {
        pendingNodes.push(operand);
        pendingLevels.push(level + 1);
        pendingWalked.push(walked);
      }
    }
  }
  return deepest;
}

const NO_REFERENCES: readonly LeafCheckNode[] = [];
const referencesOf = new WeakMap<CheckNode, readonly LeafCheckNode[]>();

/**
 * Every `rule:` check of a tree, `not` included (evaluation follows those too), in source order.
 * Remembered per tree: the shared parses of a file are asked again after every edit.
 */
export function ruleReferences(root: CheckNode | null): readonly LeafCheckNode[] {
  if (!root || root.type === 'check') return collectReferences(root);
  let found = referencesOf.get(root);
  if (!found) {
    found = collectReferences(root);
    referencesOf.set(root, found);
  }
  return found;
}

/** The same as `ruleReferences`, not remembered: for callers that keep the answer themselves. */
export function collectReferences(root: CheckNode | null): readonly LeafCheckNode[] {
  if (!root) return NO_REFERENCES;
  if (root.type === 'check') return root.kindClass === 'rule' ? [root] : NO_REFERENCES;
  const found: LeafCheckNode[] = [];
  const pending: CheckNode[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'check') {
      if (node.kindClass === 'rule') found.push(node);
    } else if (node.type === 'not') pending.push(node.operand);
    else if (node.type === 'and' || node.type === 'or') {
      for (let index = node.operands.length - 1; index >= 0; index--) pending.push(node.operands[index]);
    }
  }
  // Kept with the parse: the shared empty list, or a copy of its own size (pushing gave it room for 17).
  return found.length === 0 ? NO_REFERENCES : found.slice();
}

const cyclesOf = new WeakMap<ReferenceGraph, string[][]>();

/**
 * The cycles among the effective rules: strongly connected components of the reference graph
 * (Tarjan's algorithm, iterative), each as rule names. A rule referring to itself is one.
 */

export function ruleCycles(policy: EffectivePolicy): string[][] {
  const graph = referenceGraph(policy);
  let cycles = cyclesOf.get(graph);
  if (!cycles) {
    cycles = findCycles(graph);
    cyclesOf.set(graph, cycles);
  }
  return cycles;
}

const componentsOf = new WeakMap<ReferenceGraph, Components>();

/** The strongly connected components of the evaluation edges, computed once per graph. */
export function evaluationComponents(graph: ReferenceGraph): Components {
  let components = componentsOf.get(graph);
  if (!components) {
    components = stronglyConnected(graph.names.length, graph.start, graph.targets);
    componentsOf.set(graph, components);
  }
  return components;
}

function findCycles(graph: ReferenceGraph): string[][] {
  const { start, targets } = graph;
  const { members, memberStart } = evaluationComponents(graph);
  const cycles: string[][] = [];
  for (let component = 0; component + 1 < memberStart.length; component++) {
    const first = memberStart[component];
    const end = memberStart[component + 1];
    // A component of one rule: a cycle only when the rule refers to itself.
    if (end - first === 1 && !refersToItself(members[first], start, targets)) continue;
    const names: string[] = [];
    for (let at = first; at < end; at++) names.push(graph.names[members[at]]);
    cycles.push(names);
  }
  return cycles;
}
