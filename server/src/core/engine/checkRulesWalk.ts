import type { EffectivePolicy } from './effectivePolicy';
import { referenceGraph, type ReferenceGraph } from './referenceGraph';
import { refersToItself, stronglyConnected } from './stronglyConnected';

const depthOf = new WeakMap<ReferenceGraph, number>();

/**
 * The deepest recursion of oslo.policy's `check_rules` (its `_cycle_check`), in steps: one per
 * `rule:` hop and per and/or level. Memoised per graph.
 *
 * `_cycle_check(rule)` walks a rule depth first, its `rule:` checks in source order (not into
 * `not`), keeping the names of the `rule:` checks on the current path, and returns True at the
 * first check whose name is on it. So a walk that meets a cycle stops there: `a: "@ or rule:a
 * or rule:b"` never walks on to `b`, whatever `b` leads to. Every rule is walked as a root.
 * `stop` bounds the walks into cycles: a walk that deep already decides the answer.
 */
export function checkRulesDepth(policy: EffectivePolicy, stop: number): number {
  const graph = referenceGraph(policy);
  let depth = depthOf.get(graph);
  if (depth === undefined) {
    depth = deepestCheckRulesWalk(graph, stop);
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
function deepestCheckRulesWalk(graph: ReferenceGraph, stop: number): number {
  const count = graph.names.length;
  const { walkStart: start, walkTargets: targets, walkLevels: levels } = graph;
  const { of, members, memberStart } = stronglyConnected(count, start, targets);
  const reachesCycle = new Uint8Array(count);
  // The depth of the walk of a rule entered through a `rule:` check (its name on the path);
  // for a rule in no cycle, also as a root.
  const entered = new Int32Array(count);
  const onPath = new Int32Array(count).fill(-1);
  let walkId = 0;
  let deepest = 0;

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
      let next = -1;
      for (let edge = start[node]; edge < start[node + 1]; edge++) {
        const target = targets[edge];
        const steps = above + levels[edge] + 1;
        if (target < 0) {
          reached = Math.max(reached, steps);
          continue;
        }
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
      if (next < 0) return reached;
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
      let reached = 1;
      for (let edge = start[single]; edge < start[single + 1]; edge++) {
        const target = targets[edge];
        reached = Math.max(reached, levels[edge] + 1 + (target < 0 ? 0 : entered[target]));
        if (target >= 0 && reachesCycle[target]) {
          reachesCycle[single] = 1;
          break;
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
