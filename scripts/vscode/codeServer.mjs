// Starting code-server for the tests and for `npm start`: a private user-data and extensions
// folder, extensions installed from .vsix files, bound to 127.0.0.1 without auth.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ensureCodeServer } from './codeServerEnv.mjs';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'editor.codeLens': true,
  'editor.hover.delay': 200,
  'editor.minimap.enabled': false,
};

/**
 * Installs `vsixFiles` into fresh folders under `base` and starts code-server on `workspace`.
 * Resolves once it listens: `{ url, port, stop(), log() }`.
 */
export async function startCodeServer({ base, vsixFiles, workspace, env = {}, port }) {
  const { node24, codeServer } = ensureCodeServer();
  const userData = join(base, 'user-data');
  const extensions = join(base, 'extensions');
  // An explicit config file: code-server would otherwise write one under ~/.config.
  const config = join(base, 'config.yaml');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  writeFileSync(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];
  for (const vsix of vsixFiles)
    execFileSync(node24, [codeServer, ...common, '--install-extension', vsix], { stdio: 'pipe' });
  const listenPort = port ?? (await freePort());
  const output = [];
  const server = spawn(
    node24,
    [
      codeServer,
      ...common,
      '--bind-addr',
      `127.0.0.1:${listenPort}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let exited = null;
  server.on('exit', (code, signal) => (exited = signal ?? code));
  const listening = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output.push(chunk.toString());
      if (output.join('').includes('HTTP server listening')) resolve();
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', () => reject(new Error(`code-server exited (${exited}):\n${output.join('')}`)));
  });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`code-server did not listen in 60 s:\n${output.join('')}`)),
      60_000,
    );
  });
  try {
    await Promise.race([listening, timeout]);
  } catch (error) {
    process.kill(-server.pid, 'SIGTERM');
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    port: listenPort,
    url: `http://127.0.0.1:${listenPort}/?folder=${encodeURIComponent(workspace)}`,
    log: () => output.join(''),
    stop: () => {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    },
    exited: new Promise((resolve) => server.on('exit', resolve)),
  };
}
