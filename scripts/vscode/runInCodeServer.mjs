// Runs the VS Code suite (test/vscode/suite) inside code-server, opened in headless Chromium:
// installs the packaged .vsix and the test-runner extension into fresh folders, starts
// code-server on 127.0.0.1, connects a browser (the extension host starts with a window),
// waits for the suite's result file, then runs the UI scenario (screenshots) in the same window.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../ensure.mjs';
import { startCodeServer } from './codeServer.mjs';
import { ensureChromium } from './codeServerEnv.mjs';
import { uiScenario } from './uiScenario.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

async function waitFor(check, timeoutMs, what) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = check();
    if (value) return value;
    // The result file is written by another process: polling it is the simplest honest wait.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The runner extension, packed as a .vsix (code-server ignores a folder copied in). */
function packRunner(base) {
  const runnerDir = join(base, 'runner');
  cpSync(join(root, 'test', 'vscode', 'runner'), runnerDir, { recursive: true });
  const vsix = join(base, 'runner.vsix');
  execFileSync(
    join(root, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', vsix],
    { cwd: runnerDir, stdio: 'pipe' },
  );
  return vsix;
}

export async function runVsCodeSuite({ vsix, workspace, suite, screenshotsDir, timeoutMs = 300_000 }) {
  const chromium = ensureChromium();
  const base = mkdtempSync(join(tmpdir(), 'os-policy-code-server-'));
  const resultFile = join(base, 'results.json');
  const started = Date.now();
  const server = await startCodeServer({
    base,
    vsixFiles: [vsix, packRunner(base)],
    workspace,
    env: { OS_POLICY_VSCODE_SUITE: suite, OS_POLICY_VSCODE_SUITE_RESULT: resultFile },
  });
  const { chromium: playwright } = await import('playwright-core');
  let browser;
  try {
    browser = await playwright.launch({ executablePath: chromium, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const results = await waitFor(
      () => (existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : null),
      timeoutMs,
      'the VS Code suite',
    );
    const suiteSeconds = (Date.now() - started) / 1000;
    const ui = screenshotsDir && results.failed === 0 ? await uiScenario(page, screenshotsDir) : null;
    return { ...results, seconds: suiteSeconds, ui };
  } catch (error) {
    error.message += `\n--- code-server log (tail) ---\n${server.log().slice(-3000)}`;
    throw error;
  } finally {
    await browser?.close().catch(() => undefined);
    server.stop();
    await server.exited;
    rmSync(base, { recursive: true, force: true });
  }
}
