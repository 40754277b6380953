/**
 * The check-string language of oslo.policy, as trees with source offsets.
 *
 * Offsets are document offsets (UTF-16 code units): the parser is given a mapping from
 * positions in the check string to positions in the document, because a YAML or JSON
 * scalar's value is not always a verbatim slice of the text (escapes, folded lines).
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** How oslo.policy dispatches a `kind:match` check. Kinds are case-sensitive. */
export type CheckKindClass = 'rule' | 'role' | 'http' | 'https' | 'generic';

export type CheckNode = AlwaysNode | NeverNode | LeafCheckNode | NotNode | AndNode | OrNode;

/** oslo.policy's TrueCheck: `@`, an empty string, or an empty list. */
export interface AlwaysNode {
  readonly type: 'always';
  readonly span: Span;
}

/**
 * oslo.policy's FalseCheck: `!`, a check token without a colon (the library logs an error and
 * fails closed), or a whole rule that failed to parse.
 */
export interface NeverNode {
  readonly type: 'never';
  readonly span: Span;
  readonly cause: 'bang' | 'no-colon' | 'parse-failure' | 'not-a-string' | 'empty-list';
  /** For `no-colon` and `not-a-string`: the token text oslo.policy could not understand. */
  readonly text?: string;
}

export interface LeafCheckNode {
  readonly type: 'check';
  readonly span: Span;
  readonly kind: string;
  readonly match: string;
  readonly kindClass: CheckKindClass;
  /**
   * Where the kind ends (the colon) and the match starts, as offsets: numbers, not spans (see
   * `kindSpanOf` and `matchSpanOf`), two objects fewer for each check of a file's first reading.
   */
  readonly kindEnd: number;
  readonly matchStart: number;
}

export interface NotNode {
  readonly type: 'not';
  readonly span: Span;
  readonly operand: CheckNode;
}

export interface AndNode {
  readonly type: 'and';
  readonly span: Span;
  readonly operands: readonly CheckNode[];
}

export interface OrNode {
  readonly type: 'or';
  readonly span: Span;
  readonly operands: readonly CheckNode[];
}

/**
 * What oslo.policy stores for a rule. Usually a check tree; but a check string made of one
 * lone quoted token or operator (`'x'`, `not`, `(`) parses to a plain Python string, and
 * enforcing such a rule raises.
 */
export type EnforcedRule =
  | { readonly type: 'tree'; readonly tree: CheckNode }
  | { readonly type: 'plain-string'; readonly value: string; readonly span: Span };

export type TokenType = '(' | ')' | 'and' | 'or' | 'not' | 'string' | 'check';

export interface CheckToken {
  readonly type: TokenType;
  readonly span: Span;
  /** The token's text as oslo.policy sees it (for strings: without the quotes). */
  readonly text: string;
  /** For check tokens: the parsed check. */
  readonly check?: CheckNode;
}

export type CheckProblemCode =
  | 'parse-failure'
  | 'no-colon'
  | 'plain-string-rule'
  | 'paren-inside-token'
  | 'whitespace-only'
  | 'not-a-string';

export interface CheckProblem {
  readonly code: CheckProblemCode;
  readonly span: Span;
  readonly message: string;
}

export interface ParsedRule {
  /** What oslo.policy will enforce. */
  readonly enforced: EnforcedRule;
  /** The best tree for the editor: the enforced one, or a tolerant parse when oslo.policy failed. */
  readonly display: CheckNode | null;
  // No tokens: kept for every rule of a file they were 4.7 MB of a 10,000-rule file's 17 MB
  // analysis, copied by every young-generation collection of its first reading; the few
  // features that need them tokenize the value again (`punctuationTokens`).
  readonly problems: readonly CheckProblem[];
  /** True when oslo.policy fails to understand the rule and denies it as a whole. */
  readonly failed: boolean;
  /** oslo.policy's deepest `reduce` recursion while parsing (0 for the list form). */
  readonly deepestChain?: number;
}

/** The kind of a check, `role` of `role:admin`. */
export function kindSpanOf(leaf: LeafCheckNode): Span {
  return { start: leaf.span.start, end: leaf.kindEnd };
}

/** The match of a check, `admin` of `role:admin`. */
export function matchSpanOf(leaf: LeafCheckNode): Span {
  return { start: leaf.matchStart, end: leaf.span.end };
}

export function spanOf(start: number, end: number): Span {
  return { start, end };
}
