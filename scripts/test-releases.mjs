// `npm run test:releases`: the persona × rule and simulation suites for the releases read in
// chroots (epoxy, victoria), each against oslo.policy and the services of its own Debian suite.
// Needs the chroots that `node scripts/catalog/generate.mjs <release>` builds (root); not part of `npm test`,
// whose CI machine is bookworm (zed) only.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './ensure.mjs';

const releases = { epoxy: 'trixie', victoria: 'bullseye' };
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
let failed = false;
for (const [release, suite] of Object.entries(releases)) {
  const chroot = join(root, '.cache', 'chroots', suite);
  if (!existsSync(join(chroot, 'usr', 'bin', 'python3'))) {
    process.stderr.write(
      `${release}: no chroot at ${chroot}: run node scripts/catalog/generate.mjs ${release} first\n`,
    );
    failed = true;
    continue;
  }
  try {
    execFileSync(
      join(root, 'node_modules', '.bin', 'mocha'),
      [
        '--timeout',
        '900000',
        ...['personas', 'simulate'].map((suite) =>
          join(root, 'out', 'test', 'differential', `${suite}.test.js`),
        ),
      ],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, OS_POLICY_RELEASE: release, OS_POLICY_ORACLE_CHROOT: chroot },
      },
    );
  } catch {
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
