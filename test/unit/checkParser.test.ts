import assert from 'node:assert/strict';
import { parseCheckString, parseEnforcedRule } from '../../server/src/core/check/checkParser';
import {
  classifyKind,
  identityOffsets,
  parseCheckToken,
  punctuationTokens,
  tokenizeCheckString,
} from '../../server/src/core/check/checkTokenizer';
import { checkString } from '../support/generate';
import { Random } from '../support/random';
import { canonicalRuleString, canonicalString } from '../../server/src/core/check/checkPrint';

const canonical = (text: string): string => canonicalRuleString(parseCheckString(text).enforced);

describe('check-string parser (oslo.policy semantics)', () => {
  it('finds the punctuation of a check string as the tokenizer does, checks left out', () => {
    const random = new Random(7);
    const offset = (index: number): number => 100 + 2 * index;
    const texts = [
      ...Array.from({ length: 2000 }, () => checkString(random)),
      "(role:a or 'x') and NOT (rule:b)) ( ''",
      '"a" and\u3000or\u2028(not)',
    ];
    let seen = 0;
    for (const text of texts) {
      const expected = tokenizeCheckString(text, offset).tokens.filter((token) => token.type !== 'check');
      seen += expected.length;
      assert.deepEqual(punctuationTokens(text, offset), expected, text);
    }
    assert.ok(seen > 2000, `only ${seen} tokens compared`);
  });

  it('empty allows, whitespace alone fails closed', () => {
    assert.equal(canonical(''), '@');
    assert.equal(canonical('   '), '!');
    assert.equal(parseCheckString('   ').failed, true);
  });

  it('operators are case-insensitive, kinds are not', () => {
    assert.equal(canonical('role:a AND role:b Or NOT role:c'), '((role:a and role:b) or not role:c)');
    const tree = parseCheckString('Role:admin').enforced;
    assert.equal(tree.type === 'tree' && tree.tree.type === 'check' && tree.tree.kindClass, 'generic');
  });

  it('parentheses count only at the edges of a whitespace-separated piece', () => {
    assert.equal(canonical('(role:a)and(role:b)'), 'role:a)and(role:b');
    assert.equal(canonical('not(role:a)'), '!');
  });

  it('splits at the first colon', () => {
    assert.equal(canonical('rule:a:b'), 'rule:a:b');
    const tree = parseCheckString('rule:a:b').enforced;
    assert.ok(tree.type === 'tree' && tree.tree.type === 'check' && tree.tree.match === 'a:b');
  });

  it('a failed parse denies the whole rule but still gives a tree for the editor', () => {
    const parsed = parseCheckString('role:a and (role:b or');
    assert.equal(canonicalRuleString(parsed.enforced), '!');
    assert.equal(parsed.failed, true);
    assert.ok(parsed.problems.length > 0);
    assert.ok(parsed.display !== null);
  });

  it('a lone quoted token or operator is stored as a plain string', () => {
    for (const text of ["'q'", 'not', '(']) {
      const parsed = parseCheckString(text);
      assert.equal(parsed.enforced.type, 'plain-string', text);
      assert.ok(parsed.problems.some((p) => p.code === 'plain-string-rule'));
    }
  });

  it('greedy reductions merge as oslo.policy does', () => {
    assert.equal(canonical('a:1 or (b:2 and c:3) and d:4'), '(a:1 or (b:2 and c:3 and d:4))');
    assert.equal(canonical('not a:1 and b:2'), '(not a:1 and b:2)');
  });

  it('reports spans in document offsets', () => {
    const parsed = parseCheckString('role:admin or rule:x', (index) => index + 100);
    const tree = parsed.enforced;
    assert.ok(tree.type === 'tree' && tree.tree.type === 'or');
    const second = tree.tree.operands[1];
    assert.deepEqual(second.span, { start: 114, end: 120 });
  });

  it('a failed parse 200,000 groups deep is located without recursion', () => {
    // One ')' short: oslo.policy denies it, and our recovery walks every group.
    const unclosed = `${'('.repeat(200_000)}role:x${')'.repeat(199_999)}`;
    const parsed = parseCheckString(unclosed);
    assert.equal(parsed.failed, true);
    assert.deepEqual(
      parsed.problems.map((p) => [p.span.start, p.message.split(':')[0]]),
      [[0, "This '(' is never closed"]],
    );
    assert.equal(parsed.display !== null && canonicalString(parsed.display), 'role:x');
    const nots = parseCheckString(`${'not '.repeat(100_000)}role:x)`);
    assert.equal(nots.failed, true);
    assert.ok(nots.problems.some((p) => p.message.startsWith("Unmatched ')'")));
    assert.equal(
      nots.display !== null && canonicalString(nots.display).length,
      'not '.repeat(100_000).length + 6,
    );
  });

  it('prints 100,000-deep trees without recursion', () => {
    const deep = `${'not '.repeat(100_000)}@`;
    const parsed = parseCheckString(deep);
    assert.ok(parsed.display !== null);
    assert.equal(canonicalString(parsed.display).length, deep.length);
    assert.ok((parsed.deepestChain ?? 0) >= 100_000);
  });
});

describe('the bulk parser', () => {
  it('enforces exactly what the editor parser says oslo.policy enforces', () => {
    const random = new Random(7);
    for (let round = 0; round < 5000; round++) {
      const text = checkString(random);
      assert.equal(
        canonicalRuleString(parseEnforcedRule(text)),
        canonicalRuleString(parseCheckString(text).enforced),
        text,
      );
    }
  });
});

describe('a check token', () => {
  it('has the kind before its first colon, classified as classifyKind does', () => {
    const random = new Random(13);
    const parts = ['rule', 'role', 'http', 'https', 'r', 'ule', 's', 'Rule', 'ROLE', 'x', ':', '%(a)s'];
    for (let round = 0; round < 5000; round++) {
      const text = Array.from({ length: random.int(1, 4) }, () => random.pick(parts)).join('');
      const check = parseCheckToken(text, 0, identityOffsets);
      const colon = text.indexOf(':');
      if (colon < 0) {
        assert.equal(check.type === 'never' || check.type === 'always', true, text);
        continue;
      }
      assert.equal(check.type, 'check', text);
      if (check.type !== 'check') continue;
      assert.equal(check.kind, text.slice(0, colon), text);
      assert.equal(check.kindClass, classifyKind(text.slice(0, colon)), text);
      assert.equal(check.match, text.slice(colon + 1), text);
    }
  });
});
