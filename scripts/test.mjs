// `npm test`: installs what is missing, builds, lints and runs every test tier in order.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureNpmDependencies, ensureServicePackages, root } from './ensure.mjs';

ensureNpmDependencies();
const { tiers } = await import('./tiers.mjs');

const only = process.argv.slice(2);
const started = Date.now();
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (only.length === 0 || only.includes('lint')) {
  execFileSync('npm', ['run', '--silent', 'lint'], {
    cwd: root,
    stdio: 'inherit',
  });
}
for (const tier of tiers) {
  if (only.length > 0 && !only.includes(tier.name)) continue;
  const tierStart = Date.now();
  process.stderr.write(`\n=== tier: ${tier.name} ===\n`);
  if (tier.needsServices) ensureServicePackages();
  await tier.run();
  process.stderr.write(
    `=== tier ${tier.name} passed in ${((Date.now() - tierStart) / 1000).toFixed(1)} s ===\n`,
  );
}
process.stderr.write(`\nall tiers passed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
