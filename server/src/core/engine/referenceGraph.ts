import type { CheckNode, EnforcedRule, LeafCheckNode } from '../check/checkTypes';
import type { EffectivePolicy, EffectiveRule } from './effectivePolicy';

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
  /** `check_rules` edges (not through `not`) with the and/or nesting level of each reference. */
  readonly walkStart: Int32Array;
  readonly walkTargets: Int32Array;
  readonly walkLevels: Int32Array;
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
  const targets: number[] = [];
  const walkTargets: number[] = [];
  const walkLevels: number[] = [];
  // The targets already listed for the current rule, as a stamp per target: clearing a Set
  // per rule allocates a new table each time, which dominated this loop on 10,000 rules.
  const seenBy = new Int32Array(names.length).fill(-1);
  let id = -1;
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
    forEachReference(rules[id].structure, record);
  }
  start[names.length] = targets.length;
  walkStart[names.length] = walkTargets.length;
  const graph: ReferenceGraph = {
    names,
    idOf,
    start,
    targets: Int32Array.from(targets),
    walkStart,
    walkTargets: Int32Array.from(walkTargets),
    walkLevels: Int32Array.from(walkLevels),
  };
  graphs.set(policy.rules, graph);
  return graph;
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
  forEachReference(rule, (reference, level, walked) => steps.push(reference.match, level, walked));
  return JSON.stringify(steps);
}

// Parallel stacks (node, and/or level, reached without crossing a `not`): no tuple per node.
const pendingNodes: CheckNode[] = [];
const pendingLevels: number[] = [];
const pendingWalked: boolean[] = [];

/**
 * Every `rule:` check of a rule with its and/or nesting level and whether it is reached without
 * crossing a `not` (`check_rules` does not walk into `not`; evaluation does).
 */
function forEachReference(
  rule: EnforcedRule,
  visit: (reference: LeafCheckNode, level: number, walked: boolean) => void,
): void {
  if (rule.type !== 'tree') return;
  const tree = rule.tree;
  // Most rules are a single check or hold no `rule:` at all: skip the walk when possible.
  if (tree.type === 'check') {
    if (tree.kindClass === 'rule') visit(tree, 0, true);
    return;
  }
  // Scratch stacks shared by every walk (none is left behind by the last one, even one that threw).
  pendingNodes.length = pendingLevels.length = pendingWalked.length = 0;
  pendingNodes.push(tree);
  pendingLevels.push(0);
  pendingWalked.push(true);
  while (pendingNodes.length > 0) {
    const node = pendingNodes.pop()!;
    const level = pendingLevels.pop()!;
    const walked = pendingWalked.pop()!;
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
  return found;
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

function findCycles(graph: ReferenceGraph): string[][] {
  const count = graph.names.length;
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const cycles: string[][] = [];
  const workNode: number[] = [];
  const workNext: number[] = [];
  let counter = 0;
  for (let root = 0; root < count; root++) {
    if (index[root] >= 0) continue;
    workNode.push(root);
    workNext.push(graph.start[root]);
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (workNode.length > 0) {
      const top = workNode.length - 1;
      const node = workNode[top];
      const next = workNext[top];
      if (next < graph.start[node + 1]) {
        workNext[top] = next + 1;
        const target = graph.targets[next];
        if (index[target] < 0) {
          index[target] = low[target] = counter++;
          stack.push(target);
          onStack[target] = 1;
          workNode.push(target);
          workNext.push(graph.start[target]);
        } else if (onStack[target]) low[node] = Math.min(low[node], index[target]);
        continue;
      }
      workNode.pop();
      workNext.pop();
      if (workNode.length > 0) {
        const parent = workNode[workNode.length - 1];
        low[parent] = Math.min(low[parent], low[node]);
      }
      if (low[node] === index[node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component.push(member);
        } while (member !== node);
        const selfLoop = graph.targets.subarray(graph.start[node], graph.start[node + 1]).includes(node);
        if (component.length > 1 || selfLoop) cycles.push(component.reverse().map((id) => graph.names[id]));
      }
    }
  }
  return cycles;
}

const depthOf = new WeakMap<ReferenceGraph, number>();

/**
 * The deepest recursion of oslo.policy's `check_rules` (its `_cycle_check`), in steps: one
 * per `rule:` hop and per and/or level, cycles cut. Iterative, memoised per rule.
 */

export function checkRulesDepth(policy: EffectivePolicy): number {
  const graph = referenceGraph(policy);
  let depth = depthOf.get(graph);
  if (depth === undefined) {
    depth = deepestWalk(graph);
    depthOf.set(graph, depth);
  }
  return depth;
}

function deepestWalk(graph: ReferenceGraph): number {
  const count = graph.names.length;
  const depth = new Int32Array(count).fill(-1);
  const onStack = new Uint8Array(count);
  const workNode: number[] = [];
  const workNext: number[] = [];
  const best: number[] = [];
  let deepest = 0;
  for (let root = 0; root < count; root++) {
    if (depth[root] >= 0) continue;
    workNode.push(root);
    workNext.push(graph.walkStart[root]);
    best.push(1);
    onStack[root] = 1;
    while (workNode.length > 0) {
      const top = workNode.length - 1;
      const node = workNode[top];
      const next = workNext[top];
      if (next < graph.walkStart[node + 1]) {
        workNext[top] = next + 1;
        const target = graph.walkTargets[next];
        const level = graph.walkLevels[next];
        if (onStack[target]) best[top] = Math.max(best[top], level + 1);
        else if (depth[target] >= 0) best[top] = Math.max(best[top], level + 1 + depth[target]);
        else {
          workNode.push(target);
          workNext.push(graph.walkStart[target]);
          best.push(1);
          onStack[target] = 1;
        }
        continue;
      }
      const result = best[top];
      workNode.pop();
      workNext.pop();
      best.pop();
      onStack[node] = 0;
      depth[node] = result;
      if (result > deepest) deepest = result;
      if (workNode.length > 0) {
        const parentTop = workNode.length - 1;
        const level = graph.walkLevels[workNext[parentTop] - 1];
        best[parentTop] = Math.max(best[parentTop], level + 1 + result);
      }
    }
  }
  return deepest;
}
