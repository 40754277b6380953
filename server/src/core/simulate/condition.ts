import { percentFormat } from '../python/pyFormat';
import { PyUnpredictableError } from '../python/pyRepr';
import { pyLower } from '../python/pyText';
import type { PyValue } from '../python/pyValue';

/**
 * What remains of a rule once everything that does not look at the target is decided: a
 * condition on the target. Junctions keep oslo.policy's left-to-right short-circuit order, so a
 * check that raises (or that this tool will not decide) stays where the library would reach it.
 */
export type Condition =
  | { readonly type: 'true' }
  | { readonly type: 'false' }
  /** `match % target` (lower-cased for `role:`) is one of `values`; a missing key makes it false. */
  | {
      readonly type: 'match';
      /** What the target is compared with, for display: `project_id`, `'public'`, `roles`. */
      readonly subject: string;
      readonly format: string;
      readonly keys: readonly string[];
      readonly values: readonly string[];
      readonly lower: boolean;
    }
  /** Every key is in the target (the formatting before a raising check succeeds). */
  | { readonly type: 'present'; readonly keys: readonly string[] }
  | { readonly type: 'raises'; readonly exception: string; readonly message: string }
  | { readonly type: 'unknown'; readonly reason: string }
  | { readonly type: 'not'; readonly operand: Condition }
  /** A `rule:` hop: a KeyError raised inside makes it false. */
  | { readonly type: 'catch'; readonly operand: Condition }
  | { readonly type: 'and' | 'or'; readonly operands: readonly Condition[] };

export const TRUE: Condition = { type: 'true' };
export const FALSE: Condition = { type: 'false' };

const purity = new WeakMap<Condition, boolean>();

/** True when deciding the condition can neither raise nor be unknown (cached: junctions ask often). */
export function isPure(condition: Condition): boolean {
  if (condition.type === 'true' || condition.type === 'false' || condition.type === 'match') return true;
  let pure = purity.get(condition);
  if (pure === undefined) {
    pure = computePurity(condition);
    purity.set(condition, pure);
  }
  return pure;
}

function computePurity(condition: Condition): boolean {
  switch (condition.type) {
    case 'raises':
    case 'unknown':
      return false;
    case 'not':
    case 'catch':
      return isPure(condition.operand);
    case 'and':
    case 'or':
      return condition.operands.every(isPure);
    default:
      return true;
  }
}

export function negate(condition: Condition): Condition {
  if (condition.type === 'true') return FALSE;
  if (condition.type === 'false') return TRUE;
  if (condition.type === 'not') return condition.operand;
  return { type: 'not', operand: condition };
}

/**
 * An and/or of operands in evaluation order (the caller already stopped at a decided operand
 * that ends the junction). Decided operands are pure, so dropping a neutral one or ending on an
 * absorbing one changes nothing, except after an operand that may raise: that one is kept.
 */
export function junction(type: 'and' | 'or', operands: readonly Condition[]): Condition {
  const absorbing = type === 'and' ? 'false' : 'true';
  const neutral = type === 'and' ? 'true' : 'false';
  const kept: Condition[] = [];
  // A comparison already made decides the same way again (`x or x` is `x`): keep the first.
  const seen = new Set<string>();
  const keep = (operand: Condition): void => {
    if (operand.type === 'match' || operand.type === 'present') {
      const key =
        operand.type === 'match'
          ? `m\u0000${operand.format}\u0000${operand.lower}\u0000${operand.subject}\u0000${operand.values.join('\u0000')}`
          : `p\u0000${operand.keys.join('\u0000')}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    kept.push(operand);
  };
  for (const operand of operands) {
    if (operand.type === neutral) continue;
    if (operand.type === absorbing) {
      if (kept.every(isPure)) return operand;
      kept.push(operand);
      break;
    }
    if (operand.type === type) for (const inner of operand.operands) keep(inner);
    else keep(operand);
  }
  if (kept.length === 0) return type === 'and' ? TRUE : FALSE;
  return kept.length === 1 ? kept[0] : { type, operands: kept };
}

/**
 * A `rule:` hop swallows a KeyError raised anywhere inside the referenced rule: the hop is then
 * false. A bare KeyError becomes false; one deeper in the tree is kept under a `catch` node.
 */
export function swallowKeyError(condition: Condition): Condition {
  if (condition.type === 'raises' && condition.exception === 'KeyError') return FALSE;
  return hasKeyError(condition) ? { type: 'catch', operand: condition } : condition;
}

function hasKeyError(condition: Condition): boolean {
  switch (condition.type) {
    case 'raises':
      return condition.exception === 'KeyError';
    case 'not':
    case 'catch':
      return hasKeyError(condition.operand);
    case 'and':
    case 'or':
      return condition.operands.some(hasKeyError);
    default:
      return false;
  }
}

export type ConditionValue =
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'raises'; readonly exception: string; readonly message: string }
  | { readonly kind: 'unknown'; readonly reason: string };

const YES: ConditionValue = { kind: 'bool', value: true };
const NO: ConditionValue = { kind: 'bool', value: false };

/** The condition decided for a concrete target, as oslo.policy would decide the original rule. */
export function evaluateCondition(condition: Condition, target: PyValue): ConditionValue {
  switch (condition.type) {
    case 'true':
      return YES;
    case 'false':
      return NO;
    case 'raises':
      return { kind: 'raises', exception: condition.exception, message: condition.message };
    case 'unknown':
      return { kind: 'unknown', reason: condition.reason };
    case 'present':
      return target.t === 'dict' && condition.keys.every((key) => target.map.has(key)) ? YES : NO;
    case 'match': {
      let formatted;
      try {
        formatted = percentFormat(condition.format, target);
      } catch (error) {
        if (error instanceof PyUnpredictableError) return { kind: 'unknown', reason: error.message };
        throw error;
      }
      if (!formatted.ok)
        return formatted.exception === 'KeyError'
          ? NO
          : { kind: 'raises', exception: formatted.exception, message: formatted.message };
      const text = condition.lower ? pyLower(formatted.text) : formatted.text;
      return condition.values.includes(text) ? YES : NO;
    }
    case 'not': {
      const inner = evaluateCondition(condition.operand, target);
      return inner.kind === 'bool' ? (inner.value ? NO : YES) : inner;
    }
    case 'catch': {
      const inner = evaluateCondition(condition.operand, target);
      return inner.kind === 'raises' && inner.exception === 'KeyError' ? NO : inner;
    }
    case 'and':
    case 'or': {
      const stopOn = condition.type === 'or';
      for (const operand of condition.operands) {
        const value = evaluateCondition(operand, target);
        if (value.kind !== 'bool' || value.value === stopOn) return value;
      }
      return stopOn ? NO : YES;
    }
  }
}

/** The target keys a condition reads, in order of first appearance. */
export function conditionKeys(condition: Condition, into: string[] = []): string[] {
  switch (condition.type) {
    case 'match':
    case 'present':
      for (const key of condition.keys) if (!into.includes(key)) into.push(key);
      break;
    case 'not':
    case 'catch':
      conditionKeys(condition.operand, into);
      break;
    case 'and':
    case 'or':
      for (const operand of condition.operands) conditionKeys(operand, into);
      break;
    default:
      break;
  }
  return into;
}

/** The first reason a condition cannot be decided, if any. */
export function firstOf(condition: Condition, type: 'raises' | 'unknown'): Condition | null {
  if (condition.type === type) return condition;
  if (condition.type === 'not' || condition.type === 'catch') return firstOf(condition.operand, type);
  if (condition.type === 'and' || condition.type === 'or') {
    for (const operand of condition.operands) {
      const found = firstOf(operand, type);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Readable form: `project_id == %(owner)s`, `'public' == %(visibility)s`, `%(role)s in roles`,
 * joined with and/or/not.
 */
export function renderCondition(condition: Condition): string {
  switch (condition.type) {
    case 'true':
      return 'always';
    case 'false':
      return 'never';
    case 'match':
      return condition.values.length === 1 && !condition.lower
        ? `${condition.subject} == ${condition.format}`
        : `${condition.format} in ${condition.subject}`;
    case 'present':
      return condition.keys.map((key) => `%(${key})s is set`).join(' and ');
    case 'raises':
      return `raises ${condition.exception}`;
    case 'unknown':
      return `unknown (${condition.reason})`;
    case 'not':
      return `not (${renderCondition(condition.operand)})`;
    case 'catch':
      return renderCondition(condition.operand);
    case 'and':
    case 'or':
      return condition.operands
        .map((o) => (o.type === 'and' || o.type === 'or' ? `(${renderCondition(o)})` : renderCondition(o)))
        .join(` ${condition.type} `);
  }
}
