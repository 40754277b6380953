// `npm run test:vscode`: the same VS Code suite (test/vscode/suite) under @vscode/test-electron,
// in VS Code desktop with the extension loaded from this folder. VS Code comes from
// $VSCODE_EXECUTABLE when set (a local install), otherwise it is downloaded into .vscode-test/.
// Where it cannot be downloaded (offline, as in CI here) this fails with a message saying so;
// `node scripts/test.mjs vscode` runs the same suite offline in code-server. On a Linux machine
// without a display, run it under `xvfb-run -a`.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNpmDependencies, root } from '../ensure.mjs';

ensureNpmDependencies();
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');

let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
if (!vscodeExecutablePath) {
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({
      version: 'stable',
      cachePath: join(root, '.vscode-test'),
      timeout: 20_000,
    });
  } catch (error) {
    process.stderr.write(
      `\ntest:vscode: VS Code could not be downloaded (${error.message.split('\n')[0]}).\n` +
        '  Set VSCODE_EXECUTABLE=/path/to/code to use an installed VS Code, or run the same suite\n' +
        '  offline in code-server with headless Chromium: node scripts/test.mjs vscode\n',
    );
    process.exit(1);
  }
}

// A copy of the fixtures: the suite writes files (the JSON → YAML conversion, upgrades).
const scratch = mkdtempSync(join(tmpdir(), 'os-policy-vscode-ws-'));
const workspace = join(scratch, 'workspace');
cpSync(join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
try {
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'vscode', 'suite', 'index.js'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      `--user-data-dir=${join(scratch, 'user-data')}`,
    ],
  });
} catch (error) {
  process.stderr.write(`test:vscode: ${error.message ?? error}\n`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
