// `npm start`: installs what is missing, builds, then runs the main job: checks every policy
// file of examples/ with the CLI (the editor part takes over once the extension is built).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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

const files = policyFiles(join(root, 'examples')).map((path) => relative(root, path));
process.stdout.write(`os-policy check ${files.join(' ')}\n\n`);
spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'check', ...files], {
  cwd: root,
  stdio: 'inherit',
});
