import assert from 'node:assert/strict';
import { analyze, DEFAULT_SETTINGS } from '../../server/src/core/features/analysis';
import { codeActions, type TextEdit } from '../../server/src/core/features/codeActions';
import { yamlDoubleQuoted } from '../../server/src/core/document/scalarWriting';
import { policyDiagnostics } from '../../server/src/core/features/policyDiagnostics';
import { referenceable } from '../../server/src/core/features/valueEdits';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { parsedByOsloOrError } from '../support/oracle';
import { Random, runSeed } from '../support/random';

const CASES = Number(process.env.OS_POLICY_REFERENCE_FIX_CASES ?? 400);

/** Characters a helper rule's name may hold, the awkward ones often. */
const NAME_CHARS = [
  ...'abcdefghijklmnopqrstuvwxyz_-.:/',
  ...'#"\'\\,[]{}?&*!|>%@`()$',
  'é',
  '😀',
  '\x07',
  '\x7f',
  '\t',
  '\u00a0',
  '\u2028',
  '\ufeff',
];

type Style = 'double' | 'single' | 'plain' | 'block' | 'flow-plain' | 'json' | 'list' | 'block-list';

interface Case {
  readonly text: string;
  /** The file's rules as oslo.policy should read them (as JSON) when the reference names `reference`. */
  readonly rules: (reference: string) => string;
  readonly style: Style;
  readonly name: string;
  readonly misspelt: string;
}

function generatedName(random: Random): string {
  let name = '';
  const length = random.int(4, 9);
  for (let index = 0; index < length; index++)
    name += random.chance(0.6) ? random.pick([...'abcdefghij']) : random.pick(NAME_CHARS);
  return name;
}

const PRINTABLE = /^[\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

function generatedCase(random: Random): Case {
  const name = generatedName(random);
  const at = random.int(0, name.length);
  const misspelt = name.slice(0, at) + 'q' + name.slice(at);
  const template = random.pick(['R', 'role:a or R', '(R)', 'not R and role:b', 'role:c or (R and role:d)']);
  const check = (reference: string): string => template.replace('R', () => `rule:${reference}`);
  const style = random.pick<Style>([
    'double',
    'single',
    'plain',
    'block',
    'flow-plain',
    'json',
    'list',
    'block-list',
  ]);
  const value = check(misspelt);
  const key = yamlDoubleQuoted(name);
  const listed = style === 'list' || style === 'block-list';
  const rules = (reference: string): string =>
    JSON.stringify({
      [name]: 'role:x',
      get_image: listed ? [[`rule:${reference}`, 'role:a']] : check(reference),
    });
  const plainable = PRINTABLE.test(value) && !/[#,[\]{}?'"]|: |:$/.test(value);
  const quotable = PRINTABLE.test(value);
  let text: string;
  switch (style) {
    case 'json':
      text = rules(misspelt);
      break;
    case 'single':
      text = quotable ? `${key}: "role:x"\nget_image: '${value.replace(/'/g, "''")}'\n` : '';
      break;
    case 'plain':
      text = plainable ? `${key}: "role:x"\nget_image: ${value}\n` : '';
      break;
    case 'flow-plain':
      text = plainable ? `{${key}: "role:x", get_image: ${value}}\n` : '';
      break;
    case 'block':
      text = quotable ? `${key}: "role:x"\nget_image: |-\n  ${value}\nother: "@"\n` : '';
      break;
    case 'list':
      text = `${key}: "role:x"\nget_image: [[${yamlDoubleQuoted(`rule:${misspelt}`)}, role:a]]\n`;
      break;
    case 'block-list':
      text = quotable
        ? `${key}: "role:x"\nget_image:\n  - - '${`rule:${misspelt}`.replace(/'/g, "''")}'\n    - role:a\n`
        : '';
      break;
    default:
      text = `${key}: "role:x"\nget_image: ${yamlDoubleQuoted(value)}\n`;
  }
  if (style === 'block' && text) {
    const base = rules;
    return {
      text,
      style,
      name,
      misspelt,
      rules: (reference) => base(reference).replace(/}$/, ', "other": "@"}'),
    };
  }
  return { text, style, name, misspelt, rules };
}

function apply(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start))
    out = out.slice(0, edit.span.start) + edit.newText + out.slice(edit.span.end);
  return out;
}

describe("the 'Change to rule:x' fix against oslo.policy", function () {
  this.timeout(300_000);

  it('writes the suggestion so that oslo.policy reads the intended name, in every scalar style', () => {
    const builtIn = openBuiltInCatalog();
    const seed = runSeed();
    const random = new Random(seed);
    const cases: Case[] = [];
    while (cases.length < CASES) {
      const generated = generatedCase(random);
      if (generated.text) cases.push(generated);
    }
    const originals = parsedByOsloOrError(cases.flatMap((c) => [c.text, c.rules(c.misspelt)]));
    const checks: { label: string; edited: string; expected: string }[] = [];
    const wrong: string[] = [];
    let offered = 0;
    cases.forEach((testCase, index) => {
      // The generator may write a text that does not mean what it wanted: such a case says nothing.
      const [read, intended] = [originals[2 * index], originals[2 * index + 1]];
      if (typeof read === 'string' || JSON.stringify(read) !== JSON.stringify(intended)) return;
      const uri = `file:///etc/glance/policy.${testCase.style === 'json' ? 'json' : 'yaml'}`;
      // Not `documentAt`: a `|` is a character of these texts, not the cursor.
      const text = testCase.text;
      const analysis = analyze({
        uri,
        version: 1,
        text,
        settings: { ...DEFAULT_SETTINGS, release: 'epoxy' },
        catalogs: { builtIn, custom: [] },
      });
      const diagnostics = policyDiagnostics(analysis);
      const changes = diagnostics
        .filter((d) => d.code === 'undefined-rule')
        .flatMap((d) => codeActions(analysis, d.span, [d]))
        .filter((action) => action.title.startsWith('Change to'));
      const listed = testCase.style === 'list' || testCase.style === 'block-list';
      const ownName = changes.find((action) => action.title === `Change to 'rule:${testCase.name}'`);
      if ((listed || referenceable(testCase.name)) !== Boolean(ownName))
        wrong.push(
          `${JSON.stringify(testCase.text)}: offered ${JSON.stringify(changes.map((c) => c.title))}`,
        );
      for (const change of changes) {
        const suggestion = change.title.slice("Change to 'rule:".length, -1);
        checks.push({
          label: `${JSON.stringify(testCase.text)} → ${change.title}`,
          edited: apply(text, change.edits),
          expected: testCase.rules(suggestion),
        });
        offered++;
      }
    });
    const results = parsedByOsloOrError(checks.flatMap((c) => [c.edited, c.expected]));
    checks.forEach((check, index) => {
      const [edited, expected] = [results[2 * index], results[2 * index + 1]];
      if (JSON.stringify(edited) !== JSON.stringify(expected))
        wrong.push(`${check.label}: ${JSON.stringify(check.edited)} reads ${JSON.stringify(edited)}`);
    });
    assert.deepEqual(wrong.slice(0, 10), [], `seed ${seed}, ${wrong.length} wrong`);
    assert.ok(offered > CASES / 3, `only ${offered} fixes offered (seed ${seed})`);
  });
});
