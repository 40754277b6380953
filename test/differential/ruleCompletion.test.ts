import assert from 'node:assert/strict';
import { analyze, DEFAULT_SETTINGS } from '../../server/src/core/features/analysis';
import { complete } from '../../server/src/core/features/completion';
import { yamlDoubleQuoted } from '../../server/src/core/document/scalarWriting';
import { referenceable } from '../../server/src/core/features/valueEdits';
import { rulesByOslo } from '../support/oracle';

/** Names a file may define that need escapes in some scalar styles, or that no check can reference. */
const NAMES = [
  'a"b',
  'a\\b',
  "it's",
  'x:y',
  'a,b',
  '#c',
  'é😀',
  'bell\x07',
  'a"\\\'b',
  'two words',
  'ends)',
  'tab\tb',
];

type Style = 'double' | 'single' | 'plain' | 'json';

/** A file defining `name`, with `get_image` being typed as `rule:` in `style`; the cursor's offset. */
function typing(name: string, style: Style): { text: string; offset: number; uri: string } {
  const cut = (before: string, after: string) => ({ text: before + after, offset: before.length });
  switch (style) {
    case 'json':
      return { ...cut(`{${JSON.stringify(name)}: "role:x", "get_image": "rule:`, '"}'), uri: 'policy.json' };
    case 'double':
      return { ...cut(`${yamlDoubleQuoted(name)}: "role:x"\nget_image: "rule:`, '"\n'), uri: 'policy.yaml' };
    case 'single':
      return { ...cut(`${yamlDoubleQuoted(name)}: "role:x"\nget_image: 'rule:`, "'\n"), uri: 'policy.yaml' };
    case 'plain':
      return { ...cut(`${yamlDoubleQuoted(name)}: "role:x"\nget_image: rule:`, '\n'), uri: 'policy.yaml' };
  }
}

describe('rule names completed after rule: (against oslo.policy)', function () {
  this.timeout(120_000);

  it('every name offered is read back by oslo.policy as a reference to that rule, in every style', () => {
    const completedTexts: { name: string; style: Style; text: string }[] = [];
    for (const name of NAMES) {
      for (const style of ['double', 'single', 'plain', 'json'] as Style[]) {
        const { text, offset, uri } = typing(name, style);
        const analysis = analyze({
          uri: `file:///etc/nova/${uri}`,
          version: 1,
          text,
          settings: DEFAULT_SETTINGS,
          catalogs: { builtIn: null, custom: [] },
        });
        const item = complete(analysis, offset).find((candidate) => candidate.label === name);
        // Quoted styles with escapes hold any name a check can reference.
        if (referenceable(name) && (style === 'double' || style === 'json'))
          assert.ok(item, `${name} in ${style}`);
        if (!referenceable(name))
          assert.equal(item, undefined, `${JSON.stringify(name)} offered in ${style}`);
        if (!item) continue;
        const edited = text.slice(0, item.range.start) + item.insertText + text.slice(item.range.end);
        completedTexts.push({ name, style, text: edited });
      }
    }
    assert.ok(completedTexts.length >= 25, `only ${completedTexts.length} completions to check`);
    const read = rulesByOslo(completedTexts.map((entry) => entry.text));
    completedTexts.forEach(({ name, style, text }, index) => {
      const result = read[index];
      assert.ok('rules' in result, `${JSON.stringify(text)}: ${'error' in result ? result.error : ''}`);
      const getImage = result.rules.find(([key]) => key[0] === 'str' && key[1] === 'get_image');
      assert.deepEqual(getImage?.[1], ['RuleCheck', 'rule', name], `${style}: ${JSON.stringify(text)}`);
    });
  });
});
