import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { compareCodePoints } from '../../server/src/core/text/codePointOrder';
import { policyLayerPaths } from '../../server/src/node/policyLayers';
import { runCli } from '../support/cli';
import { runOracle, type OracleCase } from '../support/oracle';

// Python sorts these by code point: U+E000 < U+FF21 < U+1F600. By UTF-16 code unit the emoji
// (0xD83D 0xDE00) comes first.
const PRIVATE_USE = '\u{E000}.yaml';
const FULLWIDTH_A = '\u{FF21}.yaml';
const EMOJI = '\u{1F600}.yaml';

/** Which file wins tells the order: in oslo.policy's, `r` and `s` are both the emoji file's. */
const FILES: Record<string, string> = {
  'policy.yaml': '"base": "@"\n',
  [`policy.d/${PRIVATE_USE}`]: '"r": "role:private"\n',
  [`policy.d/${FULLWIDTH_A}`]: '"s": "role:fullwidth"\n',
  [`policy.d/${EMOJI}`]: '"r": "role:emoji"\n"s": "role:emoji"\n',
};

const CASES: OracleCase[] = ['r', 's'].flatMap((rule) =>
  ['private', 'fullwidth', 'emoji'].map((role) => ({ rule, creds: { roles: [role] }, target: {} })),
);

describe('policy.d files are loaded in code point order, as Python sorts them', function () {
  this.timeout(60_000);

  const folder = (): string => {
    const root = mkdtempSync(join(tmpdir(), 'os-policy-order-'));
    mkdirSync(join(root, 'policy.d'));
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(root, name), text);
    return root;
  };

  it('compareCodePoints puts characters past U+FFFF after U+E000-U+FFFF', () => {
    const names = [
      'b',
      EMOJI,
      FULLWIDTH_A,
      'a',
      PRIVATE_USE,
      '\u{10000}',
      '\u{FFFF}',
      'a\u{1F600}',
      'a\u{E000}',
    ];
    const byCodePoint = (x: string, y: string): number => {
      const [p, q] = [[...x].map((c) => c.codePointAt(0)!), [...y].map((c) => c.codePointAt(0)!)];
      for (let i = 0; i < Math.min(p.length, q.length); i++) if (p[i] !== q[i]) return p[i] - q[i];
      return p.length - q.length;
    };
    assert.deepEqual([...names].sort(compareCodePoints), [...names].sort(byCodePoint));
    assert.ok(compareCodePoints(EMOJI, PRIVATE_USE) > 0);
  });

  it('eval --policy-dir decides as oslo.policy does with such names', () => {
    const root = folder();
    assert.equal(readdirSync(join(root, 'policy.d')).length, 3, 'the file system keeps the names');
    const [reference] = runOracle([{ files: FILES, cases: CASES }]);
    assert.equal(reference.load_error, null);
    // In oslo.policy the emoji file is loaded last: it wins both rules.
    assert.deepEqual(
      reference.results.map((result) => result.result),
      [false, false, true, false, false, true],
    );
    writeFileSync(join(root, 'cases.json'), JSON.stringify(CASES));
    const run = runCli(
      ['eval', '--policy', 'policy.yaml', '--policy-dir', 'policy.d', '--cases', 'cases.json'],
      {
        cwd: root,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { result: boolean | null });
    assert.deepEqual(
      lines.map((line) => line.result),
      reference.results.map((result) => result.result),
    );
  });

  it('a policy.d file has its siblings before and after it in that order (check and the server)', () => {
    const root = folder();
    const layers = policyLayerPaths(join(root, 'policy.d', FULLWIDTH_A));
    assert.deepEqual(
      layers.before.map((path) => basename(path)),
      ['policy.yaml', PRIVATE_USE],
    );
    assert.deepEqual(
      layers.after.map((path) => basename(path)),
      [EMOJI],
    );
  });
});
