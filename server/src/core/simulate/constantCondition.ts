import { pyLower } from '../python/pyText';
import { pyDict, pyStr, type PyValue } from '../python/pyValue';
import { evaluateCondition, FALSE, TRUE, type Condition } from './condition';

const MAX_ASSIGNMENTS = 4096;

/**
 * A condition whose comparisons contradict (`domain_id == %(d)s and not (None == %(d)s)` when
 * the token's domain_id is None) is not conditional: it is always false. Independent
 * comparisons can always be satisfied or not, so only keys shared by several comparisons can
 * make a condition constant. When every comparison is on a bare `%(key)s`, the outcome depends
 * only on which mentioned value each key holds (any other value behaves alike, and so does a
 * missing key), so trying every combination decides it exactly.
 */
export function constantOrSelf(condition: Condition): Condition {
  const comparisons: Extract<Condition, { type: 'match' | 'present' }>[] = [];
  collect(condition, comparisons);
  if (comparisons.length > 200) return condition;
  const uses = new Map<string, number>();
  for (const comparison of comparisons)
    for (const key of new Set(comparison.keys)) uses.set(key, (uses.get(key) ?? 0) + 1);
  if (![...uses.values()].some((n) => n > 1)) return condition;
  const candidates = new Map<string, Set<string>>();
  for (const comparison of comparisons) {
    if (comparison.type === 'present') continue;
    const bare = /^%\(([^()]*)\)s$/.exec(comparison.format);
    if (!bare) return condition;
    const values = candidates.get(bare[1]) ?? new Set<string>();
    for (const value of comparison.values) {
      // A role value stands for every string it lower-cases from only if it is its own lower case.
      if (comparison.lower && pyLower(value) !== value) return condition;
      values.add(value);
    }
    candidates.set(bare[1], values);
  }
  const keys = [...uses.keys()];
  const choices = keys.map((key) => {
    const values = [...(candidates.get(key) ?? [])];
    // Something no comparison mentions (and no lower-casing reaches), and the key left out.
    let other = '\u0000other';
    while (values.includes(other)) other += '\u0000';
    return [...values, other, null] as (string | null)[];
  });
  if (choices.reduce((n, c) => n * c.length, 1) > MAX_ASSIGNMENTS) return condition;
  let seen: boolean | null = null;
  const assignment: (string | null)[] = [];
  const visit = (index: number): boolean => {
    if (index === keys.length) {
      const entries: [string, PyValue][] = [];
      keys.forEach((key, i) => {
        if (assignment[i] !== null) entries.push([key, pyStr(assignment[i])]);
      });
      const value = evaluateCondition(condition, pyDict(entries));
      if (value.kind !== 'bool') return false;
      if (seen === null) seen = value.value;
      return seen === value.value;
    }
    for (const choice of choices[index]) {
      assignment[index] = choice;
      if (!visit(index + 1)) return false;
    }
    return true;
  };
  if (!visit(0) || seen === null) return condition;
  return seen ? TRUE : FALSE;
}

function collect(condition: Condition, into: Extract<Condition, { type: 'match' | 'present' }>[]): void {
  switch (condition.type) {
    case 'match':
    case 'present':
      into.push(condition);
      break;
    case 'not':
    case 'catch':
      collect(condition.operand, into);
      break;
    case 'and':
    case 'or':
      condition.operands.forEach((operand) => collect(operand, into));
      break;
    default:
      break;
  }
}
