// `npm start`: installs what is missing, builds, checks every policy file of examples/ with the
// CLI, then opens examples/ in VS Code with the extension: the local `code` when there is one
// (extension loaded from this folder), otherwise a local code-server on 127.0.0.1 with the
// packaged .vsix installed, printing its URL and running until Ctrl+C.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureNpmDependencies, root } from './ensure.mjs';

ensureNpmDependencies();
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });

function policyFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return policyFiles(path);
    return /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

const examples = join(root, 'examples');
const files = policyFiles(examples).map((path) => relative(root, path));
process.stdout.write(`os-policy check ${files.join(' ')}\n\n`);
spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'check', ...files], {
  cwd: root,
  stdio: 'inherit',
});

if (process.env.CI || process.argv.includes('--no-editor')) {
  process.stdout.write('\n(not opening an editor: CI or --no-editor)\n');
  process.exit(0);
}

const hasCode = spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode) {
  process.stdout.write(
    `\nOpening ${relative(root, examples)}/ in VS Code with the extension from this folder…\n`,
  );
  spawnSync('code', ['--new-window', `--extensionDevelopmentPath=${root}`, examples], { stdio: 'inherit' });
  process.exit(0);
}

const portFree = (port) =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

process.stdout.write(
  '\nNo `code` on PATH: starting code-server (installed once under ~/.cache/os-policy)…\n',
);
const { packageExtension } = await import('./package.mjs');
const { startCodeServer } = await import('./vscode/codeServer.mjs');
const vsix = packageExtension();
const base = mkdtempSync(join(tmpdir(), 'os-policy-start-'));
const wanted = Number(process.env.PORT ?? 8080);
const server = await startCodeServer({
  base,
  vsixFiles: [vsix],
  workspace: examples,
  port: (await portFree(wanted)) ? wanted : undefined,
});
process.stdout.write(`\nOpen ${server.url}\n(code-server on 127.0.0.1 only; Ctrl+C stops it)\n`);
const stop = () => {
  server.stop();
  rmSync(base, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await server.exited;
rmSync(base, { recursive: true, force: true });
