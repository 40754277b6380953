import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';

describe('os-policy matrix --diff with policy files on either side', function () {
  this.timeout(60_000);

  const folder = (): string => {
    const directory = mkdtempSync(join(tmpdir(), 'os-policy-diff-'));
    writeFileSync(join(directory, 'admin.yaml'), '"get_image": "role:admin"\n');
    writeFileSync(join(directory, 'reader.yaml'), '"get_image": "role:reader"\n');
    return directory;
  };

  it('diffs a file against another file over the same defaults', () => {
    const run = runCli(
      ['matrix', '--diff', 'admin.yaml', 'reader.yaml', '--namespace', 'glance', '--release', 'zed'],
      { cwd: folder() },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Role matrix diff: admin\.yaml \(glance zed\) → reader\.yaml \(glance zed\)\n/);
    assert.match(run.stdout, /^project_member: gained 1, lost 0, changed 0\n {2}\+ get_image \(GET /m);
  });

  it('diffs a file (side A) against the defaults of a release (side B)', () => {
    const run = runCli(
      ['matrix', '--diff', 'admin.yaml', 'glance@zed', '--namespace', 'glance', '--release', 'zed'],
      { cwd: folder() },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Role matrix diff: admin\.yaml \(glance zed\) → glance@zed\n/);
    assert.match(run.stdout, /^project_reader: gained 1, lost 0, changed 0\n {2}\+ get_image /m);
  });
});
