import assert from 'node:assert/strict';
import { occurrences } from '../../server/src/core/features/references';
import { applyEdits, renameRule } from '../../server/src/core/features/rename';
import { isPyWhitespace } from '../../server/src/core/python/pyText';
import { Random, runSeed } from '../support/random';
import { renameProblemsByOslo, type RenamedText } from '../support/renamedByOslo';
import { documentOf } from './featureHelpers';

const OLD_NAMES = ['team', 'a:b', 'x-y.z', 'admin_or_owner', "it's", 'q"x', 'h#sh', 'eé😀', 'k:'];
const PIECES = [
  'a',
  'b',
  'Z',
  '0',
  '9',
  '_',
  '-',
  '.',
  '/',
  ':',
  '#',
  "'",
  '"',
  '\\',
  ',',
  '[',
  ']',
  '{',
  '}',
  '&',
  '*',
  '!',
  '|',
  '>',
  '%',
  '@',
  '`',
  '?',
  '~',
  '=',
  '<',
  'é',
  '😀',
  '\x01',
  '\x7f',
  '\ufeff',
  '(',
  ')',
  ' ',
  '\t',
];
const WORDS = [
  'true',
  'Yes',
  'off',
  'null',
  '~',
  '123',
  '1.5',
  '0x1F',
  '1:20',
  '2001-01-01',
  '<<',
  '=',
  '.nan',
  'squad',
];

/** A plain scalar the generator may write as is: the usual rule names. */
const simple = (name: string): boolean => /^[a-z_][a-z0-9_.:-]*$/.test(name) && !name.endsWith(':');

function newName(random: Random): string {
  if (random.chance(0.15)) return random.pick(WORDS);
  let name = random.chance(0.5) ? random.pick(['new', 'os:x', 'a']) : '';
  const length = random.int(1, 4);
  for (let i = 0; i < length; i++) name += random.pick(PIECES);
  return name;
}

/** A check string using `rule:old` in some places, as decoded text. */
function checkString(random: Random, old: string): string {
  const parts = ['rule:' + old, 'role:x', `(rule:${old} or role:y)`, `not rule:${old}`, 'rule:other', '@'];
  const picked = [`rule:${old}`, ...random.subset(parts, 0.4)];
  return picked.sort(() => random.next() - 0.5).join(random.pick([' or ', ' and ']));
}

const doubleQuoted = (random: Random, text: string): string =>
  JSON.stringify(text)
    .replace(/(?<=rule:[^ )\\]*)[a-z]/g, (letter: string) =>
      random.chance(0.2) ? `\\x${letter.charCodeAt(0).toString(16)}` : letter,
    )
    // An escaped line break inside a name: the next line's indentation is dropped.
    .replace(/(?<=rule:[^ )\\]*[a-z])(?=[a-z])/g, () => (random.chance(0.1) ? '\\\n    ' : ''));

/** One value of a block mapping in a random YAML style (block styles break lines at spaces). */
function yamlValue(random: Random, text: string, old: string): string {
  const styles = ['single', 'double', 'literal', 'folded'];
  if (simple(old) && !text.startsWith('@')) styles.push('plain', 'multiline');
  switch (random.pick(styles)) {
    case 'plain':
      return ` ${text}`;
    case 'multiline':
      return ` ${text.replace(/ /g, () => (random.chance(0.3) ? '\n  ' : ' '))}`;
    case 'single':
      return ` '${text.replace(/'/g, "''").replace(/ /g, () => (random.chance(0.2) ? '\n  ' : ' '))}'`;
    case 'double':
      return ` ${doubleQuoted(random, text)}`;
    case 'literal':
      return ` |${random.pick(['', '-', '+'])}\n  ${text.replace(/ /g, () => (random.chance(0.3) ? '\n  ' : ' '))}`;
    default:
      return ` >${random.pick(['', '-'])}\n  ${text.replace(/ /g, () => (random.chance(0.3) ? '\n  ' : ' '))}`;
  }
}

function yamlKey(random: Random, name: string): string {
  const styles = simple(name) ? ['plain', 'single', 'double'] : ['single', 'double'];
  const style = random.pick(styles);
  return style === 'plain'
    ? name
    : style === 'single'
      ? `'${name.replace(/'/g, "''")}'`
      : JSON.stringify(name);
}

function generatedFile(random: Random, old: string): string {
  const count = random.int(1, 4);
  const values = Array.from({ length: count }, () => checkString(random, old));
  const format = random.pick(['block', 'block', 'flow', 'json', 'list']);
  if (format === 'json') {
    const object: Record<string, unknown> = { [old]: 'role:admin' };
    values.forEach(
      (value, i) => (object[`r${i}`] = random.chance(0.2) ? [[`rule:${old}`, 'role:z']] : value),
    );
    return JSON.stringify(object, null, random.pick([0, 2]));
  }
  if (format === 'flow') {
    const items = values.map(
      (value, i) => `r${i}: ${random.pick([JSON.stringify(value), `'${value.replace(/'/g, "''")}'`])}`,
    );
    return `{${yamlKey(random, old)}: role:admin, ${items.join(', ')}}\n`;
  }
  const lines = [`${yamlKey(random, old)}: role:admin`];
  values.forEach((value, i) => lines.push(`r${i}:${yamlValue(random, value, old)}`));
  if (format === 'list')
    lines.push(`l:\n- - ${JSON.stringify(`rule:${old}`)}\n  - role:q\n- 'rule:${old.replace(/'/g, "''")}'`);
  return lines.join('\n') + '\n';
}

describe('renaming generated rules, checked by oslo.policy', function () {
  this.timeout(300_000);

  it('keeps every rule and reference meaning the same, or refuses with a reason', () => {
    const seed = runSeed();
    const random = new Random(seed);
    const renamed: RenamedText[] = [];
    const unexpected: string[] = [];
    const total = 400;
    for (let n = 0; n < total; n++) {
      const old = random.pick(OLD_NAMES);
      const text = generatedFile(random, old);
      const to = newName(random);
      const analysis = documentOf(text);
      const spots = occurrences(analysis, old);
      assert.ok(spots.length >= 2, `seed ${seed}: the references of ${old} are not found in\n${text}`);
      const answer = renameRule(analysis, random.pick(spots).span.start + 1, to);
      assert.ok(answer, `seed ${seed}: no rule at the cursor in\n${text}`);
      const label = `seed ${seed} case ${n}`;
      if (answer.ok) {
        renamed.push({ label, before: text, after: applyEdits(text, answer.edits), from: old, to });
        continue;
      }
      const unreferenceable =
        to === '' || /[()]/.test(to) || [...to].some((c) => isPyWhitespace(c.codePointAt(0)!));
      const blockHasNoEscape =
        /: [|>]/.test(text) && /[^\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd\ud800-\udfff]/.test(to);
      const taken = to === 'other' || /^r[0-9]$|^l$/.test(to);
      if (!(unreferenceable || blockHasNoEscape || taken))
        unexpected.push(`${label}: ${answer.message}\n${text}`);
    }
    assert.deepEqual(unexpected, []);
    assert.ok(renamed.length > total / 2, `only ${renamed.length} of ${total} renames were made`);
    assert.deepEqual(renameProblemsByOslo(renamed), []);
  });
});
