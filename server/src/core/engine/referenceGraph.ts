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
  const targets = new GrowingInts(names.length);
  const walkTargets = new GrowingInts(names.length);
  const walkLevels = new GrowingInts(names.length);
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
    // A single check is found without a walk there (most rules).
    forEachReference(rules[id].structure, record);
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
  const { start, targets } = graph;
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  // Tarjan's stack and the walk's own stack (node, next edge), each at most one entry per rule.
  const stack = new Int32Array(count);
  let stackSize = 0;
  const workNode = new Int32Array(count);
  const workNext = new Int32Array(count);
  let depth = 0;
  const cycles: string[][] = [];
  let counter = 0;
  for (let root = 0; root < count; root++) {
    if (index[root] >= 0) continue;
    workNode[0] = root;
    workNext[0] = start[root];
    depth = 1;
    index[root] = low[root] = counter++;
    stack[stackSize++] = root;
    onStack[root] = 1;
    while (depth > 0) {
      const top = depth - 1;
      const node = workNode[top];
      const next = workNext[top];
      if (next < start[node + 1]) {
        workNext[top] = next + 1;
        const target = targets[next];
        if (index[target] < 0) {
          index[target] = low[target] = counter++;
          stack[stackSize++] = target;
          onStack[target] = 1;
          workNode[depth] = target;
          workNext[depth] = start[target];
          depth++;
        } else if (onStack[target] && index[target] < low[node]) low[node] = index[target];
        continue;
      }
      depth--;
      if (depth > 0) {
        const parent = workNode[depth - 1];
        if (low[node] < low[parent]) low[parent] = low[node];
      }
      if (low[node] !== index[node]) continue;
      if (stack[stackSize - 1] === node) {
        // A component of one rule: a cycle only when the rule refers to itself.
        stackSize--;
        onStack[node] = 0;
        let selfLoop = false;
        for (let edge = start[node]; edge < start[node + 1] && !selfLoop; edge++)
          selfLoop = targets[edge] === node;
        if (selfLoop) cycles.push([graph.names[node]]);
        continue;
      }
      const component: string[] = [];
      let member: number;
      do {
        member = stack[--stackSize];
        onStack[member] = 0;
        component.push(graph.names[member]);
      } while (member !== node);
      cycles.push(component.reverse());
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
  const { walkStart, walkTargets, walkLevels } = graph;
  const depth = new Int32Array(count).fill(-1);
  const onStack = new Uint8Array(count);
  // The walk's stack (node, next edge, best so far): a rule is on it at most once.
  const workNode = new Int32Array(count);
  const workNext = new Int32Array(count);
  const best = new Int32Array(count);
  let size = 0;
  let deepest = 0;
  for (let root = 0; root < count; root++) {
    if (depth[root] >= 0) continue;
    workNode[0] = root;
    workNext[0] = walkStart[root];
    best[0] = 1;
    size = 1;
    onStack[root] = 1;
    while (size > 0) {
      const top = size - 1;
      const node = workNode[top];
      const next = workNext[top];
      if (next < walkStart[node + 1]) {
        workNext[top] = next + 1;
        const target = walkTargets[next];
        const level = walkLevels[next];
        if (onStack[target]) best[top] = Math.max(best[top], level + 1);
        else if (depth[target] >= 0) best[top] = Math.max(best[top], level + 1 + depth[target]);
        else {
          workNode[size] = target;
          workNext[size] = walkStart[target];
          best[size] = 1;
          size++;
          onStack[target] = 1;
        }
        continue;
      }
      const result = best[top];
      size--;
      onStack[node] = 0;
      depth[node] = result;
      if (result > deepest) deepest = result;
      if (size > 0) {
        const parentTop = size - 1;
        const level = walkLevels[workNext[parentTop] - 1];
        best[parentTop] = Math.max(best[parentTop], level + 1 + result);
      }
    }
  }
  return deepest;
}
