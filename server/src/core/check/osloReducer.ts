import type { CheckNode, CheckToken, EnforcedRule, Span } from './checkTypes';

/**
 * oslo.policy's `ParseState`: a greedy shift-reduce over the token stream. Reproduced step by
 * step, because the tree's shape matters: oslo.policy compares rules by their canonical string
 * (`str(check)`), and the greedy reductions merge operands in ways a textbook parser would not
 * (`a or (b and c) and d` becomes `(a or (b and c and d))`).
 */
type StackType = '(' | ')' | 'and' | 'or' | 'not' | 'string' | 'check' | 'and_expr' | 'or_expr';

/** A mutable And/Or under construction: oslo.policy extends these lists in place. */
interface Junction {
  readonly type: 'and' | 'or';
  operands: Built[];
  start: number;
  end: number;
}
type Built = CheckNode | Junction;

type StackValue = Built | string;

interface Entry {
  readonly type: StackType;
  readonly value: StackValue;
  /** Source span of the entry, used for plain-string results. */
  readonly span: Span;
}

export interface Reduction {
  readonly rule: EnforcedRule | null;
  /**
   * The most reductions one shift triggered: oslo.policy's `reduce` calls itself after each,
   * so this is its recursion depth (a long `not not ... x` chain hits Python's limit).
   */
  readonly deepestChain: number;
}

export function reduceLikeOslo(tokens: readonly CheckToken[]): Reduction {
  const reducer = new OsloReducer();
  for (const token of tokens)
    reducer.shift(token.type, token.type === 'check' ? token.check! : token.text, token.span);
  return reducer.finish();
}

/** The shift-reduce state, fed one token at a time (the bulk parser feeds it without token objects). */
export class OsloReducer {
  private readonly stack: Entry[] = [];
  private deepestChain = 0;

  shift(type: CheckToken['type'], value: CheckNode | string, span: Span): void {
    this.stack.push({ type, value, span });
    const chain = reduce(this.stack);
    if (chain > this.deepestChain) this.deepestChain = chain;
  }

  finish(): Reduction {
    const stack = this.stack;
    const deepestChain = this.deepestChain;
    if (stack.length !== 1) return { rule: null, deepestChain };
    const only = stack[0];
    if (typeof only.value === 'string') {
      return { rule: { type: 'plain-string', value: only.value, span: only.span }, deepestChain };
    }
    return { rule: { type: 'tree', tree: freeze(only.value) }, deepestChain };
  }
}

function replaceTail(stack: Entry[], count: number, type: StackType, value: Built): void {
  const span = { start: stack[stack.length - count].span.start, end: stack[stack.length - 1].span.end };
  stack.length -= count;
  stack.push({ type, value, span });
}

function built(entry: Entry): Built {
  return entry.value as Built;
}

function startOf(node: Built): number {
  return 'span' in node ? node.span.start : node.start;
}

function endOf(node: Built): number {
  return 'span' in node ? node.span.end : node.end;
}

function junction(type: 'and' | 'or', operands: Built[]): Junction {
  return { type, operands, start: startOf(operands[0]), end: endOf(operands[operands.length - 1]) };
}

function isJunction(node: Built, type: 'and' | 'or'): node is Junction {
  return node.type === type && !('span' in node);
}

/** The reducers in oslo.policy's order; after each reduction the search starts again. Returns the count. */
function reduce(stack: Entry[]): number {
  for (let count = 0; ; count++) {
    const n = stack.length;
    // The types of the last three entries (the longest reduction is three long).
    const c = n >= 1 ? stack[n - 1].type : '';
    const b = n >= 2 ? stack[n - 2].type : '';
    const a = n >= 3 ? stack[n - 3].type : '';
    if (a === '(' && c === ')' && (b === 'check' || b === 'and_expr' || b === 'or_expr')) {
      replaceTail(stack, 3, 'check', built(stack[n - 2]));
    } else if (a === 'check' && b === 'and' && c === 'check') {
      replaceTail(stack, 3, 'and_expr', junction('and', [built(stack[n - 3]), built(stack[n - 1])]));
    } else if (a === 'or_expr' && b === 'and' && c === 'check') {
      // `A or B and C`: pop B from the Or; if B is an And (even a parenthesised one), extend it.
      const or = built(stack[n - 3]) as Junction;
      const last = or.operands.pop()!;
      const check = built(stack[n - 1]);
      const and = isJunction(last, 'and') ? extend(last, check) : junction('and', [last, check]);
      replaceTail(stack, 3, 'or_expr', extend(or, and));
    } else if (a === 'and_expr' && b === 'and' && c === 'check') {
      replaceTail(stack, 3, 'and_expr', extend(built(stack[n - 3]) as Junction, built(stack[n - 1])));
    } else if ((a === 'check' || a === 'and_expr') && b === 'or' && c === 'check') {
      replaceTail(stack, 3, 'or_expr', junction('or', [built(stack[n - 3]), built(stack[n - 1])]));
    } else if (a === 'or_expr' && b === 'or' && c === 'check') {
      replaceTail(stack, 3, 'or_expr', extend(built(stack[n - 3]) as Junction, built(stack[n - 1])));
    } else if (b === 'not' && c === 'check') {
      const operand = built(stack[n - 1]);
      const start = stack[n - 2].span.start;
      const node: Built = { type: 'not', span: { start, end: endOf(operand) }, operand: freeze(operand) };
      replaceTail(stack, 2, 'check', node);
    } else {
      return count;
    }
  }
}

function extend(target: Junction, operand: Built): Junction {
  target.operands.push(operand);
  target.end = Math.max(target.end, endOf(operand));
  return target;
}

/**
 * Turns the mutable junctions into immutable nodes once parsing is done. Iterative: a hostile
 * `(a and (a and (...)))` 10,000 deep must not overflow the JavaScript stack.
 */
function freeze(root: Built): CheckNode {
  if ('span' in root) return root;
  const frozen = new Map<Junction, CheckNode>();
  const pending: Junction[] = [root];
  while (pending.length > 0) {
    const node = pending[pending.length - 1];
    const open = node.operands.filter((o): o is Junction => !('span' in o) && !frozen.has(o));
    if (open.length > 0) {
      pending.push(...open);
      continue;
    }
    pending.pop();
    if (frozen.has(node)) continue;
    const operands = node.operands.map((o) => ('span' in o ? o : frozen.get(o)!));
    const span = { start: node.start, end: node.end };
    frozen.set(node, node.type === 'and' ? { type: 'and', span, operands } : { type: 'or', span, operands });
  }
  return frozen.get(root)!;
}
