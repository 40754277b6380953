import type { CheckNode, LeafCheckNode } from '../check/checkTypes';
import type { EffectivePolicy } from '../engine/effectivePolicy';

/** Every `rule:` check of a tree, `not` included (evaluation follows those too). */
export function ruleReferences(root: CheckNode | null): LeafCheckNode[] {
  const found: LeafCheckNode[] = [];
  if (!root) return found;
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

/**
 * The cycles among the effective rules: strongly connected components of the reference graph
 * (Tarjan's algorithm, iterative), each as its rule names. A rule referring to itself is one.
 */
export function ruleCycles(policy: EffectivePolicy): string[][] {
  const edges = new Map<string, string[]>();
  for (const [name, rule] of policy.rules) {
    const targets = rule.rule.type === 'tree' ? ruleReferences(rule.rule.tree).map((ref) => ref.match) : [];
    edges.set(name, [...new Set(targets.filter((target) => policy.rules.has(target)))]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (const start of edges.keys()) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, next] = frame;
      if (next === 0 && !index.has(node)) {
        index.set(node, counter);
        low.set(node, counter);
        counter++;
        stack.push(node);
        onStack.add(node);
      }
      const targets = edges.get(node)!;
      if (next < targets.length) {
        frame[1]++;
        const target = targets[next];
        if (!index.has(target)) work.push([target, 0]);
        else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0])!, low.get(node)!));
      if (low.get(node) === index.get(node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || targets.includes(node)) cycles.push(component.reverse());
      }
    }
  }
  return cycles;
}
