import { kindSpanOf, matchSpanOf, type LeafCheckNode } from '../check/checkTypes';
import { percentFormat } from '../python/pyFormat';
import { pyLower } from '../python/pyText';
import { pyTypeName, type PyValue } from '../python/pyValue';
import type { LeafCache } from './leafCache';
import { FALSE, boolOutcome, raises, unknown, type Outcome } from './outcome';
import { describePy, strOf } from './pyStrSafe';

export interface LeafDecision {
  readonly outcome: Outcome;
  /** Built only when a trace is wanted. */
  readonly detail: () => string;
}

type Formatted =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly decision: LeafDecision };

/**
 * `self.match % target`: a missing key makes the check false; any other formatting error
 * (`role:100%`, `%(x)d` with a string) propagates and the enforcement raises.
 */
function formatMatch(node: LeafCheckNode, target: PyValue): Formatted {
  if (node.match.indexOf('%') < 0 && target.t === 'dict') return { ok: true, text: node.match };
  const result = percentFormat(node.match, target);
  if (result.ok) return { ok: true, text: result.text };
  if (result.exception === 'KeyError') {
    return {
      ok: false,
      decision: { outcome: FALSE, detail: () => `the target has no ${result.message}: the check is false` },
    };
  }
  return {
    ok: false,
    decision: {
      outcome: raises(
        result.exception,
        `formatting '${node.match}' with the target: ${result.message}`,
        matchSpanOf(node),
      ),
      detail: () => `formatting '${node.match}' raises ${result.exception}`,
    },
  };
}

/** oslo.policy's RoleCheck: the formatted match, lower-cased, among the lower-cased `creds['roles']`. */
export function decideRole(node: LeafCheckNode, creds: PyValue, target: PyValue): LeafDecision {
  const formatted = formatMatch(node, target);
  if (!formatted.ok) return formatted.decision;
  const wanted = pyLower(formatted.text);
  if (creds.t !== 'dict') return typeErrorOnCreds(creds);
  const roles = creds.map.get('roles');
  if (roles === undefined) {
    return { outcome: FALSE, detail: () => `the credentials have no 'roles'` };
  }
  const items = iterate(roles);
  if (!items.ok)
    return { outcome: raises('TypeError', items.message, node.span), detail: () => items.message };
  // The list comprehension lower-cases every role before the membership test, so one
  // non-string role raises even when another role matches.
  const lowered: string[] = [];
  for (const item of items.values) {
    if (item.t !== 'str') {
      const message = `'${pyTypeName(item)}' object has no attribute 'lower'`;
      return { outcome: raises('AttributeError', message, node.span), detail: () => message };
    }
    lowered.push(pyLower(item.v));
  }
  const held = lowered.includes(wanted);
  return {
    outcome: boolOutcome(held),
    detail: () =>
      held
        ? `role '${formatted.text}' is among the roles [${lowered.join(', ')}]`
        : `role '${formatted.text}' is not among the roles [${lowered.join(', ')}]`,
  };
}

type Iterated = { ok: true; values: readonly PyValue[] } | { ok: false; message: string };

/** Python's `for x in value`. */
function iterate(value: PyValue): Iterated {
  switch (value.t) {
    case 'list':
    case 'tuple':
    case 'set':
      return { ok: true, values: value.items };
    case 'dict':
      return { ok: true, values: [...value.map.keys()].map((key) => ({ t: 'str', v: key })) };
    case 'str':
      return { ok: true, values: Array.from(value.v, (char) => ({ t: 'str', v: char })) };
    default:
      return { ok: false, message: `'${pyTypeName(value)}' object is not iterable` };
  }
}

function typeErrorOnCreds(creds: PyValue): LeafDecision {
  const message = `credentials must be a dict, got ${pyTypeName(creds)}`;
  return { outcome: raises('TypeError', message), detail: () => message };
}

/**
 * oslo.policy's GenericCheck: format the match; if the kind is a Python literal
 * (`'public'`, `True`, `0x10`) compare with `str(literal)`; otherwise walk the dotted
 * credential path, searching lists element by element, and compare with `str(value)`.
 */
export function decideGeneric(
  node: LeafCheckNode,
  creds: PyValue,
  target: PyValue,
  cache: LeafCache,
): LeafDecision {
  const formatted = formatMatch(node, target);
  if (!formatted.ok) return formatted.decision;
  const match = formatted.text;
  const literal = cache.literalOf(node.kind);
  switch (literal.kind) {
    case 'literal': {
      const held = match === literal.text;
      return {
        outcome: boolOutcome(held),
        detail: () => `the literal ${node.kind} renders as '${literal.text}', ${held ? '=' : '≠'} '${match}'`,
      };
    }
    case 'raises':
      return {
        outcome: raises(
          literal.exception,
          `evaluating the kind '${node.kind}': ${literal.message}`,
          kindSpanOf(node),
        ),
        detail: () => `the kind '${node.kind}' raises ${literal.exception} in ast.literal_eval`,
      };
    case 'unpredictable':
      return { outcome: unknown(literal.reason, kindSpanOf(node)), detail: () => literal.reason };
    case 'path':
      return findInCreds(node, creds, literal.segments, match);
  }
}

/** `_find_in_dict`, iteratively over the path with recursion only into lists. */
function findInCreds(
  node: LeafCheckNode,
  creds: PyValue,
  segments: readonly string[],
  match: string,
): LeafDecision {
  const found = walk(creds, segments, 0, match);
  if (found.kind === 'raises') {
    return { outcome: raises('TypeError', found.message, kindSpanOf(node)), detail: () => found.message };
  }
  if (found.kind === 'unknown')
    return { outcome: unknown(found.reason, kindSpanOf(node)), detail: () => found.reason };
  const path = segments.join('.');
  return {
    outcome: boolOutcome(found.value),
    detail: () =>
      found.value
        ? `credential ${path} renders as '${match}'`
        : found.seen === undefined
          ? `the credentials have no ${path}`
          : `credential ${path} is ${found.seen}, not '${match}'`,
  };
}

type Walked =
  | { kind: 'bool'; value: boolean; seen?: string }
  | { kind: 'raises'; message: string }
  | { kind: 'unknown'; reason: string };

function walk(value: PyValue, segments: readonly string[], index: number, match: string): Walked {
  if (index === segments.length) {
    const text = strOf(value);
    if (!text.ok)
      return text.unpredictable
        ? { kind: 'unknown', reason: text.message }
        : { kind: 'raises', message: text.message };
    return { kind: 'bool', value: text.text === match, seen: describePy(value) };
  }
  const key = segments[index];
  if (value.t !== 'dict') {
    return { kind: 'raises', message: subscriptError(value) };
  }
  const next = value.map.get(key);
  if (next === undefined) return { kind: 'bool', value: false };
  if (next.t === 'list') {
    let seen: string | undefined;
    for (const element of next.items) {
      const result = walk(element, segments, index + 1, match);
      if (result.kind !== 'bool' || result.value) return result;
      seen ??= result.seen;
    }
    return { kind: 'bool', value: false, seen: seen ?? describePy(next) };
  }
  return walk(next, segments, index + 1, match);
}

/** The TypeError of `value[key]` with a string key on a non-dict, worded as Python 3.11 words it. */
function subscriptError(value: PyValue): string {
  switch (value.t) {
    case 'list':
    case 'tuple':
      return `${value.t} indices must be integers or slices, not str`;
    case 'str':
      return "string indices must be integers, not 'str'";
    case 'bytes':
      return 'byte indices must be integers or slices, not str';
    default:
      return `'${pyTypeName(value)}' object is not subscriptable`;
  }
}
