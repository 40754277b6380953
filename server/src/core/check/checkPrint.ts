import type { CheckNode, EnforcedRule } from './checkTypes';

/**
 * oslo.policy's `str(check)`: `@`, `!`, `kind:match`, `not X`, `(A and B)`, `(A or B)`.
 * The library compares a file's rule with its registered default by this string
 * (`oslopolicy-list-redundant`, the deprecated-rule handling), so it must be exact.
 * Iterative: hostile rules nest tens of thousands deep.
 */
export function canonicalString(root: CheckNode): string {
  const out: string[] = [];
  // Either a node to print or a literal piece of text.
  const pending: (CheckNode | string)[] = [root];
  while (pending.length > 0) {
    const item = pending.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    switch (item.type) {
      case 'always':
        out.push('@');
        break;
      case 'never':
        out.push('!');
        break;
      case 'check':
        out.push(`${item.kind}:${item.match}`);
        break;
      case 'not':
        out.push('not ');
        pending.push(item.operand);
        break;
      case 'and':
      case 'or': {
        const separator = item.type === 'and' ? ' and ' : ' or ';
        out.push('(');
        pending.push(')');
        for (let index = item.operands.length - 1; index >= 0; index--) {
          pending.push(item.operands[index]);
          if (index > 0) pending.push(separator);
        }
        break;
      }
    }
  }
  return out.join('');
}

export function canonicalRuleString(rule: EnforcedRule): string {
  return rule.type === 'tree' ? canonicalString(rule.tree) : rule.value;
}

/**
 * The deepest path through a tree, weighting each level by `cost` (a leaf adds nothing),
 * computed without recursion; used to model Python's recursion limit.
 */
export function weightedDepth(root: CheckNode, cost: (node: CheckNode) => number): number {
  let deepest = 0;
  const pending: [CheckNode, number][] = [[root, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    const here = depth + cost(node);
    if (here > deepest) deepest = here;
    if (node.type === 'not') pending.push([node.operand, here]);
    else if (node.type === 'and' || node.type === 'or') {
      for (const operand of node.operands) pending.push([operand, here]);
    }
  }
  return deepest;
}

/** Nesting depth of a tree (a leaf is 1). */
export function treeDepth(root: CheckNode): number {
  return weightedDepth(root, () => 1);
}
