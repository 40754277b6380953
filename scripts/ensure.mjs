// Idempotent set-up steps shared by `npm start`, `npm test` and `npm run bench`.
// Each step checks first and returns fast when its tool is already there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PYTHON = '/usr/bin/python3';

function log(message) {
  process.stderr.write(`[ensure] ${message}\n`);
}

/** npm dependencies: `npm ci` when node_modules is missing or older than the lock file. */
export function ensureNpmDependencies() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

function pythonCan(code) {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', code], { stdio: 'ignore' }).status === 0;
}

let aptUpdated = false;
/** Installs Debian packages that are not installed yet (needs root, as in CI). */
export function ensureDebianPackages(packages) {
  const missing = packages.filter(
    (name) =>
      spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes(
        'install ok installed',
      ) !== true,
  );
  if (missing.length === 0) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  if (!aptUpdated) {
    execFileSync(
      sudo[0] ?? 'apt-get',
      [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'update', '-qq'],
      {
        stdio: 'inherit',
        env,
      },
    );
    aptUpdated = true;
  }
  const args = ['install', '-y', '-qq', '--no-install-recommends', ...missing];
  execFileSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], {
    stdio: 'inherit',
    env,
  });
}

/** The Python oracle: Debian's oslo.policy, run with /usr/bin/python3. */
export function ensureOracle() {
  if (pythonCan('import oslo_policy.policy')) return;
  ensureDebianPackages(['python3-oslo.policy']);
}

/** The service packages whose registered defaults the zed (bookworm) catalog holds. */
export const BOOKWORM_SERVICE_PACKAGES = JSON.parse(
  readFileSync(join(root, 'scripts', 'catalog', 'packages-zed.json'), 'utf8'),
);

export function ensureServicePackages() {
  ensureOracle();
  ensureDebianPackages(BOOKWORM_SERVICE_PACKAGES);
}
