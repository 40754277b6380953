// Runs the VS Code suite (test/vscode/suite) inside code-server, opened in headless Chromium:
// installs the packaged .vsix and the test-runner extension into fresh folders, starts
// code-server on 127.0.0.1, connects a browser (the extension host starts with a window),
// waits for the suite's result file, takes screenshots, and stops everything.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../ensure.mjs';
import { ensureChromium, ensureCodeServer } from './codeServerEnv.mjs';

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check, timeoutMs, what) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function runVsCodeSuite({ vsix, workspace, suite, screenshotsDir, timeoutMs = 240_000 }) {
  const { node24, codeServer } = ensureCodeServer();
  const chromium = ensureChromium();
  const base = mkdtempSync(join(tmpdir(), 'os-policy-code-server-'));
  const userData = join(base, 'user-data');
  const extensions = join(base, 'extensions');
  const resultFile = join(base, 'results.json');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'workbench.tips.enabled': false,
      'editor.codeLens': true,
    }),
  );
  const started = Date.now();
  execFileSync(
    node24,
    [codeServer, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix],
    { stdio: 'ignore' },
  );
  // The test runner is installed the same way (a folder copied in would be marked as removed).
  const runnerDir = join(base, 'runner');
  cpSync(join(root, 'test', 'vscode', 'runner'), runnerDir, { recursive: true });
  const runnerVsix = join(base, 'runner.vsix');
  execFileSync(
    join(root, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', runnerVsix],
    {
      cwd: runnerDir,
      stdio: 'ignore',
    },
  );
  execFileSync(
    node24,
    [
      codeServer,
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      '--install-extension',
      runnerVsix,
    ],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const log = [];
  const server = spawn(
    node24,
    [
      codeServer,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      workspace,
    ],
    {
      env: { ...process.env, OS_POLICY_VSCODE_SUITE: suite, OS_POLICY_VSCODE_SUITE_RESULT: resultFile },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  server.stdout.on('data', (chunk) => log.push(chunk.toString()));
  server.stderr.on('data', (chunk) => log.push(chunk.toString()));
  const { chromium: playwright } = await import('playwright-core');
  let browser;
  try {
    await waitFor(() => log.join('').includes('HTTP server listening'), 60_000, 'code-server to listen');
    browser = await playwright.launch({
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const results = await waitFor(
      () => (existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : null),
      timeoutMs,
      'the VS Code suite',
    );
    const suiteSeconds = (Date.now() - started) / 1000;
    if (screenshotsDir) await uiScenario(page, screenshotsDir);
    return { ...results, seconds: suiteSeconds };
  } catch (error) {
    error.message += `\n--- code-server log (tail) ---\n${log.join('').slice(-3000)}`;
    throw error;
  } finally {
    await browser?.close().catch(() => undefined);
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

/** The UI-level check: a policy file open, its code lenses drawn, a hover shown; screenshots saved. */
async function uiScenario(page, screenshotsDir) {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  await page.keyboard.type('glance/policy.yaml');
  await page.waitForTimeout(800);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.codelens-decoration a', { timeout: 30_000 });
  const lens = await page.locator('.codelens-decoration a').first().textContent();
  await page.screenshot({ path: join(screenshotsDir, 'code-lens.png') });
  const word = page.locator('.view-line span', { hasText: 'get_image' }).first();
  await word.hover();
  await page.waitForSelector('.monaco-hover-content', { timeout: 15_000 });
  const hover = await page.locator('.monaco-hover-content').first().textContent();
  await page.screenshot({ path: join(screenshotsDir, 'hover.png') });
  if (!lens || !hover || !hover.includes('images'))
    throw new Error(`UI check failed: lens ${lens}, hover ${hover}`);
}
