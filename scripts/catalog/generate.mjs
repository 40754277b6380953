// Generates the built-in catalogs: the registered policy defaults of every OpenStack service
// namespace Debian ships, per release, dumped by oslo.policy itself (dump_policies.py).
//
//   node scripts/catalog/generate.mjs zed|epoxy|victoria|all
//
// zed (2022.2) is read on the bookworm host. epoxy (2025.1, trixie) and victoria (2020.2,
// bullseye) are read in a debootstrap chroot of their suite under .cache/chroots/, because
// their Python packages do not install on bookworm. Every step is idempotent; needs root.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages, root } from '../ensure.mjs';

const RELEASES = [
  { name: 'victoria', alias: '2020.2', suite: 'bullseye' },
  { name: 'zed', alias: '2022.2', suite: 'bookworm', host: true },
  { name: 'epoxy', alias: '2025.1', suite: 'trixie' },
];
const here = join(root, 'scripts', 'catalog');
const catalogDir = join(root, 'catalog');

function log(message) {
  process.stderr.write(`[catalog] ${message}\n`);
}

function mirror() {
  const sources = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
  return /URIs:\s*(\S+\/debian)\s*$/m.exec(sources)?.[1] ?? 'http://deb.debian.org/debian';
}

function packagesOf(release) {
  return JSON.parse(readFileSync(join(here, `packages-${release.name}.json`), 'utf8'));
}

function inChroot(dir, args, options = {}) {
  return execFileSync('chroot', [dir, ...args], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LANG: 'C.UTF-8', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    ...options,
  });
}

/** A chroot of the release's suite with its service packages installed. */
function ensureChroot(release) {
  ensureDebianPackages(['debootstrap']);
  const dir = join(root, '.cache', 'chroots', release.suite);
  if (!existsSync(join(dir, 'usr', 'bin', 'python3'))) {
    log(`debootstrap ${release.suite} into ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('debootstrap', ['--variant=minbase', release.suite, dir, mirror()], { stdio: 'inherit' });
  }
  // No daemon may start inside the chroot.
  writeFileSync(join(dir, 'usr', 'sbin', 'policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const mounted = spawnSync('mountpoint', ['-q', join(dir, 'proc')]).status === 0;
  if (!mounted) execFileSync('mount', ['-t', 'proc', 'proc', join(dir, 'proc')]);
  try {
    const wanted = packagesOf(release);
    const missing = wanted.filter(
      (name) =>
        spawnSync('chroot', [dir, 'dpkg-query', '-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes(
          'install ok installed',
        ) !== true,
    );
    if (missing.length > 0) {
      log(`installing in the ${release.suite} chroot: ${missing.join(' ')}`);
      inChroot(dir, ['apt-get', 'update', '-qq']);
      // One by one, so one broken package does not stop the others.
      for (const name of missing) {
        const result = spawnSync('chroot', [dir, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', name], {
          stdio: 'inherit',
          env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
        });
        if (result.status !== 0) log(`could not install ${name} in ${release.suite}`);
      }
    }
  } finally {
    if (!mounted) spawnSync('umount', [join(dir, 'proc')]);
  }
  return dir;
}

function dump(release) {
  const out = join(catalogDir, release.name);
  rmSync(out, { recursive: true, force: true });
  if (release.host) {
    ensureDebianPackages(packagesOf(release));
    execFileSync('/usr/bin/python3', [join(here, 'dump_policies.py'), out, release.name, release.suite], {
      stdio: 'inherit',
    });
    return;
  }
  const dir = ensureChroot(release);
  const inside = join(dir, 'tmp', 'os-policy-catalog');
  rmSync(inside, { recursive: true, force: true });
  mkdirSync(inside, { recursive: true });
  copyFileSync(join(here, 'dump_policies.py'), join(inside, 'dump_policies.py'));
  inChroot(dir, ['python3', '/tmp/os-policy-catalog/dump_policies.py', '/tmp/os-policy-catalog/out', release.name, release.suite]);
  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(join(inside, 'out'))) copyFileSync(join(inside, 'out', file), join(out, file));
}

/** `catalog/index.json` from whatever release folders exist. */
export function writeIndex() {
  const entries = [];
  const releases = [];
  for (const release of RELEASES) {
    const dir = join(catalogDir, release.name);
    if (!existsSync(dir)) continue;
    // Every namespace's rule names in one small file: detecting a file's service by its content
    // needs them all, and reading 40 catalogs for that cost ~25 ms of opening such a file.
    const names = {};
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
      const data = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      entries.push({ namespace: data.namespace, release: release.name, count: data.rules.length, file: `${release.name}/${file}` });
      names[data.namespace] = data.rules.map((rule) => rule.n);
    }
    const namesFile = `${release.name}.names.json`;
    writeFileSync(join(catalogDir, namesFile), `${JSON.stringify(names)}\n`);
    releases.push({ name: release.name, alias: release.alias, names: namesFile });
  }
  writeFileSync(join(catalogDir, 'index.json'), `${JSON.stringify({ releases, entries })}\n`);
  log(`index: ${entries.length} namespace catalogs in ${releases.map((r) => r.name).join(', ')}`);
}

const wanted = process.argv[2] ?? 'all';
// `node scripts/catalog/generate.mjs index`: only the index and name files, from the catalogs there.
if (wanted === 'index') {
  writeIndex();
  process.exit(0);
}
const selected = wanted === 'all' ? RELEASES : RELEASES.filter((release) => release.name === wanted);
if (selected.length === 0) {
  process.stderr.write('usage: node scripts/catalog/generate.mjs zed|epoxy|victoria|all|index\n');
  process.exit(2);
}
for (const release of selected) {
  const started = Date.now();
  try {
    dump(release);
    log(`${release.name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } catch (error) {
    log(`${release.name} failed: ${error.message}`);
    if (wanted !== 'all') process.exitCode = 1;
  }
}
writeIndex();
