// `npm run bench`: builds, then prints every benchmark side by side with its reference.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNpmDependencies, ensureOracle, root } from './ensure.mjs';

ensureNpmDependencies();
ensureOracle();
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
const benchDir = join(root, 'out', 'test', 'bench');
// `node scripts/bench.mjs hostile` runs only hostileBench, and so on.
const only = process.argv.slice(2);
for (const name of readdirSync(benchDir)
  .filter((file) => file.endsWith('Bench.js'))
  .filter((file) => only.length === 0 || only.some((prefix) => file.startsWith(prefix)))
  .sort()) {
  process.stdout.write(`\n== ${name.replace(/\.js$/, '')} ==\n`);
  execFileSync(process.execPath, ['--expose-gc', join(benchDir, name)], { cwd: root, stdio: 'inherit' });
}
