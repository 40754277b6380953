import type { CheckNode, EnforcedRule } from '../check/checkTypes';
import type { EffectivePolicy } from './effectivePolicy';
import { evaluationComponents, referenceGraph, ruleCycles, type ReferenceGraph } from './referenceGraph';
import { CHECK_RULES_UNITS_PER_STEP, PYTHON_RECURSION_LIMIT } from './recursionLimit';
import { refersToItself, stronglyConnected } from './stronglyConnected';

const depthOf = new WeakMap<ReferenceGraph, number>();

/** Steps at which Python's recursion limit is reached from any stack. */
const STOP = Math.ceil(PYTHON_RECURSION_LIMIT / CHECK_RULES_UNITS_PER_STEP);

/**
 * The deepest recursion of oslo.policy's `check_rules` (its `_cycle_check`), in steps: one per
 * `rule:` hop and per and/or level. Memoised per graph.
 *
 * `_cycle_check(rule)` walks a rule depth first, its `rule:` checks in source order (not into
 * `not`), keeping the names of the `rule:` checks on the current path, and returns True at the
 * first check whose name is on it. So a walk that meets a cycle stops there: `a: "@ or rule:a
 * or rule:b"` never walks on to `b`, whatever `b` leads to. Every rule is walked as a root.
 * Walks into cycles are followed only to `STOP` steps: a walk that deep raises in any service.
 */
export function checkRulesDepth(policy: EffectivePolicy): number {
  const graph = referenceGraph(policy);
  let depth = depthOf.get(graph);
  if (depth === undefined) {
    depth = deepestCheckRulesWalk(policy, graph, STOP);
    depthOf.set(graph, depth);
  }
  return depth;
}

/**
 * Computed component by component, those a rule can reach first (Tarjan's order):
 * - a rule that reaches no cycle is walked whole, its depth the deepest of its references';
 * - a rule in no cycle that reaches one walks its references up to the first that reaches a
 *   cycle, and that walk ends somewhere below it (a walk into a cycle always meets a name on its
 *   path), whatever path led there: no rule above can be reached again;
 * - a rule in a cycle is walked step by step: at each rule, the references before the first one
 *   leading on into the cycle (or back onto the path) are walked whole, then the walk follows
 *   that one. Entered through a `rule:` check its own name is on the path; as a root, not yet.
 */
function deepestCheckRulesWalk(policy: EffectivePolicy, graph: ReferenceGraph, stop: number): number {
  const count = graph.names.length;
  const { walkStart: start, walkTargets: targets, walkLevels: levels, walkShape: shape } = graph;
  // `check_rules` follows a subset of the references evaluation follows: without a cycle among
  // those, each rule is a component of its own, and the evaluation components' order serves.
  const { of, members, memberStart } =
    ruleCycles(policy).length === 0 ? evaluationComponents(graph) : stronglyConnected(count, start, targets);
  const reachesCycle = new Uint8Array(count);
  // The depth of the walk of a rule entered through a `rule:` check (its name on the path);
  // for a rule in no cycle, also as a root.
  const entered = new Int32Array(count);
  const onPath = new Int32Array(count).fill(-1);
  let walkId = 0;
  let deepest = 0;
  // Only walks that stop at a reference need to know what was visited before it.
  const before = new Map<number, Int32Array>();
  const levelsBefore = (node: number): Int32Array => {
    let found = before.get(node);
    if (!found)
      before.set(node, (found = deepestBeforeEachReference(policy.ruleList[node].structure, graph)));
    return found;
  };

  /** The walk from `from` inside its cycle, `fromOnPath` when entered through a `rule:` check. */
  const walkCycle = (from: number, fromOnPath: boolean): number => {
    const id = walkId++;
    const component = of[from];
    if (fromOnPath) onPath[from] = id;
    // Steps above the current rule's check, and the deepest step reached.
    let above = 0;
    let reached = 0;
    let node = from;
    for (;;) {
      reached = Math.max(reached, above + 1);
      if (reached >= stop) return reached;
      const visitedBefore = levelsBefore(node);
      let next = -1;
      for (let edge = start[node]; edge < start[node + 1]; edge++) {
        const target = targets[edge];
        reached = Math.max(reached, above + visitedBefore[edge - start[node]] + 1);
        const steps = above + levels[edge] + 1;
        if (onPath[target] === id) return Math.max(reached, steps);
        if (!reachesCycle[target]) {
          reached = Math.max(reached, steps + entered[target]);
          continue;
        }
        // Into another component: a walk that does not depend on the path (see above).
        if (of[target] !== component) return Math.max(reached, steps + entered[target]);
        next = target;
        above = steps;
        break;
      }
      // A rule in a cycle always refers on into it.
      if (next < 0) return Math.max(reached, above + shape[node]);
      onPath[next] = id;
      node = next;
    }
  };

  for (let component = 0; component + 1 < memberStart.length; component++) {
    const first = memberStart[component];
    const end = memberStart[component + 1];
    const single = members[first];
    if (end - first === 1 && !refersToItself(single, start, targets)) {
      // Every reference leads to a component already done.
      let reached = shape[single];
      let stopsAt = -1;
      for (let edge = start[single]; edge < start[single + 1] && stopsAt < 0; edge++) {
        if (reachesCycle[targets[edge]]) stopsAt = edge;
      }
      if (stopsAt < 0) {
        for (let edge = start[single]; edge < start[single + 1]; edge++)
          reached = Math.max(reached, levels[edge] + 1 + entered[targets[edge]]);
      } else {
        // The walk ends in the first reference that reaches a cycle: what comes after is never visited.
        reachesCycle[single] = 1;
        const visitedBefore = levelsBefore(single);
        reached = 1;
        for (let edge = start[single]; edge <= stopsAt; edge++) {
          reached = Math.max(
            reached,
            visitedBefore[edge - start[single]] + 1,
            levels[edge] + 1 + entered[targets[edge]],
          );
        }
      }
      entered[single] = reached;
      if (reached > deepest) deepest = reached;
      continue;
    }
    for (let at = first; at < end; at++) reachesCycle[members[at]] = 1;
    for (let at = first; at < end; at++) {
      const node = members[at];
      // Past `stop` the answer is known: the walks left only cost time.
      entered[node] = deepest >= stop ? stop : walkCycle(node, true);
      const asRoot = deepest >= stop ? stop : walkCycle(node, false);
      if (asRoot > deepest) deepest = asRoot;
    }
  }
  return deepest;
}

/**
 * For each walked reference of a rule to a defined rule (the graph's walk edges, in order), the
 * deepest and/or level of the nodes `check_rules` visits before it: a walk that stops in that
 * reference has visited them.
 */
function deepestBeforeEachReference(rule: EnforcedRule, graph: ReferenceGraph): Int32Array {
  const found: number[] = [];
  if (rule.type !== 'tree') return Int32Array.from(found);
  let deepest = 0;
  // In source order: children pushed last first.
  const pending: { node: CheckNode; level: number }[] = [{ node: rule.tree, level: 0 }];
  while (pending.length > 0) {
    const { node, level } = pending.pop()!;
    if (node.type === 'check' && node.kindClass === 'rule' && graph.idOf.has(node.match)) found.push(deepest);
    if (level > deepest) deepest = level;
    if (node.type === 'and' || node.type === 'or') {
      for (let index = node.operands.length - 1; index >= 0; index--)
        pending.push({ node: node.operands[index], level: level + 1 });
    }
  }
  return Int32Array.from(found);
}
