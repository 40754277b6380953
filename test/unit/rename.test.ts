import assert from 'node:assert/strict';
import { applyEdits, prepareRename, renameRule } from '../../server/src/core/features/rename';
import { renameProblemsByOslo, type RenamedText } from '../support/renamedByOslo';
import { documentAt, slice } from './featureHelpers';

/** Renames the rule at the `|` of `source`; the edited text, or throws with the refusal. */
function renamed(
  source: string,
  newName: string,
  uri?: string,
): { before: string; after: string; from: string } {
  const { analysis, offset, text } = documentAt(source, uri ? { uri } : {});
  const answer = renameRule(analysis, offset, newName);
  assert.ok(answer, `no rule at the cursor of ${source}`);
  if (!answer.ok) throw new Error(answer.message);
  const from = prepareRename(analysis, offset);
  assert.ok(from?.ok);
  return { before: text, after: applyEdits(text, answer.edits), from: from.placeholder };
}

function refusal(source: string, newName: string): string {
  const { analysis, offset } = documentAt(source);
  const answer = renameRule(analysis, offset, newName);
  assert.ok(answer && !answer.ok, `renaming to ${JSON.stringify(newName)} was not refused`);
  return answer.message;
}

/** Renames each (source, new name) and has oslo.policy check all the results in one run. */
function assertRenamesKeepMeaning(cases: readonly (readonly [string, string])[]): RenamedText[] {
  const results = cases.map(([source, to]) => {
    const { before, after, from } = renamed(source, to);
    return { label: `${JSON.stringify(source)} -> ${JSON.stringify(to)}`, before, after, from, to };
  });
  assert.deepEqual(renameProblemsByOslo(results), []);
  return results;
}

const YAML =
  'te|am: role:a\nuse_plain: rule:team or not rule:team\nuse_single: \'(rule:team)\'\nuse_double: "rule:team and @"\n';

describe('renaming a rule', function () {
  this.timeout(120_000);

  it('writes names YAML must quote as quoted keys and escapes them in every reference', () => {
    const names = [
      'a:#b',
      "it's",
      'back\\slash"q',
      'x,y',
      '{x}',
      '[x]',
      'x:',
      'a: b'.replace(' ', ':'),
      '-x',
      '?x',
      '&x',
      '*x',
      '!x',
      '|x',
      '>x',
      '%x',
      '@x',
      '`x',
      '#x',
      "'x'",
      '"x"',
      'é😀',
      'x\x01y',
      'x\x7f',
      'x\ufeff',
      'a\\nb',
      'tab\\t',
      '::',
      ':x',
      'x#',
      '\\',
      '"',
    ];
    const results = assertRenamesKeepMeaning(names.map((name) => [YAML, name] as const));
    const keys = results.map((r) => r.after.split('\n')[0].replace(/: role:a$/, ''));
    assert.equal(keys[0], "'a:#b'");
    assert.equal(keys[1], "'it''s'");
    assert.equal(keys[21], "'é😀'");
    assert.equal(keys[22], '"x\\x01y"');
  });

  it('quotes names that YAML 1.1 would read as another type', () => {
    const names = [
      'true',
      'yes',
      'No',
      'on',
      'null',
      '~',
      '123',
      '1.5',
      '0x1F',
      '1:20',
      '2001-01-01',
      '.inf',
      '<<',
      '=',
      '-',
      '0o7',
      '+1',
      '1_000',
    ];
    const results = assertRenamesKeepMeaning(names.map((name) => [YAML, name] as const));
    for (const r of results) assert.match(r.after, /^'/, r.label);
  });

  it('keeps the usual names plain, and a quoted key quoted', () => {
    const [plain] = assertRenamesKeepMeaning([[YAML, 'os_image:team-admin.v2/x']]);
    assert.equal(
      plain.after.split('\n')[0] + plain.after.split('\n')[1],
      'os_image:team-admin.v2/x: role:ause_plain: rule:os_image:team-admin.v2/x or not rule:os_image:team-admin.v2/x',
    );
    const [quoted] = assertRenamesKeepMeaning([['"te|am": role:a\nb: rule:team\n', 'squad']]);
    assert.equal(quoted.after, '"squad": role:a\nb: rule:squad\n');
  });

  it('maps references through escapes, folded lines and block scalars exactly', () => {
    const sources = [
      'te|am: role:a\nb: "rule:\\x74eam or rule:te\\\n    am"\n',
      'te|am: role:a\nb: "not\n  rule:team\n\n  or @"\n',
      "te|am: role:a\nb: 'rule:team\n  or rule:team'\nc: 'it''s or rule:team'\n",
      'te|am: role:a\nb: rule:team\n  or rule:team\n  # comment\nc: x\n',
      'te|am: role:a\nb: |\n  rule:team or\n  (rule:team)\nc: role:c\n',
      'te|am: role:a\nb: |-\n  rule:team\nc: role:c\n',
      'te|am: role:a\nb: |+\n  rule:team\n\nc: role:c\n',
      'te|am: role:a\nb: >\n  rule:team\n    or rule:team\n\n  or rule:team\nc: role:c\n',
      'te|am: role:a\nb: >-\n  rule:team\n',
      'te|am: role:a\nb: |2\n    rule:team\n',
      '{te|am: role:a, b: rule:team, c: [rule:team], d: "rule:team"}\n',
      'te|am: role:a\nb:\n- - rule:team\n  - role:x\n- rule:team\n',
      'te|am: role:a\nb: &x rule:team\nc: *x\n',
      'te|am: role:a\r\nb: rule:team\r\n',
    ];
    const names = ['squad', 'x,y', "it's", 'q"\\', 'é😀', 'x:'];
    assertRenamesKeepMeaning(
      sources.flatMap((source) =>
        names
          // A block scalar has no escapes: only a printable name can go there.
          .map((name) => [source, name] as const),
      ),
    );
  });

  it('refuses a name with characters a block scalar cannot hold, rather than corrupt it', () => {
    assert.match(refusal('te|am: role:a\nb: |\n  rule:team\n', 'x\x01'), /block scalar/);
    // Elsewhere the same name is written with an escape.
    assertRenamesKeepMeaning([['te|am: role:a\nb: rule:team\nc: "rule:team"\n', 'x\x01']]);
  });

  it('escapes names in JSON keys, strings and the old list form', () => {
    const json =
      '{"te|am": "role:a", "b": "rule:team or rule:\\u0074eam", "c": [["rule:team", "role:x"]], "d": ["rule:team"]}';
    const results = assertRenamesKeepMeaning(
      ['squad', 'q"\\', 'x\x01', 'true', '123', 'é😀', "it's", 'x\u2029'.slice(0, 1)].map(
        (n) => [json, n] as const,
      ),
    );
    assert.match(results[1].after, /^\{"q\\"\\\\": "role:a"/);
  });

  it('refuses names that rule: cannot reference, saying why', () => {
    for (const name of [
      'two words',
      'tab\there',
      'nbsp\u00a0x',
      'sep\x1cx',
      'x\u2028y',
      ' lead',
      'trail ',
      'a\nb',
    ])
      assert.match(refusal(YAML, name), /whitespace/, JSON.stringify(name));
    for (const name of ['a(b', 'a)', '(a', 'f(x)']) assert.match(refusal(YAML, name), /parenthes/);
    assert.match(refusal(YAML, ''), /empty/);
    assert.match(refusal(YAML, 'x\ud800'), /Unicode/);
  });

  it('refuses a name that is defined, registered or already referenced', () => {
    assert.match(refusal(YAML + 'squad: role:b\n', 'squad'), /already defined/);
    assert.match(refusal(YAML, 'get_image'), /registered by glance/);
    assert.match(refusal(YAML, 'default'), /registered|default rule/);
    assert.match(refusal(YAML + 'x: rule:ghost\n', 'ghost'), /already used/);
  });

  it('refuses to rename a registered policy or a registered default, saying why', () => {
    const override = 'get_im|age: role:admin\nb: rule:get_image\n';
    assert.match(refusal(override, 'my_get_image'), /enforces it by this name.*drop/);
    const { analysis, offset } = documentAt(override);
    const prepared = prepareRename(analysis, offset);
    assert.ok(prepared && !prepared.ok);
    assert.match(prepared.message, /registered by glance/);
    assert.match(refusal('b: rule:context_is_|admin\n', 'x'), /not a rule of this file/);
  });

  it('renames references to a rule defined nowhere, and to the same name with no edits', () => {
    assertRenamesKeepMeaning([['a: rule:gho|st or rule:ghost\n', 'phantom']]);
    const { analysis, offset } = documentAt(YAML);
    assert.deepEqual(renameRule(analysis, offset, 'team'), { ok: true, edits: [], elsewhere: [] });
  });

  it('offers the name without the key quotes, and nothing off a rule name', () => {
    const { analysis, offset, text } = documentAt('"te|am": role:a\n');
    const prepared = prepareRename(analysis, offset);
    assert.ok(prepared?.ok);
    assert.equal(slice(text, prepared.span), 'team');
    const off = documentAt('team: ro|le:a\n');
    assert.equal(prepareRename(off.analysis, off.offset), null);
    assert.equal(renameRule(off.analysis, off.offset, 'x'), null);
  });
});
