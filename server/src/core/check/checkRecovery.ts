import type { CheckNode, CheckProblem, CheckToken, Span } from './checkTypes';

/**
 * A tolerant parser over oslo.policy's tokens (recursive descent, on an explicit stack), used only when the library's
 * own parse fails. oslo.policy then just logs "Failed to understand rule" and denies the whole
 * rule; the editor wants to say exactly where the problem is and still show a tree.
 *
 *   or   := and ('or' and)*
 *   and  := unary ('and' unary)*
 *   unary:= 'not' unary | '(' or ')' | check
 */
export interface Recovered {
  readonly tree: CheckNode | null;
  readonly problems: CheckProblem[];
}

const FAILURE_NOTE = 'oslo.policy cannot parse this rule and will deny it entirely';

export function recoverParse(tokens: readonly CheckToken[], whole: Span): Recovered {
  const parser = new RecoveringParser(tokens, whole);
  const tree = parser.parseAll();
  return { tree, problems: parser.problems };
}

class RecoveringParser {
  readonly problems: CheckProblem[] = [];
  private position = 0;

  constructor(
    private readonly tokens: readonly CheckToken[],
    private readonly whole: Span,
  ) {}

  parseAll(): CheckNode | null {
    if (this.tokens.length === 0) {
      this.report(
        this.whole,
        `The rule holds only whitespace: ${FAILURE_NOTE} (an empty string "" would allow).`,
      );
      return null;
    }
    let tree = this.parseOr();
    while (this.position < this.tokens.length) {
      const token = this.tokens[this.position];
      if (token.type === ')') {
        this.report(token.span, `Unmatched ')': ${FAILURE_NOTE}.`);
        this.position++;
        continue;
      }
      this.report(token.span, `Expected 'and' or 'or' before '${token.text}': ${FAILURE_NOTE}.`);
      const next = this.parseOr();
      tree =
        tree && next
          ? { type: 'and', span: cover(tree.span, next.span), operands: [tree, next] }
          : (tree ?? next);
    }
    return tree;
  }

  private peek(): CheckToken | undefined {
    return this.tokens[this.position];
  }

  /**
   * `or` with an explicit stack instead of recursion: the rules that reach this parser are the
   * broken ones, and 10,000 unclosed parentheses (or nots) overflowed the call stack.
   * Each step does what the grammar's recursive version would do, in the same order, so the
   * problems come out in the same order.
   */
  private parseOr(): CheckNode | null {
    const stack: Frame[] = [junction('or'), junction('and')];
    let value: CheckNode | null = null;
    let descending = true;
    for (;;) {
      if (descending) {
        const started = this.startUnary(stack);
        if (started === 'opened') continue;
        descending = false;
        value = started === 'empty group' ? null : this.unaryLeaf();
      }
      const frame = stack.pop();
      if (!frame) return value;
      switch (frame.kind) {
        case 'not':
          value = value ? { type: 'not', span: cover(frame.token.span, value.span), operand: value } : null;
          break;
        case 'group':
          if (this.peek()?.type === ')') this.position++;
          else if (this.position >= this.tokens.length)
            this.report(frame.open.span, `This '(' is never closed: ${FAILURE_NOTE}.`);
          break;
        case 'junction':
          if (value) frame.operands.push(value);
          else if (frame.operator)
            this.report(
              frame.operator.span,
              `'${frame.operator.text}' needs a check after it: ${FAILURE_NOTE}.`,
            );
          if (this.peek()?.type === frame.type) {
            frame.operator = this.tokens[this.position++];
            stack.push(frame);
            if (frame.type === 'or') stack.push(junction('and'));
            descending = true;
            continue;
          }
          value = joined(frame);
          break;
      }
    }
  }

  /**
   * Opens what the next token starts (`not`, or a group with its `or` and `and`), still to be
   * read; `leaf` when the next token is one for `unaryLeaf`.
   */
  private startUnary(stack: Frame[]): 'opened' | 'empty group' | 'leaf' {
    const token = this.peek();
    if (token?.type === 'not') {
      this.position++;
      stack.push({ kind: 'not', token });
      return 'opened';
    }
    if (token?.type !== '(') return 'leaf';
    this.position++;
    if (this.peek()?.type === ')') {
      const close = this.tokens[this.position++];
      this.report(cover(token.span, close.span), `Empty parentheses: ${FAILURE_NOTE}.`);
      return 'empty group';
    }
    stack.push({ kind: 'group', open: token }, junction('or'), junction('and'));
    return 'opened';
  }

  /** A check, or null with its problem: what stands where a check should start. */
  private unaryLeaf(): CheckNode | null {
    const token = this.peek();
    if (!token) {
      this.report(this.endSpan(), `The rule ends where a check was expected: ${FAILURE_NOTE}.`);
      return null;
    }
    switch (token.type) {
      case 'check':
        this.position++;
        return token.check!;
      case 'string':
        this.position++;
        this.report(
          token.span,
          `A quoted token ('${token.text}') is not a check in oslo.policy's language: ${FAILURE_NOTE}. ` +
            `Quote the kind only, as in 'public':%(visibility)s.`,
        );
        return null;
      default:
        // 'and', 'or' or ')' where a check should start: report, and let the caller go on.
        this.report(token.span, `Expected a check before '${token.text}': ${FAILURE_NOTE}.`);
        return null;
    }
  }

  private endSpan(): Span {
    const last = this.tokens[this.tokens.length - 1];
    return last ? { start: last.span.end, end: last.span.end } : this.whole;
  }

  private report(span: Span, message: string): void {
    this.problems.push({ code: 'parse-failure', span, message });
  }
}

/** What the explicit stack holds: a junction being collected, a `not`, or an open group. */
type Frame =
  | {
      readonly kind: 'junction';
      readonly type: 'and' | 'or';
      readonly operands: CheckNode[];
      operator: CheckToken | null;
    }
  | { readonly kind: 'not'; readonly token: CheckToken }
  | { readonly kind: 'group'; readonly open: CheckToken };

function junction(type: 'and' | 'or'): Frame & { kind: 'junction' } {
  return { kind: 'junction', type, operands: [], operator: null };
}

function joined(frame: Frame & { kind: 'junction' }): CheckNode | null {
  const operands = frame.operands;
  if (operands.length === 0) return null;
  if (operands.length === 1) return operands[0];
  return { type: frame.type, span: cover(operands[0].span, operands[operands.length - 1].span), operands };
}

function cover(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
