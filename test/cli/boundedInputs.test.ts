import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';

const scratch = (): string => {
  const directory = mkdtempSync(join(tmpdir(), 'os-policy-inputs-'));
  writeFileSync(join(directory, 'policy.yaml'), '"a": "role:x"\n');
  return directory;
};

/** Every input besides the policy files, as each command names it. */
const INPUTS: { readonly name: string; readonly args: (input: string) => string[] }[] = [
  { name: 'eval --cases', args: (input) => ['eval', '--policy', 'policy.yaml', '--cases', input] },
  { name: 'check --catalog', args: (input) => ['check', 'policy.yaml', '--catalog', input] },
  { name: 'upgrade --catalog', args: (input) => ['upgrade', 'policy.yaml', '--catalog', input] },
  {
    name: 'simulate --creds @',
    args: (input) => ['simulate', 'policy.yaml', '--rule', 'a', '--creds', `@${input}`],
  },
  {
    name: 'simulate --target @',
    args: (input) => ['simulate', 'policy.yaml', '--rule', 'a', '--creds', '{}', '--target', `@${input}`],
  },
];

describe('os-policy reads every input no further than the size limit', function () {
  this.timeout(120_000);

  for (const input of INPUTS) {
    it(`${input.name} /dev/zero is a one-line error (exit 2), not a hang or an out-of-memory crash`, () => {
      const run = runCli(input.args('/dev/zero'), { cwd: scratch(), timeoutMs: 30_000 });
      assert.equal(run.status, 2, `status ${run.status}: ${run.stderr.slice(0, 500)}`);
      assert.match(
        run.stderr,
        /^os-policy \w+: [^\n]*cannot read[^\n]* \/dev\/zero: the file goes on past the 10 MB this tool analyses\n$/,
      );
    });
  }

  it('eval --cases of a regular file above the limit gives its size and exits 2', () => {
    const directory = scratch();
    writeFileSync(join(directory, 'cases.json'), `[${'{"rule": "a"},'.repeat(800_000)}{"rule": "a"}]`);
    const run = runCli(['eval', '--policy', 'policy.yaml', '--cases', 'cases.json'], { cwd: directory });
    assert.equal(run.status, 2, run.stderr);
    assert.equal(
      run.stderr,
      'os-policy eval: cannot read cases.json: the file is 10.7 MB, above the 10 MB this tool analyses\n',
    );
    assert.equal(run.stdout, '');
  });

  it('eval --cases of an endless FIFO stops at the limit', () => {
    const directory = scratch();
    const fifo = join(directory, 'cases.json');
    execFileSync('mkfifo', [fifo]);
    // A writer that never ends: `yes` into the FIFO until the reader closes it.
    const writer = spawn('sh', ['-c', `exec yes '[' > "${fifo}"`], { stdio: 'ignore' });
    try {
      const run = runCli(['eval', '--policy', 'policy.yaml', '--cases', fifo], {
        cwd: directory,
        timeoutMs: 30_000,
      });
      assert.equal(run.status, 2, run.stderr);
      assert.match(
        run.stderr,
        /cannot read .*cases\.json: the file goes on past the 10 MB this tool analyses\n$/,
      );
    } finally {
      writer.kill();
    }
  });

  it('an input that is not UTF-8 is refused, not read with replacement characters', () => {
    const directory = scratch();
    writeFileSync(join(directory, 'creds.json'), Buffer.from('{"roles": ["r\xe9"]}', 'latin1'));
    const run = runCli(['simulate', 'policy.yaml', '--rule', 'a', '--creds', '@creds.json'], {
      cwd: directory,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^os-policy simulate: --creds: cannot read creds\.json: UnicodeDecodeError: /);
  });
});
