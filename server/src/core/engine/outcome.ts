import type { CheckNode, Span } from '../check/checkTypes';

/**
 * The result of deciding a check. oslo.policy either returns a boolean or raises; this tool
 * adds `unknown` for what it will not or cannot decide: `http:`/`https:` checks (never
 * performed) and results that depend on the calling service (Python's recursion limit).
 */
export type Outcome = BoolOutcome | RaisesOutcome | UnknownOutcome;

export interface BoolOutcome {
  readonly kind: 'bool';
  readonly value: boolean;
}

export interface RaisesOutcome {
  readonly kind: 'raises';
  /** The Python exception class oslo.policy would raise (`TypeError`, `SyntaxError`, ...). */
  readonly exception: string;
  readonly message: string;
  readonly at?: Span;
}

export interface UnknownOutcome {
  readonly kind: 'unknown';
  readonly reason: string;
  readonly at?: Span;
}

export const TRUE: BoolOutcome = { kind: 'bool', value: true };
export const FALSE: BoolOutcome = { kind: 'bool', value: false };

export function boolOutcome(value: boolean): BoolOutcome {
  return value ? TRUE : FALSE;
}

export function raises(exception: string, message: string, at?: Span): RaisesOutcome {
  return { kind: 'raises', exception, message, at };
}

export function unknown(reason: string, at?: Span): UnknownOutcome {
  return { kind: 'unknown', reason, at };
}

/** One evaluated sub-check and why it came out as it did, for the editor's "why" view. */
export interface TraceNode {
  readonly node: CheckNode | null;
  /** For a `rule:` hop: the rule that was evaluated (the default rule when it stood in). */
  readonly rule?: string;
  readonly outcome: Outcome;
  readonly detail: string;
  readonly children: readonly TraceNode[];
}

export interface Decision {
  readonly outcome: Outcome;
  readonly trace: TraceNode | null;
}

export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'bool':
      return outcome.value ? 'true' : 'false';
    case 'raises':
      return `raises ${outcome.exception}: ${outcome.message}`;
    case 'unknown':
      return `unknown: ${outcome.reason}`;
  }
}
