import type { CheckNode, CheckProblem, CheckToken, Span } from './checkTypes';

/**
 * A tolerant recursive-descent parser over oslo.policy's tokens, used only when the library's
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

  private parseOr(): CheckNode | null {
    return this.parseJunction('or', () => this.parseAnd());
  }

  private parseAnd(): CheckNode | null {
    return this.parseJunction('and', () => this.parseUnary());
  }

  private parseJunction(type: 'and' | 'or', operand: () => CheckNode | null): CheckNode | null {
    const first = operand();
    const operands: CheckNode[] = first ? [first] : [];
    while (this.peek()?.type === type) {
      const operator = this.tokens[this.position++];
      const next = operand();
      if (next) operands.push(next);
      else this.report(operator.span, `'${operator.text}' needs a check after it: ${FAILURE_NOTE}.`);
    }
    if (operands.length === 0) return null;
    if (operands.length === 1) return operands[0];
    return { type, span: cover(operands[0].span, operands[operands.length - 1].span), operands };
  }

  private parseUnary(): CheckNode | null {
    const token = this.peek();
    if (!token) {
      this.report(this.endSpan(), `The rule ends where a check was expected: ${FAILURE_NOTE}.`);
      return null;
    }
    switch (token.type) {
      case 'not': {
        this.position++;
        const operand = this.parseUnary();
        return operand ? { type: 'not', span: cover(token.span, operand.span), operand } : null;
      }
      case '(':
        return this.parseGroup(token);
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

  private parseGroup(open: CheckToken): CheckNode | null {
    this.position++;
    if (this.peek()?.type === ')') {
      const close = this.tokens[this.position++];
      this.report(cover(open.span, close.span), `Empty parentheses: ${FAILURE_NOTE}.`);
      return null;
    }
    const inner = this.parseOr();
    if (this.peek()?.type === ')') {
      this.position++;
    } else if (this.position >= this.tokens.length) {
      this.report(open.span, `This '(' is never closed: ${FAILURE_NOTE}.`);
    }
    return inner;
  }

  private endSpan(): Span {
    const last = this.tokens[this.tokens.length - 1];
    return last ? { start: last.span.end, end: last.span.end } : this.whole;
  }

  private report(span: Span, message: string): void {
    this.problems.push({ code: 'parse-failure', span, message });
  }
}

function cover(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
