import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../support/cli';
import { LspClient } from '../support/lspClient';
import { repoRoot } from '../support/paths';

interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  related: { message: string; path?: string; startLine: number; startColumn: number }[];
}
interface JsonReport {
  files: { path: string; namespaces: string[]; release: string; diagnostics: JsonDiagnostic[] }[];
  counts: Record<string, number>;
}

const fixtures = (...parts: string[]): string => join('test', 'fixtures', ...parts);
const json = (args: string[]): JsonReport =>
  JSON.parse(runCli([...args, '--format', 'json']).stdout) as JsonReport;

describe('os-policy check', function () {
  this.timeout(60_000);

  it('prints file:line:col: severity: message [code] and exits 1 on errors', () => {
    const run = runCli(['check', 'examples/mistakes/policy.yaml']);
    assert.equal(run.status, 1);
    const lines = run.stdout.trim().split('\n');
    assert.ok(lines.length >= 10);
    for (const line of lines)
      assert.match(
        line,
        /^examples\/mistakes\/policy\.yaml:\d+:\d+: (error|warning|information|hint): .+ \[[a-z-]+\]$/,
      );
    assert.ok(
      lines.some((l) => l.startsWith("examples/mistakes/policy.yaml:6:40: error: Rule 'admin_requried'")),
    );
  });

  it('reports exactly the diagnostics the language server publishes for the same file', async () => {
    const path = join(repoRoot(), 'examples', 'mistakes', 'policy.yaml');
    const client = new LspClient({});
    try {
      await client.initialize(join(repoRoot(), 'examples'));
      const published = await client.open(pathToFileURL(path).toString(), readFileSync(path, 'utf8'));
      const fromServer = published.diagnostics
        .map(
          (d) =>
            `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.code} ${d.message}`,
        )
        .sort();
      const fromCli = json(['check', path])
        .files[0].diagnostics.map(
          (d) => `${d.startLine}:${d.startColumn}-${d.endLine}:${d.endColumn} ${d.code} ${d.message}`,
        )
        .sort();
      assert.ok(fromCli.length >= 10);
      assert.deepEqual(fromCli, fromServer);
    } finally {
      await client.close();
    }
  });

  it('walks folders and layers policy.d over the main file as oslo.policy merges them', () => {
    const report = json(['check', fixtures('cli', 'site'), '--release', 'zed']);
    assert.deepEqual(
      report.files.map((f) => f.path),
      [
        fixtures('cli', 'site', 'nova', 'policy.d', '10-operators.yaml'),
        fixtures('cli', 'site', 'nova', 'policy.yaml'),
      ],
    );
    const [layer, main] = report.files;
    // site_operator is defined only in policy.d: the main file's reference to it is fine.
    assert.deepEqual(
      main.diagnostics.filter((d) => d.code === 'undefined-rule'),
      [],
    );
    assert.deepEqual(main.namespaces, ['nova']);
    const typo = layer.diagnostics.find((d) => d.code === 'undefined-rule')!;
    assert.match(typo.message, /'site_operatr'.*Did you mean 'site_operator'/);
    assert.equal(typo.startLine, 4);
    // The main file's servers:delete is replaced by policy.d's: said, with the place over there.
    const replaced = main.diagnostics.filter((d) => d.code === 'overridden-by-layer');
    assert.deepEqual(
      replaced.map((d) => [d.startLine, d.related.map((r) => [r.path, r.startLine, r.startColumn])]),
      [[3, [[layer.path, 3, 1]]]],
    );
    assert.match(replaced[0].message, /policy\.d\/10-operators\.yaml \(line 3\)/);
  });

  it('leaves subfolders of policy.d out, as oslo.policy does not read them', () => {
    const directory = mkdtempSync(join(tmpdir(), 'os-policy-subfolder-'));
    mkdirSync(join(directory, 'policy.d', 'nested'), { recursive: true });
    writeFileSync(join(directory, 'policy.yaml'), '"get_image": "rule:team or rule:nested_team"\n');
    writeFileSync(join(directory, 'policy.d', '10-team.yaml'), '"team": "role:team"\n');
    writeFileSync(join(directory, 'policy.d', 'nested', '20-nested.yaml'), '"nested_team": "role:x"\n');
    const report = json(['check', join(directory, 'policy.yaml'), '--service', 'glance', '--release', 'zed']);
    const undefinedRules = report.files[0].diagnostics.filter((d) => d.code === 'undefined-rule');
    assert.deepEqual(
      undefinedRules.map((d) => /'(\w+)'/.exec(d.message)![1]),
      ['nested_team'],
    );
  });

  it('without its policy.d the main file refers to an undefined rule', () => {
    const directory = mkdtempSync(join(tmpdir(), 'os-policy-check-'));
    const main = join(directory, 'policy.yaml');
    writeFileSync(main, readFileSync(fixtures('cli', 'site', 'nova', 'policy.yaml')));
    const report = json(['check', main, '--service', 'nova', '--release', 'zed']);
    assert.ok(
      report.files[0].diagnostics.some((d) => d.code === 'undefined-rule' && /site_operator/.test(d.message)),
    );
    // ...and --policy-dir adds the folder back.
    const layered = json([
      'check',
      main,
      '--service',
      'nova',
      '--release',
      'zed',
      '--policy-dir',
      fixtures('cli', 'site', 'nova', 'policy.d'),
    ]);
    assert.ok(!layered.files[0].diagnostics.some((d) => d.code === 'undefined-rule'));
  });

  it('--severity drops what is below the threshold and --fail-on sets what fails', () => {
    const all = json(['check', fixtures('cli', 'cinder', 'policy.yaml'), '--release', 'zed']);
    const severities = new Set(all.files[0].diagnostics.map((d) => d.severity));
    assert.deepEqual([...severities].sort(), ['hint', 'warning']);
    const warnings = json([
      'check',
      fixtures('cli', 'cinder', 'policy.yaml'),
      '--release',
      'zed',
      '--severity',
      'warning',
    ]);
    assert.deepEqual([...new Set(warnings.files[0].diagnostics.map((d) => d.severity))], ['warning']);
    assert.equal(warnings.counts.hint, 0);
    assert.equal(runCli(['check', fixtures('cli', 'cinder', 'policy.yaml'), '--release', 'zed']).status, 0);
    assert.equal(
      runCli(['check', fixtures('cli', 'cinder', 'policy.yaml'), '--release', 'zed', '--fail-on', 'warning'])
        .status,
      1,
    );
    assert.equal(
      runCli([
        'check',
        fixtures('cli', 'cinder', 'policy.yaml'),
        '--release',
        'zed',
        '--severity',
        'error',
        '--fail-on',
        'warning',
      ]).status,
      0,
    );
  });

  it('exits 2 on usage errors: a bad flag value, an unknown release or service, a missing path', () => {
    const file = fixtures('cli', 'cinder', 'policy.yaml');
    for (const args of [
      ['check', file, '--severity', 'fatal'],
      ['check', file, '--format', 'xml'],
      ['check', file, '--release', 'kilo'],
      ['check', file, '--service', 'no-such-service'],
      ['check', 'no/such/policy.yaml'],
      ['check'],
    ]) {
      const run = runCli(args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^os-policy check: /);
    }
  });

  it('--service overrides detection and --release picks the defaults', () => {
    const file = fixtures('cli', 'cinder', 'policy.yaml');
    const asGlance = json(['check', file, '--service', 'glance', '--release', 'zed']).files[0];
    assert.deepEqual(asGlance.namespaces, ['glance']);
    assert.ok(
      asGlance.diagnostics.some((d) => d.code === 'unknown-policy' && /'volume:get'/.test(d.message)),
    );
    assert.equal(json(['check', file, '--release', '2022.2']).files[0].release, 'zed');
    assert.equal(json(['check', file, '--release', 'epoxy']).files[0].release, 'epoxy');
  });

  it('--default-rule changes what an undefined reference means', () => {
    const file = fixtures('cli', 'site', 'nova', 'policy.d', '10-operators.yaml');
    const fallback = json(['check', file, '--release', 'zed', '--default-rule', 'default']).files[0];
    const none = json(['check', file, '--release', 'zed', '--default-rule', '']).files[0];
    const undefinedIn = (f: JsonReport['files'][0]): JsonDiagnostic =>
      f.diagnostics.find((d) => d.code === 'undefined-rule')!;
    assert.equal(undefinedIn(none).severity, 'error');
    assert.match(undefinedIn(none).message, /always false/);
    // With a default rule that exists (nova registers none named 'default'; the file defines one).
    const directory = mkdtempSync(join(tmpdir(), 'os-policy-check-'));
    const withDefault = join(directory, 'nova-policy.yaml');
    writeFileSync(withDefault, `"default": "role:admin"\n${readFileSync(file, 'utf8')}`);
    const falling = json(['check', withDefault, '--release', 'zed']).files[0];
    assert.equal(undefinedIn(falling).severity, 'warning');
    assert.match(undefinedIn(falling).message, /falls back to the default rule 'default'/);
    assert.ok(fallback.diagnostics.length > 0);
  });

  it('accepts the mode flags of oslo.policy', () => {
    const run = runCli([
      'check',
      fixtures('cli', 'cinder', 'policy.yaml'),
      '--release',
      'zed',
      '--enforce-new-defaults',
      '--enforce-scope',
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /deprecated-name/);
  });

  it('a file that is not UTF-8 is an error: the service cannot read it', () => {
    const directory = mkdtempSync(join(tmpdir(), 'os-policy-check-'));
    const path = join(directory, 'policy.yaml');
    writeFileSync(
      path,
      Buffer.concat([Buffer.from('"a": "role:r'), Buffer.from([0xe9]), Buffer.from('"\n')]),
    );
    const run = runCli(['check', path]);
    assert.equal(run.status, 1);
    assert.match(
      run.stdout,
      /error: oslo.policy cannot load this file \(UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position 12\).*\[load-failure\]/,
    );
  });
});
