import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { repoRoot } from '../support/paths';

// A deprecated cinder name: `upgrade` rewrites it, so the file's text changes.
const DEPRECATED = '"volume_extension:types_manage": "role:admin"\n';
const UPGRADE = ['--service', 'cinder', '--release', 'zed'];

const scratch = (): string => mkdtempSync(join(tmpdir(), 'os-policy-atomic-'));

/** The CLI with a `--require` hook that makes one `fs` call fail, as a full disk would. */
function runWithFailing(call: 'writeSync' | 'renameSync' | 'fsyncSync', args: string[], cwd: string) {
  const hook = join(mkdtempSync(join(tmpdir(), 'os-policy-hook-')), 'fail.js');
  writeFileSync(
    hook,
    [
      "const fs = require('fs');",
      `fs.${call} = () => { const e = new Error('ENOSPC: no space left on device, ${call}'); e.code = 'ENOSPC'; throw e; };`,
    ].join('\n'),
  );
  return spawnSync(process.execPath, ['--require', hook, join(repoRoot(), 'dist', 'cli.js'), ...args], {
    cwd,
    encoding: 'utf8',
  });
}

describe('os-policy --write replaces the file atomically', function () {
  this.timeout(60_000);

  for (const mode of [0o640, 0o600, 0o755]) {
    it(`upgrade --write keeps mode ${mode.toString(8)} and leaves no temporary file`, () => {
      const directory = scratch();
      const path = join(directory, 'policy.yaml');
      writeFileSync(path, DEPRECATED);
      chmodSync(path, mode);
      const before = statSync(path);
      const run = runCli(['upgrade', 'policy.yaml', '--write', ...UPGRADE], { cwd: directory });
      assert.equal(run.status, 0, run.stderr);
      const after = statSync(path);
      assert.notEqual(readFileSync(path, 'utf8'), DEPRECATED, 'the file was rewritten');
      assert.equal(after.mode & 0o7777, mode);
      // Renamed over, not truncated and rewritten: a reader holds the old file or the new one.
      assert.notEqual(after.ino, before.ino);
      assert.deepEqual(readdirSync(directory), ['policy.yaml']);
    });
  }

  it('redundant --remove --write through a link replaces the linked file and keeps the link', () => {
    const directory = scratch();
    // glance's context_is_admin default, redundant: --remove drops it.
    writeFileSync(join(directory, 'real.yaml'), '"context_is_admin": "role:admin"\n"a": "@"\n');
    symlinkSync('real.yaml', join(directory, 'policy.yaml'));
    const run = runCli(['redundant', 'policy.yaml', '--remove', '--write', '--service', 'glance'], {
      cwd: directory,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(readFileSync(join(directory, 'real.yaml'), 'utf8'), '"a": "@"\n');
    assert.equal(readdirSync(directory).sort().join(' '), 'policy.yaml real.yaml');
    assert.equal(
      readFileSync(join(directory, 'real.yaml'), 'utf8'),
      readFileSync(join(directory, 'policy.yaml'), 'utf8'),
    );
    assert.ok(spawnSync('test', ['-L', join(directory, 'policy.yaml')]).status === 0, 'still a link');
  });

  for (const call of ['writeSync', 'fsyncSync', 'renameSync'] as const) {
    it(`a failing ${call} leaves the original untouched, removes the temporary file and exits 2`, () => {
      const directory = scratch();
      const path = join(directory, 'policy.yaml');
      writeFileSync(path, DEPRECATED);
      chmodSync(path, 0o640);
      const before = statSync(path);
      const run = runWithFailing(call, ['upgrade', 'policy.yaml', '--write', ...UPGRADE], directory);
      assert.equal(run.status, 2, run.stderr);
      assert.equal(
        run.stderr,
        `os-policy upgrade: cannot write policy.yaml: ENOSPC: no space left on device, ${call}\n`,
      );
      assert.equal(readFileSync(path, 'utf8'), DEPRECATED);
      assert.equal(statSync(path).ino, before.ino);
      assert.deepEqual(readdirSync(directory), ['policy.yaml']);
    });
  }

  it('--output to a new file creates it; --output to a FIFO writes into the pipe, not over it', () => {
    const directory = scratch();
    writeFileSync(join(directory, 'policy.yaml'), DEPRECATED);
    const created = runCli(['upgrade', 'policy.yaml', '--output', 'new.yaml', ...UPGRADE], {
      cwd: directory,
    });
    assert.equal(created.status, 0, created.stderr);
    assert.equal(readdirSync(directory).sort().join(' '), 'new.yaml policy.yaml');
    execFileSync('mkfifo', [join(directory, 'pipe')]);
    const cli = [process.execPath, join(repoRoot(), 'dist', 'cli.js'), 'upgrade', 'policy.yaml'];
    const script = `cat pipe > got & "$@" --output pipe ${UPGRADE.join(' ')}; wait`;
    execFileSync('sh', ['-c', script, 'sh', ...cli], { cwd: directory, timeout: 30_000 });
    assert.ok(statSync(join(directory, 'pipe')).isFIFO());
    assert.equal(
      readFileSync(join(directory, 'got'), 'utf8'),
      readFileSync(join(directory, 'new.yaml'), 'utf8'),
    );
  });
});
