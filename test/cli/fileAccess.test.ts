import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';

const LATIN_1 = Buffer.from('# r\xe9vis\xe9\n"a": "role:x"\n', 'latin1');

const scratch = (): string => mkdtempSync(join(tmpdir(), 'os-policy-files-'));

describe('os-policy and files it cannot read or write', function () {
  this.timeout(60_000);

  for (const args of [
    ['upgrade', '--write'],
    ['redundant', '--remove', '--write'],
  ]) {
    it(`${args.join(' ')} leaves a file that is not UTF-8 as it was and exits 2`, () => {
      const path = join(scratch(), 'policy.yaml');
      writeFileSync(path, LATIN_1);
      const run = runCli([args[0], path, ...args.slice(1)]);
      assert.equal(run.status, 2, run.stderr);
      assert.match(
        run.stderr,
        /^os-policy \w+: cannot read .*policy\.yaml: UnicodeDecodeError: 'utf-8' codec/,
      );
      assert.deepEqual(readFileSync(path), LATIN_1);
    });
  }

  it('upgrade --output does not create the output of a file that is not UTF-8', () => {
    const directory = scratch();
    writeFileSync(join(directory, 'policy.yaml'), LATIN_1);
    const run = runCli(['upgrade', 'policy.yaml', '--output', 'out.yaml'], { cwd: directory });
    assert.equal(run.status, 2, run.stderr);
    assert.equal(existsSync(join(directory, 'out.yaml')), false);
  });

  it('upgrade, redundant and convert refuse a missing file or a folder and create nothing', () => {
    const directory = scratch();
    mkdirSync(join(directory, 'folder'));
    for (const args of [
      ['upgrade', 'missing.yaml', '--write'],
      ['upgrade', 'missing.yaml'],
      ['redundant', 'missing.yaml'],
      ['redundant', 'missing.yaml', '--remove', '--write'],
      ['convert', 'missing.json', '--output', 'out.yaml'],
      ['upgrade', 'folder', '--write'],
      ['redundant', 'folder'],
    ]) {
      const run = runCli(args, { cwd: directory });
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^os-policy \w+: cannot read (missing\.(yaml|json)|folder): E[A-Z]+: /);
      assert.equal(run.stdout, '');
    }
    assert.equal(existsSync(join(directory, 'missing.yaml')), false);
    assert.equal(existsSync(join(directory, 'out.yaml')), false);
  });

  it('an output that cannot be written is a one-line error, not a stack trace', () => {
    const directory = scratch();
    writeFileSync(join(directory, 'policy.yaml'), '"a": "role:x"\n');
    for (const output of ['.', join('no', 'such', 'folder', 'out.yaml')]) {
      const run = runCli(['upgrade', 'policy.yaml', '--output', output], { cwd: directory });
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /^os-policy upgrade: cannot write .*: E[A-Z]+: [^\n]*\n$/);
    }
  });

  it('matrix and simulate refuse a policy file that is not there or is a folder (exit 2)', () => {
    const directory = scratch();
    mkdirSync(join(directory, 'folder'));
    for (const args of [
      ['matrix', 'missing.yaml'],
      ['matrix', 'folder', '--namespace', 'glance'],
      ['simulate', 'missing.yaml', '--rule', 'get_image'],
    ]) {
      const run = runCli(args, { cwd: directory });
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^os-policy \w+: cannot read (missing\.yaml|folder): E[A-Z]+: /);
      assert.equal(run.stdout, '');
    }
  });

  it('simulate answers for a file that is not UTF-8 as the service would: loading it raises', () => {
    const path = join(scratch(), 'policy.yaml');
    writeFileSync(path, LATIN_1);
    const run = runCli(['simulate', path, '--rule', 'a', '--persona', 'project_reader']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /loading the policy: raises UnicodeDecodeError/);
  });

  it('check skips a FIFO in a folder it walks and says so, instead of blocking on it', () => {
    const directory = scratch();
    writeFileSync(join(directory, 'policy.yaml'), 'a: "@"\n');
    execFileSync('mkfifo', [join(directory, 'f.yaml')]);
    const run = runCli(['check', '.'], { cwd: directory, timeoutMs: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, 'os-policy check: skipped f.yaml: a FIFO, not a regular file\n');
  });

  it('a FIFO in policy.d is no layer: check of the main file does not block on it', () => {
    const directory = scratch();
    writeFileSync(join(directory, 'policy.yaml'), 'a: "@"\n');
    mkdirSync(join(directory, 'policy.d'));
    writeFileSync(join(directory, 'policy.d', '10-site.yaml'), 'b: "rule:a"\n');
    execFileSync('mkfifo', [join(directory, 'policy.d', '20-f.yaml')]);
    const run = runCli(['check', 'policy.yaml', '--format', 'json'], { cwd: directory, timeoutMs: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { files: unknown[] }).files.length, 1);
  });

  it('check reads a device no further than the size limit: /dev/zero gets file-too-large', () => {
    const run = runCli(['check', '/dev/zero'], { timeoutMs: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      /^\/dev\/zero:1:1: warning: Not checked: the file goes on past the 10 MB this tool analyses\..*\[file-too-large\]$/m,
    );
  });

  it('a file above the size limit keeps its size in the warning and is never rewritten', () => {
    const path = join(scratch(), 'policy.yaml');
    const text = '"a": "role:x"\n'.repeat(800_000);
    writeFileSync(path, text);
    const check = runCli(['check', path]);
    assert.match(check.stdout, /warning: Not checked: the file is 10\.7 MB, above the 10 MB/);
    const upgrade = runCli(['upgrade', path, '--write']);
    assert.equal(upgrade.status, 2, upgrade.stderr);
    assert.match(upgrade.stderr, /cannot read .*: the file is 10\.7 MB, above the 10 MB this tool analyses/);
    assert.equal(readFileSync(path, 'utf8'), text);
  });

  it('a --policy-dir that is not there is a one-line error (exit 2), not a stack trace', () => {
    const directory = scratch();
    writeFileSync(join(directory, 'policy.yaml'), '"a": "role:x"\n');
    for (const command of [['check'], ['matrix'], ['simulate', '--rule', 'a']]) {
      const run = runCli([command[0], 'policy.yaml', ...command.slice(1), '--policy-dir', 'missing.d'], {
        cwd: directory,
      });
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /^os-policy \w+: --policy-dir missing\.d: ENOENT: [^\n]*\n$/);
    }
  });
});
