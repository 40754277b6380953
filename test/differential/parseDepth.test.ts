import assert from 'node:assert/strict';
import { parseCheckString } from '../../server/src/core/check/checkParser';
import { tokenizeCheckString } from '../../server/src/core/check/checkTokenizer';
import { checkString } from '../support/generate';
import { parseDepthByOslo } from '../support/oracle';
import { Random, runSeed } from '../support/random';

/** Strings with long runs of reductions set off by one shift: `not not …`, chains, open parentheses. */
function deepCheckString(random: Random): string {
  const inner = checkString(random);
  const count = random.int(3, 300);
  switch (random.int(0, 3)) {
    case 0:
      return `${'not '.repeat(count)}${inner}`;
    case 1:
      return Array.from({ length: count }, () => checkString(random)).join(random.pick([' or ', ' and ']));
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
      ...Array.from({ length: 300 }, () => checkString(random)),
      ...Array.from({ length: 300 }, () => deepCheckString(random)),
    ];
    const theirs = parseDepthByOslo(texts);
    texts.forEach((text, index) => {
      // `reduce` is called once per shift before any reduction: one more than the longest chain
      // (and never for a string with no token, such as '' or whitespace).
      const parsed = parseCheckString(text);
      const ours = tokenizeCheckString(text).tokens.length === 0 ? 0 : (parsed.deepestChain ?? 0) + 1;
      assert.equal(ours, theirs[index], `seed ${seed}: ${text}`);
    });
  });
});
