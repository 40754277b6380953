// The `vscode` test tier: packages the extension (checking what the .vsix holds), then runs
// the VS Code suite in code-server with headless Chromium, then the UI check that saves
// screenshots to test-results/ (the README's screenshot is copied from there to docs/).
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../../scripts/ensure.mjs';
import { packageExtension } from '../../scripts/package.mjs';
import { runVsCodeSuite } from '../../scripts/vscode/runInCodeServer.mjs';
import { checkPackageContents } from './packageContents.mjs';

export async function vscodeTier() {
  const vsix = packageExtension();
  const files = checkPackageContents(vsix);
  process.stdout.write(
    `  ✔ the .vsix holds only the bundles, catalog, grammars and manifest (${files.length} files, ${(statSync(vsix).size / 1024).toFixed(0)} KB)\n`,
  );
  // A copy of the fixtures: the suite writes files (the JSON → YAML conversion, upgrades).
  const scratch = mkdtempSync(join(tmpdir(), 'os-policy-vscode-ws-'));
  const workspace = join(scratch, 'workspace');
  cpSync(join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  try {
    const results = await runVsCodeSuite({
      vsix,
      workspace,
      suite: join(root, 'out', 'test', 'vscode', 'suite', 'index.js'),
      screenshotsDir: join(root, 'test-results'),
    });
    for (const test of results.tests)
      process.stdout.write(
        `  ${test.state === 'passed' ? '✔' : '✘'} ${test.title}${test.error ? `\n${test.error}\n` : ''}\n`,
      );
    if (results.ui)
      process.stdout.write(
        `  ✔ UI: ${results.ui.lenses} code lenses drawn, hover "${results.ui.hover}…", status "${results.ui.status}"; screenshots in test-results/\n`,
      );
    const m = results.metrics ?? {};
    process.stdout.write(
      `  ${results.passed} passing, ${results.failed} failing in code-server (${results.seconds.toFixed(1)} s to results)\n` +
        `  figures: .vsix ${(statSync(vsix).size / 1024).toFixed(0)} KB; activation ${m.activationMs} ms` +
        ` (server started and initialized); open → first diagnostics ${m.firstDiagnosticsMs} ms;` +
        ` role matrix command → table drawn in its webview ${m.matrixWebviewMs} ms` +
        ` (of which the server's answer ${m.matrixRequestMs} ms); then Neutron's ${m.matrixWebviewWarmRows} policies` +
        ` × 8 personas ${m.matrixWebviewWarmMs} ms\n`,
    );
    if (results.failed > 0 || results.passed === 0) throw new Error('the VS Code suite failed');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith(join('vscode', 'run.mjs'))) await vscodeTier();
