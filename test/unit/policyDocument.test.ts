import assert from 'node:assert/strict';
import type { PolicyEntry } from '../../server/src/core/document/documentTypes';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import { YamlPieceCache } from '../../server/src/core/document/yamlDocument';
import { mayHaveStreamQuirk } from '../../server/src/core/document/yamlStreamQuirks';
import { formatRuleSample } from '../../server/src/core/catalog/sampleFormat';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { readLineByCharacter } from '../../server/src/core/document/yamlFastLine';
import { docOffsets } from '../../server/src/core/document/scalarSource';
import { fastEntry, quotedValueEntry, type FastEntry } from '../../server/src/core/document/yamlFastEntry';
import { policyFile } from '../support/generate';
import { Random, runSeed } from '../support/random';

/** Entries as comparable rows, offsets shifted by `shift`. */
function summary(entries: readonly PolicyEntry[], shift: number): unknown[] {
  return entries.map((entry) => [
    entry.name,
    entry.keySpan.start + shift,
    entry.value.kind,
    entry.value.span.start + shift,
    entry.value.span.end + shift,
    entry.value.kind === 'string' ? [entry.value.text, docOffsets(entry.value)(0) + shift] : null,
  ]);
}

describe('policy documents', () => {
  it('reads YAML rules with exact ranges', () => {
    const text = 'a: role:admin\n"b": \'rule:a or role:x\'  # c\nc:\n';
    const doc = readPolicyDocument(text);
    assert.equal(doc.format, 'yaml');
    assert.deepEqual(
      doc.entries.map((e) => e.name),
      ['a', 'b', 'c'],
    );
    const b = doc.entries[1].value;
    assert.ok(b.kind === 'string');
    assert.equal(text.slice(docOffsets(b)(0), docOffsets(b)(6)), 'rule:a');
    assert.equal(doc.entries[2].value.kind, 'other');
    assert.equal(doc.load.kind, 'loads');
  });

  it('reads JSON first, as oslo.policy does', () => {
    const text = '{"a": "role:\\u0061dmin", "a": "@", "b": [["role:x", "role:y"], "rule:a"]}';
    const doc = readPolicyDocument(text);
    assert.equal(doc.format, 'json');
    assert.equal(doc.entries.length, 3);
    const first = doc.entries[0].value;
    assert.ok(first.kind === 'string' && first.text === 'role:admin');
    assert.equal(docOffsets(first)(5), text.indexOf('\\u0061'));
    assert.equal(doc.entries[2].value.kind, 'list');
  });

  it('falls back to YAML for JSON with a BOM or a trailing comma', () => {
    assert.equal(readPolicyDocument('\ufeff{"a": "@"}').format, 'yaml');
    const trailing = readPolicyDocument('{"a": "@",}');
    assert.equal(trailing.format, 'yaml');
    assert.equal(trailing.entries[0].name, 'a');
  });

  it('types plain YAML scalars as PyYAML 1.1 does', () => {
    const doc = readPolicyDocument('a: no\nb: yes\nc: ~\nd: 1.0e5\ne: 0x10\n');
    const kinds = doc.entries.map((e) => (e.value.kind === 'other' ? e.value.value.t : e.value.kind));
    assert.deepEqual(kinds, ['bool', 'bool', 'none', 'string', 'int']);
  });

  it('refuses tabs where PyYAML does, but not in comments or quotes', () => {
    assert.equal(readPolicyDocument('a:\trole:x\n').load.kind, 'raises');
    assert.equal(readPolicyDocument('a: role:x\t\n').load.kind, 'raises');
    assert.equal(readPolicyDocument('a: "role:x\tb" # c\td\n').load.kind, 'loads');
    const doc = readPolicyDocument('a: role:x\nb:\trole:y\n');
    assert.ok(doc.problems.some((p) => p.code === 'yaml-tab' && p.span.start === 'a: role:x\nb:'.length));
  });

  it('keeps a model and precise errors for broken YAML', () => {
    const doc = readPolicyDocument('a: role:x\nb: "unterminated\nc: role:y\n');
    assert.equal(doc.load.kind, 'raises');
    assert.ok(doc.problems.length > 0);
    assert.ok(doc.entries.some((e) => e.name === 'a'));
  });

  it('a top level that is not a mapping raises when truthy', () => {
    assert.equal(readPolicyDocument('just a string\n').load.kind, 'raises');
    assert.equal(readPolicyDocument('[]\n').load.kind, 'loads');
    assert.equal(readPolicyDocument('').load.kind, 'loads');
    assert.equal(readPolicyDocument('- a\n').load.kind, 'raises');
    assert.equal(readPolicyDocument('[1]').load.kind, 'raises');
  });

  it('reads a block sequence after a BOM, its error messages counting lines in the file itself', () => {
    const broken = readPolicyDocument('\uFEFF- a\n- b: c: d\n');
    const problem = broken.problems.find((p) => p.code === 'yaml-syntax');
    assert.ok(problem);
    assert.deepEqual(problem.span, { start: 10, end: 11 });
    assert.match(problem.message, / at line 2, column 6\b/);
    assert.equal(readPolicyDocument('\uFEFF- a\n').problems[0]?.code, 'not-a-mapping');
  });

  it('re-checks the start of the stream after an edit further down', () => {
    const cache = new YamlPieceCache();
    assert.equal(readPolicyDocument('# c\na: b\n', cache).load.kind, 'loads');
    // A directive after the comment, and no `---`: PyYAML wants the document it announces.
    assert.equal(readPolicyDocument('# c\n%YAML 1.1\na: b\n', cache).load.kind, 'raises');
    assert.equal(readPolicyDocument('# c\na: b\n', cache).load.kind, 'loads');
    assert.equal(readPolicyDocument('# c\n...\na: b\n', cache).load.kind, 'raises');
    assert.equal(readPolicyDocument('>\n# c\n', cache).load.kind, 'loads');
    // A line at column 0 after a block scalar that is the whole document.
    const unindented = readPolicyDocument('>\n# c\na: b\n', cache);
    assert.equal(unindented.load.kind === 'raises' && unindented.load.span.start, 6);
  });

  it('refuses characters PyYAML refuses', () => {
    assert.equal(readPolicyDocument('a: role:x\u0001\n').load.kind, 'raises');
  });

  it('reads pieces exactly as the whole document', () => {
    const random = new Random(42);
    for (let round = 0; round < 300; round++) {
      const { text } = policyFile(random, 'yaml');
      const pieces = readPolicyDocument(text, new YamlPieceCache());
      // A leading `---` forces the whole-document reading of the same text, 4 characters later.
      const whole = readPolicyDocument(`---\n${text}`);
      assert.equal(pieces.load.kind, whole.load.kind, text);
      assert.deepEqual(summary(pieces.entries, 4), summary(whole.entries, 0), text);
    }
  });

  it('reads a common line natively exactly as character by character', () => {
    const seed = runSeed();
    const random = new Random(seed);
    // Lines near the common form, with what makes the character reader refuse one or read it
    // otherwise: `::`, a `#` without a blank before it, tabs, escapes, line separators, lone
    // surrogates, long names; plain names PyYAML resolves to other types or refuses.
    const clean = ['a', 'Z', '0', '_', ':', ' ', '.', '/', '-', '%(x)s', '(', ')', 'é'];
    const tricky = ['  ', '#', '"', "'", '\\', '\t', '\u2028', '\ud800', '\ud83d\ude00', '[', '{', '!', '&'];
    const resolved = ['1', '12', 'true', 'NO', '1_0', '0b2', '3.', '1e3', '1:20', '2001-01-01', '2001-13-45'];
    const part = (length: number): string =>
      Array.from({ length: random.int(0, length) }, () =>
        random.pick(random.chance(0.9) ? clean : tricky),
      ).join('');
    const name = (): string =>
      random.chance(0.05)
        ? 'n'.repeat(random.int(995, 1005))
        : random.chance(0.1)
          ? random.pick(resolved)
          : random.chance(0.5)
            ? `"${part(4)}"`
            : `a${part(2)}`;
    const comparable = (read: FastEntry | null, text: string): unknown => {
      if (!read) return read;
      const value = read.entry.value;
      return {
        ...read,
        entry: {
          ...read.entry,
          value:
            value.kind === 'string'
              ? { ...value, fromStart: [0, 1, value.text.length].map(value.fromStart) }
              : value,
        },
        text,
      };
    };
    let native = 0;
    let failing = 0;
    for (let round = 0; round < 20000; round++) {
      const prefix = part(3);
      const separator = random.chance(0.8) ? random.pick([': ', ':  ']) : random.pick([':', ' :', '::']);
      const value = random.chance(0.8) ? `"${part(6)}"` : part(4);
      const after = random.chance(0.7) ? ' '.repeat(random.int(0, 2)) : part(2);
      const line = `${name()}${separator}${value}${after}${random.chance(0.3) ? `${random.pick([' #', '#', '  #'])}${part(3)}` : ''}`;
      const text = `${prefix}\n${line}\n${part(3)}`;
      const start = prefix.length + 1;
      const end = start + line.length;
      const read = quotedValueEntry(text, start, end);
      if (read === null) continue;
      native++;
      if (read.failure) failing++;
      const byCharacter = readLineByCharacter(text, start, end);
      assert.deepEqual(
        comparable(read, text),
        comparable(byCharacter && fastEntry(byCharacter), text),
        `seed ${seed}: ${JSON.stringify(line)}`,
      );
    }
    // The native reading is taken for a good share of the lines, so the comparison means something.
    assert.ok(native > 2000, `seed ${seed}: only ${native} lines read natively`);
    assert.ok(failing > 10, `seed ${seed}: only ${failing} names PyYAML refuses`);
  });

  it('does not look at the whole text again after each keystroke in a real sample file', () => {
    // Operation comments such as `# GET /v3/roles?domain_id={domain_id}` hold a `{` and a `?`:
    // no flow collection, and no reason to parse 100 KB again on every keystroke.
    const store = openBuiltInCatalog()!;
    const release = store.newestRelease()!;
    const suspects: string[] = [];
    for (const namespace of store.namespaces(release)) {
      const rules = store.get(namespace, release)!.rules;
      for (const commented of [false, true]) {
        const text = rules.map((rule) => formatRuleSample(rule, commented)).join('');
        if (mayHaveStreamQuirk(text)) suspects.push(`${namespace}${commented ? ' (commented out)' : ''}`);
      }
    }
    assert.deepEqual(suspects, []);
    // A `?` in a flow collection is still looked at, over several lines too.
    assert.equal(mayHaveStreamQuirk('a: ["role:x",\n  y?]\n'), true);
    assert.equal(mayHaveStreamQuirk('{?x: "@"}\n'), true);
    assert.equal(mayHaveStreamQuirk('# [x?]\n  # {y?}\na: "@"\n'), false);
  });
});
