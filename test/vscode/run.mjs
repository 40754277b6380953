// The `vscode` test tier: packages the extension, then runs the VS Code suite in code-server
// with headless Chromium, and the UI check that saves screenshots to test-results/ (the README's
// screenshot is copied from there to docs/).
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../../scripts/ensure.mjs';
import { packageExtension } from '../../scripts/package.mjs';
import { runVsCodeSuite } from '../../scripts/vscode/runInCodeServer.mjs';

const vsix = packageExtension();
// A copy of the fixtures: the suite writes files (the JSON → YAML conversion).
const workspace = join(mkdtempSync(join(tmpdir(), 'os-policy-vscode-ws-')), 'workspace');
cpSync(join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
const results = await runVsCodeSuite({
  vsix,
  workspace,
  suite: join(root, 'out', 'test', 'vscode', 'suite', 'index.js'),
  screenshotsDir: join(root, 'test-results'),
});
for (const test of results.tests)
  process.stdout.write(
    `  ${test.state === 'passed' ? '✔' : '✘'} ${test.title}${test.error ? `\n${test.error}` : ''}\n`,
  );
process.stdout.write(
  `  ${results.passed} passing, ${results.failed} failing in code-server (${results.seconds.toFixed(1)} s to results)\n`,
);
if (results.failed > 0 || results.passed === 0) process.exit(1);
