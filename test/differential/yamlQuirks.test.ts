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
  { name: 'a %YAML 1.1 directive', text: '%YAML 1.1\n---\na: "@"\n', names: ['a'] },
  { name: 'a %YAML 1.3 directive', text: '%YAML 1.3\n---\na: "@"\n', names: ['a'] },
  { name: 'a %YAML 2.0 directive', text: '%YAML 2.0\n---\na: "@"\n' },
  { name: 'a %YAML 0.9 directive', text: '%YAML 0.9\n---\na: "@"\n' },
  { name: 'two %YAML directives', text: '%YAML 1.1\n%YAML 1.1\n---\na: "@"\n' },
  { name: 'a directive with a comment', text: '%YAML 1.1 # c\n\n---\na: "@"\n', names: ['a'] },
  { name: 'an unknown directive', text: '%FOO bar baz\n---\na: "@"\n', names: ['a'] },
  { name: 'a directive and no ---', text: '%YAML 1.1\na: "@"\n' },
  { name: 'a %TAG directive', text: '%TAG !e! tag:example.com,2000:\n---\na: "@"\n', certain: false },
  { name: 'a colon with no key', text: ': "role:x"\nb: "@"\n' },
  { name: 'a colon with no key after an entry', text: 'a: "@"\n: "role:x"\n' },
  { name: 'a colon with no key in a flow mapping', text: '{a: "@", : "role:x"}\n' },
  { name: 'a colon with no key in a value', text: 'a:\n  : x\n' },
  { name: 'a colon in a block scalar', text: 'a: |\n  : x\nb: "@"\n', names: ['a', 'b'] },
  { name: 'an explicit empty key', text: '? \n: "@"\n', certain: false },
  {
    name: 'a double-quoted value continued at column 0',
    text: 'a: "role:x\nor role:y"\nb: "@"\n',
    certain: false,
  },
  {
    name: 'a single-quoted value continued at column 0',
    text: "a: 'role:x\n\nor role:y'\nb: 1\n",
    certain: false,
  },
  { name: 'a quoted value cut by a document end', text: 'a: "x\n...\ny"\n' },
  { name: 'a quoted value never closed', text: 'a: "x\ny\n' },
  {
    name: 'a quoted value continued, indented',
    text: 'a: "role:x\n  or role:y"\nb: "@"\n',
    names: ['a', 'b'],
  },
  { name: 'a BOM at the start of a later line', text: 'a: "@"\n\uFEFFb: "@"\n', certain: false },
  { name: 'two BOMs at the start', text: '\uFEFF\uFEFFa: "@"\n', certain: false },
  { name: 'a BOM at the start', text: '\uFEFFa: "@"\n', names: ['a'] },
  { name: 'a BOM inside a value', text: 'a: "@\uFEFF"\nb: x\uFEFF\n', names: ['a', 'b'] },
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
