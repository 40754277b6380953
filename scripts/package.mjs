// `npm run package`: builds, then packs the extension into os-policy-<version>.vsix with
// @vscode/vsce, offline: the bundles need no node_modules (--no-dependencies) and .vscodeignore
// is a whitelist. Prints the package's size.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNpmDependencies, root } from './ensure.mjs';

export function packageExtension() {
  const { version, name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const out = join(root, `${name}-${version}.vsix`);
  execFileSync(
    join(root, 'node_modules', '.bin', 'vsce'),
    [
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      '--no-rewrite-relative-links',
      '--no-update-package-json',
      '-o',
      out,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  process.stderr.write(`[package] ${out}: ${(statSync(out).size / 1024).toFixed(0)} KB\n`);
  return out;
}

if (process.argv[1]?.endsWith('package.mjs')) {
  ensureNpmDependencies();
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  packageExtension();
}
