// `npm run fuzz [RUNS]`: the fuzz suite of `npm test` with many more cases per property
// (default 1,000; `npm test` runs 60). Prints the seed of any failure so it can be replayed.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureNpmDependencies, ensureServicePackages, root } from './ensure.mjs';

ensureNpmDependencies();
ensureServicePackages();
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
const runs = process.argv[2] ?? '1000';
execFileSync(
  join(root, 'node_modules', '.bin', 'mocha'),
  ['--recursive', '--timeout', '0', join(root, 'out', 'test', 'fuzz')],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: runs } },
);
