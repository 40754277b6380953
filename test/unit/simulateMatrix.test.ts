import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matrixCommand } from '../../server/src/cli/matrixCommand';
import { simulateCommand } from '../../server/src/cli/simulateCommand';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import { DEFAULT_OPTIONS } from '../../server/src/core/engine/effectivePolicy';
import { loadEffectivePolicy, loadPolicyFile } from '../../server/src/core/engine/loadPolicy';
import { matrixOf, resourceOf } from '../../server/src/core/simulate/matrix';
import { diffMatrices } from '../../server/src/core/simulate/matrixDiff';
import { matrixCsv, matrixJson, matrixMarkdown } from '../../server/src/core/simulate/matrixFormats';
import { matrixHtml } from '../../server/src/core/simulate/matrixHtml';
import { DEFAULT_IMPLIED_ROLES, DEFAULT_PERSONAS } from '../../server/src/core/simulate/personas';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';

const catalog = openBuiltInCatalog()!;
const glance = [...catalog.get('glance', 'zed')!.rules];
const strict = { ...DEFAULT_OPTIONS, enforceNewDefaults: true };

function glanceMatrix(text = '', personas = DEFAULT_PERSONAS.slice(0, 2)) {
  const policy = loadEffectivePolicy({
    files: [loadPolicyFile(readPolicyDocument(text))],
    registered: glance,
    options: strict,
  });
  return matrixOf(policy, personas, DEFAULT_IMPLIED_ROLES, 'glance');
}

function run(command: typeof simulateCommand, argv: string[]): { code: number; text: string } {
  const lines: string[] = [];
  const code = command(argv, (line) => lines.push(line));
  return { code, text: lines.join('\n') };
}

describe('the role matrix', () => {
  it('has the JSON shape other tools rely on, every policy with its operations', () => {
    const rows = JSON.parse(matrixJson(glanceMatrix())) as Record<string, unknown>[];
    assert.equal(rows.length, glance.length);
    for (const row of rows) {
      assert.deepEqual(Object.keys(row), ['policy', 'operations', 'verdicts']);
      for (const op of row.operations as Record<string, unknown>[])
        assert.deepEqual(Object.keys(op), ['method', 'path']);
      const verdicts = row.verdicts as Record<string, { verdict: string; condition: string | null }>;
      assert.deepEqual(Object.keys(verdicts), ['project_reader', 'project_member']);
      for (const cell of Object.values(verdicts)) {
        assert.deepEqual(Object.keys(cell), ['verdict', 'condition']);
        assert.ok(['allowed', 'denied', 'conditional'].includes(cell.verdict));
        assert.equal(cell.condition === null, cell.verdict !== 'conditional');
      }
    }
    const getImage = rows.find((r) => r.policy === 'get_image')!;
    assert.deepEqual(getImage.operations, [{ method: 'GET', path: '/v2/images/{image_id}' }]);
  });

  it('groups rows by API resource as hand-made tables do', () => {
    assert.equal(
      resourceOf({ policy: 'x', operations: [{ method: 'GET', path: '/v2/images/{image_id}' }] }),
      '/v2/images',
    );
    assert.equal(
      resourceOf({
        policy: 'os_compute_api:servers:create',
        operations: [{ method: 'POST', path: '/servers' }],
      }),
      '/servers',
    );
    assert.equal(
      resourceOf({ policy: 'os_compute_api:os-hosts:list', operations: [] }),
      'os_compute_api:os-hosts',
    );
    const markdown = matrixMarkdown(glanceMatrix());
    assert.match(
      markdown,
      /#### `\/v2\/images`\n\n\| Policy \| Operations \| project reader \| project member \|/,
    );
    assert.match(
      markdown,
      /\| `delete_image` \| DELETE `\/v2\/images\/\{image_id\}` \| ❌ \| 🔍 `project_id == %\(project_id\)s` \|/,
    );
  });

  it('writes CSV with one line per policy and quotes what needs it', () => {
    const csv = matrixCsv(
      glanceMatrix('"get_images": "role:reader and (project_id:%(project_id)s or \'a,b\':%(x)s)"'),
    );
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(
      lines[0],
      'resource,policy,operations,project_reader,project_reader condition,project_member,project_member condition',
    );
    assert.equal(lines.length, glance.length + 1);
    assert.ok(lines.some((line) => line.includes(`"project_id == %(project_id)s or 'a,b' == %(x)s"`)));
  });

  it('writes a self-contained HTML page with filters that a webview CSP allows', () => {
    const html = matrixHtml(glanceMatrix('', DEFAULT_PERSONAS.slice()), 'abc123');
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-abc123'; script-src 'nonce-abc123';">/,
    );
    assert.match(html, /<script nonce="abc123">/);
    assert.match(html, /<style nonce="abc123">/);
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /\sstyle="/, 'no inline style attributes');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no external resources');
    assert.match(html, /<input type="search" id="q"/);
    assert.equal((html.match(/class="persona"/g) ?? []).length, 8);
    assert.match(html, /class="verdict" value="conditional"/);
    assert.match(matrixHtml(glanceMatrix(), '"><script>'), /nonce-script/);
  });

  it('diffs two matrices: which personas gained and lost which operations', () => {
    const diff = diffMatrices(
      glanceMatrix(),
      glanceMatrix('"get_images": "role:admin"\n"delete_image": "role:member"'),
    );
    const member = diff.personas.find((p) => p.id === 'project_member')!;
    assert.deepEqual(
      member.lost.map((c) => c.policy),
      ['get_images'],
    );
    assert.deepEqual(
      member.gained.map((c) => [c.policy, c.from.verdict, c.to.verdict]),
      [['delete_image', 'conditional', 'allowed']],
    );
    assert.deepEqual(member.lost[0].operations, [{ method: 'GET', path: '/v2/images' }]);
  });
});

describe('os-policy simulate and matrix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'os-policy-simulate-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, '"delete_image": "role:admin or (role:member and project_id:%(owner)s)"\n');

  it('simulates a rule for personas with the verdict and the trace', () => {
    const { code, text } = run(simulateCommand, [
      file,
      '--rule',
      'delete_image',
      '--persona',
      'project_member',
      '--namespace',
      'glance',
      '--release',
      'zed',
    ]);
    assert.equal(code, 0);
    assert.match(
      text,
      /project member \(project_member\): 🔍 conditional: allowed if project_id == %\(owner\)s/,
    );
    assert.match(text, /role:member: holds/);
    assert.match(
      text,
      /default mode \(enforce_new_defaults off, enforce_scope off, default rule 'default'\)/,
    );
  });

  it('answers in JSON for given credentials and a target', () => {
    const { text } = run(simulateCommand, [
      file,
      '--rule=delete_image',
      '--creds',
      '{"roles": ["member"], "project_id": "p9"}',
      '--target',
      '{"owner": "p9"}',
      '--format',
      'json',
      '--enforce-new-defaults',
    ]);
    const result = JSON.parse(text) as {
      mode: string;
      results: { persona: string; verdict: string; exact: boolean }[];
    };
    assert.match(result.mode, /enforce_new_defaults on/);
    assert.deepEqual(
      result.results.map((r) => [r.persona, r.verdict, r.exact]),
      [['custom', 'allowed', true]],
    );
  });

  it('prints the matrix of a namespace in each format', () => {
    const md = run(matrixCommand, [
      '--namespace',
      'glance',
      '--release',
      'zed',
      '--personas',
      'project_reader,project_member',
    ]);
    assert.match(md.text, /\| Policy \| Operations \| project reader \| project member \|/);
    const json = run(matrixCommand, [
      '--namespace',
      'glance',
      '--release',
      'zed',
      '--format',
      'json',
      '--personas',
      'anonymous',
    ]);
    assert.equal((JSON.parse(json.text) as unknown[]).length, glance.length);
    assert.match(
      run(matrixCommand, [file, '--namespace', 'glance', '--format', 'csv']).text,
      /^resource,policy,operations,project_reader/,
    );
    assert.match(
      run(matrixCommand, [file, '--namespace', 'glance', '--format', 'html']).text,
      /^<!DOCTYPE html>/,
    );
  });

  it('diffs a release against another and a file against the defaults', () => {
    const releases = run(matrixCommand, [
      '--diff',
      'glance@zed',
      'glance@epoxy',
      '--personas',
      'project_member',
    ]);
    assert.match(releases.text, /^Role matrix diff: glance@zed → glance@epoxy/);
    assert.match(releases.text, /project_member: gained \d+, lost \d+, changed \d+/);
    const fileDiff = run(matrixCommand, [
      '--diff',
      'glance@zed',
      file,
      '--namespace',
      'glance',
      '--release',
      'zed',
      '--format',
      'json',
    ]);
    const diff = JSON.parse(fileDiff.text) as { personas: { id: string; gained: { policy: string }[] }[] };
    assert.ok(
      diff.personas
        .find((p) => p.id === 'project_member')!
        .gained.some((c) => c.policy === 'delete_image') === false,
    );
    assert.ok(diff.personas.length === 8);
  });

  it('refuses unknown personas and bad JSON with a usage error', () => {
    assert.throws(
      () => run(simulateCommand, [file, '--rule', 'r', '--persona', 'wizard']),
      /unknown persona 'wizard'/,
    );
    assert.throws(
      () => run(simulateCommand, [file, '--rule', 'r', '--creds', '{roles']),
      /--creds is not valid JSON/,
    );
    assert.throws(() => run(matrixCommand, ['--diff', 'glance@zed']), /two sides/);
  });
});
