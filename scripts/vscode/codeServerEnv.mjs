// A local VS Code for the extension's tests where VS Code desktop cannot be downloaded: npm's
// code-server (VS Code with a Node extension host) run by Node 24 from npm's `node` package,
// opened in Debian's headless Chromium through playwright-core. Installed under
// .cache/vscode-env (git-ignored), idempotently; a second call returns at once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages, root } from '../ensure.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.9.0';
const envDir = join(root, '.cache', 'vscode-env');

export function codeServerPaths() {
  return {
    node24: join(envDir, 'node_modules', 'node', 'bin', 'node'),
    codeServer: join(envDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

export function ensureChromium() {
  ensureDebianPackages(['chromium']);
  return '/usr/bin/chromium';
}

export function ensureCodeServer() {
  const paths = codeServerPaths();
  if (existsSync(paths.node24) && existsSync(paths.codeServer)) return paths;
  // One native module of code-server builds against Kerberos headers.
  ensureDebianPackages(['libkrb5-dev', 'build-essential', 'python3']);
  mkdirSync(envDir, { recursive: true });
  writeFileSync(
    join(envDir, 'package.json'),
    JSON.stringify({ name: 'os-policy-vscode-env', private: true }),
  );
  process.stderr.write(
    `[vscode-env] installing node@${NODE24_VERSION} and code-server@${CODE_SERVER_VERSION} (once)\n`,
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', `node@${NODE24_VERSION}`], {
    cwd: envDir,
    stdio: 'inherit',
  });
  // code-server's install scripts must run under Node 24.
  const bin = join(envDir, 'node_modules', 'node', 'bin');
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--unsafe-perm', `code-server@${CODE_SERVER_VERSION}`],
    {
      cwd: envDir,
      stdio: 'inherit',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, npm_config_nodedir: '' },
    },
  );
  if (!existsSync(paths.codeServer))
    throw new Error(`code-server did not install: ${paths.codeServer} is missing`);
  return paths;
}

if (process.argv[1] && process.argv[1].endsWith('codeServerEnv.mjs')) {
  ensureChromium();
  console.log(ensureCodeServer());
}
