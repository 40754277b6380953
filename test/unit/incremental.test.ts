import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRuleSample } from '../../server/src/core/catalog/sampleFormat';
import { canonicalRuleString } from '../../server/src/core/check/checkPrint';
import {
  analyze,
  DEFAULT_SETTINGS,
  DocumentCaches,
  type PolicyAnalysis,
} from '../../server/src/core/features/analysis';
import { policyDiagnostics } from '../../server/src/core/features/policyDiagnostics';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { bigPolicyFile } from '../bench/bigPolicy';
import { repoRoot } from '../support/paths';
import { Random } from '../support/random';

const builtIn = openBuiltInCatalog();
const settings = { ...DEFAULT_SETTINGS, release: 'epoxy' };

function analyse(uri: string, text: string, version: number, caches?: DocumentCaches): PolicyAnalysis {
  return analyze({ uri, version, text, settings, catalogs: { builtIn, custom: [] }, caches });
}

/** Everything a feature can read of an analysis, offset maps written out index by index. */
function observable(analysis: PolicyAnalysis): string {
  const file = analysis.file;
  return JSON.stringify(
    {
      entries: file.entries,
      failure: file.failure,
      problems: file.document.problems,
      load: file.document.load,
      comments: file.document.comments,
      diagnostics: policyDiagnostics(analysis),
      policy: [...analysis.policy.rules.values()].map((rule) => [
        rule.name,
        canonicalRuleString(rule.rule),
        canonicalRuleString(rule.structure),
        rule.origin.kind,
      ]),
      policyFailure: analysis.policy.loadFailure,
    },
    (key, value: unknown) => {
      if ((key === 'toDoc' || key === 'fromStart') && typeof value === 'function') {
        const toDoc = value as (index: number) => number;
        return Array.from({ length: 40 }, (_, index) => toDoc(index));
      }
      return typeof value === 'bigint' ? `${value}n` : value;
    },
  );
}

/** A random small edit: a character typed or deleted, a line added or removed, a rule copied. */
function edit(text: string, random: Random): string {
  const at = random.int(0, text.length);
  switch (random.int(0, 5)) {
    case 0:
      return (
        text.slice(0, at) +
        random.pick([
          'x',
          ' ',
          ':',
          '"',
          "'",
          '(',
          ')',
          '#',
          '\n',
          '  ',
          '\t',
          '\u0085',
          '\u0001',
          '\ud83d',
        ]) +
        text.slice(at)
      );
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + '\n"added:rule": "role:admin or rule:r1"\n' + text.slice(at);
    case 3: {
      const lines = text.split('\n');
      lines.splice(random.int(0, lines.length - 1), 1);
      return lines.join('\n');
    }
    case 4: {
      const lines = text.split('\n');
      const line = random.int(0, lines.length - 1);
      lines.splice(random.int(0, lines.length), 0, lines[line]);
      return lines.join('\n');
    }
    default:
      return text.slice(0, at) + 'role:member and ' + text.slice(at);
  }
}

const fixtures = ['glance/policy.yaml', 'ironic/policy.yaml', 'broken/policy.yaml', 'nova/policy.json'];

describe('incremental analysis across edits', () => {
  const documents: [string, string, string][] = [
    ...fixtures.map((name): [string, string, string] => [
      name,
      `file:///etc/${name}`,
      readFileSync(join(repoRoot(), 'test', 'fixtures', 'workspace', name), 'utf8'),
    ]),
    ['a generated file', 'file:///tmp/generated/policy.yaml', bigPolicyFile(new Random(3), 120)],
    [
      // Multi-line values (read by the YAML library), CRLF line ends and a BOM.
      'a file with CRLF line ends, a BOM and multi-line values',
      'file:///etc/glance/policy.yaml',
      '\ufeff# glance\r\n"get_image": "role:reader or\r\n  project_id:%(project_id)s"\r\n' +
        'add_image: >\r\n  role:member\r\n  and project_id:%(owner)s\r\n"r1": "rule:get_image"\r\n' +
        '\'quoted\': \'it\'\'s role:admin\'\r\nlist_form: [["role:a", "role:b"], ["rule:r1"]]\r\n',
    ],
    [
      // An anchor sends the whole text to the YAML library; edits may remove it or bring it back.
      'a file with an anchor and an alias',
      'file:///etc/nova/policy.yaml',
      '"base": &b "role:admin"\n"a": *b\n"c": "rule:base or role:x"\n"d": "not rule:a"\n',
    ],
    [
      'neutron defaults written out',
      'file:///etc/neutron/policy.yaml',
      builtIn!
        .get('neutron', 'epoxy')!
        .rules.slice(0, 60)
        .map((rule) => formatRuleSample(rule, false))
        .join(''),
    ],
  ];
  for (const [name, uri, original] of documents) {
    it(`after each of many random edits of ${name}, the cached analysis equals a fresh one`, function () {
      this.timeout(30_000);
      const random = new Random(name.length * 7919);
      const caches = new DocumentCaches();
      let text = original;
      for (let version = 1; version <= 200; version++) {
        const incremental = analyse(uri, text, version, caches);
        const fresh = analyse(uri, text, version);
        assert.equal(observable(incremental), observable(fresh), `version ${version} of ${name}`);
        // Go back to the original now and then, so shifted readings are shifted again.
        text = version % 9 === 0 ? original : edit(text, random);
      }
    });
  }
});

describe('incremental analysis: what an edit changes away from the edit', () => {
  it('finds a tab that a quote removed further up turns into a YAML error', () => {
    // The tab is inside a quoted string (allowed), then in a plain one (PyYAML refuses it):
    // the edit is the quote, not the tab.
    const uri = 'file:///etc/glance/policy.yaml';
    const before = 'a: "x\ty"\nb: "role:x"\n';
    const after = 'a: x\ty"\nb: "role:x"\n';
    const caches = new DocumentCaches();
    analyse(uri, before, 1, caches);
    const edited = analyse(uri, after, 2, caches);
    assert.equal(edited.file.document.load.kind, 'raises');
    assert.equal(observable(edited), observable(analyse(uri, after, 2)));
  });
});

describe('incremental analysis: references that an edit changes', () => {
  it('finds a cycle an edit closes and forgets it when the edit is undone, with the same caches', () => {
    const uri = 'file:///tmp/generated/policy.yaml';
    const caches = new DocumentCaches();
    const open = '"a": "rule:b"\n"b": "role:x"\n"c": "not rule:a"\n';
    const closed = '"a": "rule:b"\n"b": "rule:a"\n"c": "not rule:a"\n';
    const codes = (text: string, version: number): string[] =>
      policyDiagnostics(analyse(uri, text, version, caches)).map((d) => d.code);
    assert.deepEqual(codes(open, 1), []);
    assert.deepEqual(codes(closed, 2), ['rule-cycle', 'rule-cycle']);
    // Same references, another role: the cycle stays.
    assert.deepEqual(codes(closed.replace('role', 'role'), 3), ['rule-cycle', 'rule-cycle']);
    assert.deepEqual(codes(open, 4), []);
    // A reference moved under `not`: check_rules does not follow it, evaluation does.
    assert.deepEqual(codes(open.replace('"rule:b"', '"not rule:b"'), 5), []);
  });
});

describe('incremental analysis: how deep check_rules walks', () => {
  it('notices when an edit nests a reference deeper, though no name and no target changed', () => {
    const uri = 'file:///tmp/generated/policy.yaml';
    const caches = new DocumentCaches();
    const chain = Array.from({ length: 690 }, (_, i) => `"r${i}": "rule:r${i + 1}"`);
    const text = (first: string): string =>
      [`"r0": "${first}"`, ...chain.slice(1), '"r690": "role:x"', ''].join('\n');
    let nested = 'rule:r1';
    for (let level = 0; level < 30; level++)
      nested = `(${nested} ${level % 2 === 0 ? 'and' : 'or'} role:a${level})`;
    const loadFailures = (source: string, version: number): string[] =>
      policyDiagnostics(analyse(uri, source, version, caches))
        .filter((d) => d.code === 'load-failure')
        .map((d) => d.severity);
    assert.deepEqual(loadFailures(text('rule:r1'), 1), []);
    // 690 hops plus 30 and/or levels: past what a service's stack surely leaves to check_rules.
    assert.deepEqual(loadFailures(text(nested), 2), ['warning']);
    assert.deepEqual(loadFailures(text('rule:r1'), 3), []);
    assert.deepEqual(
      policyDiagnostics(analyse(uri, text(nested), 4, caches)).map((d) => d.code),
      policyDiagnostics(analyse(uri, text(nested), 4)).map((d) => d.code),
    );
  });
});

describe('incremental analysis: how deep check_rules walks inside a rule', () => {
  it('notices when an edit nests the checks of a rule without references deeper', () => {
    const uri = 'file:///tmp/generated/policy.yaml';
    const caches = new DocumentCaches();
    const chain = Array.from({ length: 690 }, (_, i) => `"r${i}": "rule:r${i + 1}"`);
    let nested = 'role:x';
    for (let level = 0; level < 30; level++)
      nested = `(${nested} ${level % 2 === 0 ? 'and' : 'or'} role:a${level})`;
    const text = (last: string): string => [...chain, `"r690": "${last}"`, ''].join('\n');
    const loadFailures = (source: string, version: number): string[] =>
      policyDiagnostics(analyse(uri, source, version, caches))
        .filter((d) => d.code === 'load-failure')
        .map((d) => d.severity);
    assert.deepEqual(loadFailures(text('role:x'), 1), []);
    // check_rules visits every check under and/or: 691 rules then 30 levels inside the last one.
    assert.deepEqual(loadFailures(text(nested), 2), ['warning']);
    assert.deepEqual(loadFailures(text('role:x'), 3), []);
  });
});

describe('incremental analysis: entries an edit did not touch', () => {
  it('re-checks an untouched rule whose winning changes: a later duplicate of its key makes it ignored', () => {
    const uri = 'file:///tmp/generated/policy.yaml';
    const caches = new DocumentCaches();
    const before = '"a": "rule:missing or Role:x"\n"b": "role:x"\n"c": "(role:y"\n';
    const after = `${before}"a": "role:y"\n`;
    const codes = (text: string, version: number, withCaches?: DocumentCaches): string[] =>
      policyDiagnostics(analyse(uri, text, version, withCaches)).map((d) => d.code);
    assert.deepEqual(codes(before, 1, caches), ['parse-failure', 'undefined-rule', 'kind-case']);
    // The first `a` is the same text at the same place, but it no longer wins: oslo.policy never
    // parses it, so its undefined rule is no longer one (its checks are still shown).
    assert.deepEqual(codes(after, 2, caches), codes(after, 2));
    assert.ok(!codes(after, 2, caches).includes('undefined-rule'));
    assert.deepEqual(codes(before, 3, caches), codes(before, 3));
  });

  it('counts no untouched rule twice when a copy of a rule above is inserted', () => {
    const uri = 'file:///tmp/generated/policy.yaml';
    const caches = new DocumentCaches();
    const line = '"a": "Role:x"\n';
    const diagnostics = (text: string, version: number, withCaches?: DocumentCaches): string[] =>
      policyDiagnostics(analyse(uri, text, version, withCaches)).map((d) => `${d.code}@${d.span.start}`);
    // The inserted copy has the text (and the winning) of the rule above it and of the one below.
    for (const [version, text] of [line + line, line + line + line, line + line].entries()) {
      assert.deepEqual(diagnostics(text, version + 1, caches), diagnostics(text, version + 1), text);
    }
  });
});
