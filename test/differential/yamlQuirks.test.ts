import * as assert from 'node:assert/strict';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import { runOracle } from '../support/oracle';

/**
 * YAML that PyYAML composes differently from the `yaml` package: anchors and aliases, merge
 * keys, `=` keys, long keys, line breaks. Each text's load verdict against oslo.policy's; `certain: false` marks what
 * the reading reports as not modelled (oslo.policy may then do either).
 */
const CASES: readonly { name: string; text: string; certain?: false; names?: readonly string[] }[] = [
  { name: 'an alias to no anchor', text: 'a: *x\n' },
  { name: 'an alias before its anchor', text: 'a: *x\nb: &x "role:y"\n' },
  { name: 'an anchor defined twice', text: 'a: &x "role:y"\nb: &x "role:nope"\nc: *x\n' },
  { name: 'an anchor defined twice, never used', text: 'a: &x "role:y"\nb: &x "role:z"\n' },
  { name: 'an alias after its anchor', text: 'a: &x "role:y"\nc: *x\n', names: ['a', 'c'] },
  { name: 'an alias as a key', text: 'x: &k a\n*k : "role:x"\n', names: ['x', 'a'] },
  { name: 'a plain = key', text: '=: "role:x"\nb: "rule:="\n', names: ['=', 'b'] },
  { name: 'a plain = key in a multi-line piece', text: '=:\n  "role:x"\nb: "rule:="\n', names: ['=', 'b'] },
  { name: 'a plain = value', text: 'a: =\n' },
  { name: 'a plain key of 1024 characters', text: `${'k'.repeat(1024)}: "role:x"\nb: "@"\n` },
  { name: 'a plain key of 1025 characters', text: `${'k'.repeat(1025)}: "role:x"\nb: "@"\n` },
  { name: 'a quoted key of 1022 characters', text: `"${'k'.repeat(1022)}": "role:x"\nb: "@"\n` },
  { name: 'a quoted key of 1023 characters', text: `"${'k'.repeat(1023)}": "role:x"\nb: "@"\n` },
  { name: 'a long key in a multi-line piece', text: `b: "@"\n${'k'.repeat(1030)}:\n  "role:x"\n` },
  { name: 'a key whose colon is 1025 characters on', text: `${'k'.repeat(1022)}   : "role:x"\n` },
  { name: 'lines ended by CR alone', text: 'foo: "role:x or rule:bar"\rbar: "@"\r', names: ['foo', 'bar'] },
  { name: 'a block scalar with CR alone', text: 'foo: |\r  role:x\rbar: "@"\r', names: ['foo', 'bar'] },
  { name: 'a merge key with a scalar', text: '<<: "x"\nb: "@"\n' },
  {
    name: 'a merge key with a mapping',
    text: 'base: &b {a: "role:x"}\n<<: *b\nb: "role:y"\n',
    certain: false,
  },
];

describe('YAML composition quirks against oslo.policy', function () {
  this.timeout(120_000);

  it('loads or fails as oslo.policy does', () => {
    const oracle = runOracle(CASES.map(({ text }) => ({ files: { 'policy.yaml': text }, cases: [] })));
    const wrong: string[] = [];
    CASES.forEach(({ name, text, certain, names }, index) => {
      const document = readPolicyDocument(text);
      const ours = document.load.kind;
      const theirs = oracle[index].load_error;
      if (certain === false) {
        if (ours !== 'unpredictable')
          wrong.push(`${name}: expected a reading marked not modelled, got ${ours}`);
        return;
      }
      if ((ours === 'raises') !== (theirs !== null) || ours === 'unpredictable')
        wrong.push(`${name}: ours ${JSON.stringify(document.load)}, oslo.policy ${theirs}`);
      if (names) {
        const read = document.entries.map((entry) => entry.name);
        if (JSON.stringify(read) !== JSON.stringify(names))
          wrong.push(`${name}: names ${JSON.stringify(read)}`);
      }
    });
    assert.deepEqual(wrong, []);
  });
});
