import assert from 'node:assert/strict';
import { parseCheckString } from '../../server/src/core/check/checkParser';
import { parseDepthByOslo } from '../support/oracle';
import { Random, runSeed } from '../support/random';

/** A check string of and/or/not and parentheses, balanced or not. */
function checkString(random: Random, depth: number): string {
  const roll = random.next();
  if (depth > 0 && roll < 0.45) {
    const parts = Array.from({ length: random.int(2, 4) }, () => checkString(random, depth - 1));
    return `(${parts.join(random.pick([' and ', ' or ']))})`;
  }
  if (depth > 0 && roll < 0.6) return `not ${checkString(random, depth - 1)}`;
  return random.pick(['role:a', '@', '!', 'rule:x', "'s'", 'x']);
}

/** Strings with long runs of reductions set off by one shift: `not not …`, chains, open parentheses. */
function deepCheckString(random: Random): string {
  const inner = checkString(random, 4);
  const count = random.int(3, 300);
  switch (random.int(0, 3)) {
    case 0:
      return `${'not '.repeat(count)}${inner}`;
    case 1:
      return Array.from({ length: count }, () => checkString(random, 1)).join(random.pick([' or ', ' and ']));
    case 2:
      return `${'('.repeat(count)}${inner}${')'.repeat(random.int(0, count))}`;
    default:
      return Array.from({ length: count }, () => random.pick(['not ', '(', 'not ('])).join('') + inner;
  }
}

describe('parse depth, against oslo.policy', function () {
  this.timeout(120_000);

  it('counts the reductions of one shift as oslo.policy recurses on them', () => {
    const seed = runSeed();
    const random = new Random(seed);
    const texts = [
      ...Array.from({ length: 300 }, () => checkString(random, 5)),
      ...Array.from({ length: 300 }, () => deepCheckString(random)),
    ];
    const theirs = parseDepthByOslo(texts);
    texts.forEach((text, index) => {
      // `reduce` is called once per shift before any reduction: one more than the longest chain.
      assert.equal((parseCheckString(text).deepestChain ?? 0) + 1, theirs[index], `seed ${seed}: ${text}`);
    });
  });
});
