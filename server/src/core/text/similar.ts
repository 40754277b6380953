/** Levenshtein distance with an early exit above `limit` (names are short, lists are long). */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidates to `name`, for "did you mean" (at most a third of the name may differ). */
export function closestNames(name: string, candidates: Iterable<string>, count = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored: [string, number][] = [];
  const lower = name.toLowerCase();
  const counts = new Int32Array(BAG_SIZE);
  for (let i = 0; i < lower.length; i++) counts[lower.charCodeAt(i) & (BAG_SIZE - 1)]++;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const other = candidate.toLowerCase();
    if (Math.abs(lower.length - other.length) > limit || bagDistance(counts, lower.length, other) > limit)
      continue;
    const distance = editDistance(lower, other, limit);
    if (distance <= limit) scored.push([candidate, distance]);
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
  return scored.slice(0, count).map(([candidate]) => candidate);
}

/**
 * "Did you mean" for many names against one stable candidate collection (a namespace's
 * registered rules): answers are remembered per collection, so a file of 10,000 unknown names
 * pays for the distances once, not on every keystroke.
 */
export class Suggester {
  private readonly memo = new WeakMap<object, Map<string, string[]>>();

  closest(name: string, candidates: ReadonlyMap<string, unknown>): string[] {
    let known = this.memo.get(candidates);
    if (!known) {
      known = new Map();
      this.memo.set(candidates, known);
    }
    let found = known.get(name);
    if (!found) {
      found = closestNames(name, candidates.keys());
      known.set(name, found);
    }
    return found;
  }
}

const BAG_SIZE = 128;

/**
 * A cheap lower bound of the edit distance (characters one string has and the other lacks),
 * so that "did you mean" over a 100,000-rule file does not run the full Levenshtein table
 * against every candidate. Characters are bucketed (code & 127): merging buckets only lowers
 * the bound, so it stays a lower bound.
 */
function bagDistance(counts: Int32Array, length: number, other: string): number {
  const taken: number[] = [];
  for (let i = 0; i < other.length; i++) {
    const bucket = other.charCodeAt(i) & (BAG_SIZE - 1);
    if (counts[bucket] > 0) {
      counts[bucket]--;
      taken.push(bucket);
    }
  }
  for (const bucket of taken) counts[bucket]++;
  return Math.max(other.length - taken.length, length - taken.length);
}
