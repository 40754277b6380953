import type { LeafCheckNode } from '../check/checkTypes';
import type { LeafCache } from '../engine/leafCache';
import { strOf } from '../engine/pyStrSafe';
import { pyLower } from '../python/pyText';
import { pyTypeName, type PyValue } from '../python/pyValue';
import { FALSE, junction, type Condition } from './condition';
import { solvePattern, type MatchPattern } from './matchFormat';

/**
 * The condition a `role:` or generic check leaves on the target when its match has `%(key)s`
 * placeholders. oslo.policy formats the match first (a missing key: the check is false), then
 * compares; everything on the credentials' side is read now.
 *
 * `decided` decides the check with an empty target, for matches without placeholders.
 */
export function targetCondition(
  node: LeafCheckNode,
  pattern: MatchPattern,
  creds: PyValue,
  cache: LeafCache,
  decided: () => Condition,
): Condition {
  if (pattern.kind === 'unsupported')
    return pattern.raisesForAnyDict ? decided() : { type: 'unknown', reason: pattern.reason };
  if (pattern.keys.length === 0) return decided();
  const keys = pattern.keys;
  // What happens once the formatting succeeded, when that raises: only then, so keys must be set.
  const raisesOnceFormatted = (exception: string, message: string): Condition => ({
    type: 'and',
    operands: [
      { type: 'present', keys: unique(keys) },
      { type: 'raises', exception, message },
    ],
  });
  const unknownOnceFormatted = (reason: string): Condition => ({
    type: 'and',
    operands: [
      { type: 'present', keys: unique(keys) },
      { type: 'unknown', reason },
    ],
  });
  const match = (subject: string, values: readonly string[], lower: boolean): Condition => {
    // Keep only values some target can produce. For `role:` the formatted text is lower-cased:
    // with ASCII literals that is the literals lower-cased around a lower-case value, exact;
    // other literals (final sigma, dotted I) keep every value rather than guess.
    let reachable: readonly string[] = values;
    if (!lower) reachable = values.filter((value) => solvePattern(pattern, value) !== null);
    else if (pattern.literals.every((literal) => /^[\x00-\x7f]*$/.test(literal))) {
      const lowered = { ...pattern, literals: pattern.literals.map((literal) => literal.toLowerCase()) };
      reachable = values.filter((value) => solvePattern(lowered, value) !== null);
    }
    const distinct = unique(reachable);
    if (distinct.length === 0) return FALSE;
    return { type: 'match', subject, format: node.match, keys: unique(keys), values: distinct, lower };
  };

  if (node.kindClass === 'role') {
    if (creds.t !== 'dict') return unknownOnceFormatted('the credentials are not a dict');
    const roles = creds.map.get('roles');
    if (roles === undefined) return FALSE;
    if (roles.t !== 'list' && roles.t !== 'tuple')
      return unknownOnceFormatted(`the credentials' roles are a ${pyTypeName(roles)}, not a list`);
    const lowered: string[] = [];
    for (const role of roles.items) {
      if (role.t !== 'str')
        return raisesOnceFormatted('AttributeError', `'${pyTypeName(role)}' object has no attribute 'lower'`);
      lowered.push(pyLower(role.v));
    }
    return match('roles', lowered, true);
  }

  const reading = cache.literalOf(node.kind);
  switch (reading.kind) {
    case 'literal':
      return match(node.kind, [reading.text], false);
    case 'raises':
      return raisesOnceFormatted(reading.exception, `evaluating the kind '${node.kind}': ${reading.message}`);
    case 'unpredictable':
      return unknownOnceFormatted(reading.reason);
    case 'path': {
      const walked = walkValues(creds, reading.segments);
      const head = match(node.kind, walked.values, false);
      if (!walked.end) return head;
      const tail =
        walked.end.kind === 'raises'
          ? raisesOnceFormatted('TypeError', walked.end.message)
          : unknownOnceFormatted(walked.end.message);
      // `_find_in_dict` stops at the first matching value; the raise comes only after all the
      // values before it failed to match.
      return junction('or', [head, tail]);
    }
  }
}

interface Walked {
  /** `str()` of every value the path reaches, in the library's search order. */
  readonly values: string[];
  /** What stops the search before its end, if anything. */
  end: { kind: 'raises' | 'unknown'; message: string } | null;
}

/** oslo.policy's `_find_in_dict` search order over the credentials, collecting every leaf. */
function walkValues(creds: PyValue, segments: readonly string[]): Walked {
  const walked: Walked = { values: [], end: null };
  const visit = (value: PyValue, index: number): boolean => {
    if (index === segments.length) {
      const text = strOf(value);
      if (text.ok) {
        walked.values.push(text.text);
        return true;
      }
      walked.end = { kind: text.unpredictable ? 'unknown' : 'raises', message: text.message };
      return false;
    }
    if (value.t !== 'dict') {
      walked.end = { kind: 'raises', message: `'${pyTypeName(value)}' object cannot be indexed by a string` };
      return false;
    }
    const next = value.map.get(segments[index]);
    if (next === undefined) return true;
    if (next.t === 'list') {
      for (const element of next.items) if (!visit(element, index + 1)) return false;
      return true;
    }
    return visit(next, index + 1);
  };
  visit(creds, 0);
  return walked;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
