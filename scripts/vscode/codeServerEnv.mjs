// A local VS Code for the extension's tests where VS Code desktop cannot be downloaded: npm's
// code-server (VS Code with a Node extension host) run by Node 24 from npm's `node` package,
// opened in Debian's headless Chromium through playwright-core. Installed once per machine under
// ~/.cache/os-policy (or $OS_POLICY_CACHE), outside the clone so that fresh clones (CI) reuse
// it; a second call returns at once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages, root } from '../ensure.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.9.0';
const envDir = join(
  process.env.OS_POLICY_CACHE ?? join(homedir(), '.cache', 'os-policy'),
  `vscode-env-${CODE_SERVER_VERSION}`,
);

export function codeServerPaths() {
  return {
    node24: join(envDir, 'node_modules', 'node', 'bin', 'node'),
    codeServer: join(envDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

export function ensureChromium() {
  // The verdicts are emoji (✅ ❌ 🔍): without a colour emoji font they draw as boxes.
  ensureDebianPackages(['chromium', 'fonts-noto-color-emoji']);
  return '/usr/bin/chromium';
}

export function ensureCodeServer() {
  const paths = codeServerPaths();
  // Written last: an interrupted install (native builds take minutes) is redone, not trusted.
  const marker = join(envDir, `installed-${CODE_SERVER_VERSION}-${NODE24_VERSION}`);
  if (existsSync(marker) && existsSync(paths.node24) && existsSync(paths.codeServer)) return paths;
  // One native module of code-server builds against Kerberos headers.
  ensureDebianPackages(['libkrb5-dev', 'build-essential', 'python3']);
  mkdirSync(envDir, { recursive: true });
  writeFileSync(
    join(envDir, 'package.json'),
    JSON.stringify({
      name: 'os-policy-vscode-env',
      private: true,
      // npm 11 asks for approval of install scripts: node's fetches its binary (from npm),
      // code-server's installs VS Code's own dependencies and builds their native modules.
      allowScripts: { node: true, 'code-server': true, argon2: true },
    }),
  );
  process.stderr.write(
    `[vscode-env] installing node@${NODE24_VERSION} and code-server@${CODE_SERVER_VERSION} (once)\n`,
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', `node@${NODE24_VERSION}`], {
    cwd: envDir,
    stdio: 'inherit',
  });
  // code-server's install scripts must run under Node 24. Under `npm test` the environment
  // carries the outer npm's settings, among them `npm_config_user_agent` naming Node 20, which
  // code-server's postinstall reads as the Node version: the inner npm starts without them.
  const bin = join(envDir, 'node_modules', 'node', 'bin');
  const outsideNpm = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: envDir,
    stdio: 'inherit',
    env: { ...outsideNpm, PATH: `${bin}:${process.env.PATH}`, npm_config_nodedir: '' },
  });
  for (const path of [paths.node24, paths.codeServer])
    if (!existsSync(path)) throw new Error(`code-server did not install: ${path} is missing`);
  writeFileSync(marker, new Date().toISOString());
  return paths;
}

if (process.argv[1] && process.argv[1].endsWith('codeServerEnv.mjs')) {
  ensureChromium();
  console.log(ensureCodeServer());
}
