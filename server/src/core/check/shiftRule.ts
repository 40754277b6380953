import type { CheckNode, EnforcedRule, ParsedRule, Span } from './checkTypes';

/**
 * A parsed rule moved by `delta` document offsets: the same check string at a new place after
 * an edit above it. Nodes shared between the enforced tree and the editor's tree stay shared in
 * the copy.
 */
export function shiftParsedRule(parsed: ParsedRule, delta: number): ParsedRule {
  if (delta === 0) return parsed;
  const copies = new Map<CheckNode, CheckNode>();
  const node = (original: CheckNode): CheckNode => copies.get(original) ?? shiftTree(original, delta, copies);
  return {
    enforced: shiftEnforced(parsed.enforced, delta, node),
    display: parsed.display ? node(parsed.display) : null,
    problems: parsed.problems.map((problem) => ({ ...problem, span: shift(problem.span, delta) })),
    failed: parsed.failed,
    deepestChain: parsed.deepestChain,
  };
}

/**
 * Copies a tree children first, without recursion: a check string of thousands of nested
 * `not`s (which oslo.policy reads, its parser is not recursive) would overflow the stack.
 */
function shiftTree(root: CheckNode, delta: number, copies: Map<CheckNode, CheckNode>): CheckNode {
  const copied = (child: CheckNode): CheckNode => copies.get(child)!;
  const pending: CheckNode[] = [root];
  while (pending.length > 0) {
    const original = pending[pending.length - 1];
    if (copies.has(original)) {
      pending.pop();
      continue;
    }
    const before = pending.length;
    if (original.type === 'not') {
      if (!copies.has(original.operand)) pending.push(original.operand);
    } else if (original.type === 'and' || original.type === 'or') {
      for (const operand of original.operands) if (!copies.has(operand)) pending.push(operand);
    }
    if (pending.length > before) continue;
    pending.pop();
    copies.set(original, shiftNode(original, delta, copied));
  }
  return copies.get(root)!;
}

function shift(span: Span, delta: number): Span {
  return { start: span.start + delta, end: span.end + delta };
}

function shiftEnforced(rule: EnforcedRule, delta: number, node: (n: CheckNode) => CheckNode): EnforcedRule {
  return rule.type === 'tree'
    ? { type: 'tree', tree: node(rule.tree) }
    : { type: 'plain-string', value: rule.value, span: shift(rule.span, delta) };
}

function shiftNode(original: CheckNode, delta: number, node: (n: CheckNode) => CheckNode): CheckNode {
  const span = shift(original.span, delta);
  switch (original.type) {
    case 'always':
      return { type: 'always', span };
    case 'never':
      return { ...original, span };
    case 'check':
      return {
        type: 'check',
        span,
        kind: original.kind,
        match: original.match,
        kindClass: original.kindClass,
        kindEnd: original.kindEnd + delta,
        matchStart: original.matchStart + delta,
      };
    case 'not':
      return { type: 'not', span, operand: node(original.operand) };
    case 'and':
    case 'or':
      return { type: original.type, span, operands: original.operands.map(node) };
  }
}
