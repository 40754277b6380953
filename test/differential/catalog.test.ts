import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSample } from '../../server/src/core/catalog/sampleFormat';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { PYTHON, repoRoot } from '../support/paths';

/** Every zed namespace: all dumped from the bookworm packages `npm test` installs (scripts/catalog/packages-zed.json). */
const BOOKWORM_NAMESPACES = openBuiltInCatalog()?.namespaces('zed') ?? [];

describe('the committed zed catalog against the installed services', function () {
  this.timeout(300_000);
  const catalog = openBuiltInCatalog();

  it('holds exactly what oslo.policy reports for every bookworm namespace', () => {
    assert.ok(catalog);
    const out = mkdtempSync(join(tmpdir(), 'os-policy-catalog-'));
    const run = spawnSync(
      PYTHON,
      [join(repoRoot(), 'scripts', 'catalog', 'dump_policies.py'), out, 'zed', 'bookworm'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 0, run.stderr);
    for (const namespace of BOOKWORM_NAMESPACES) {
      const fresh = JSON.parse(readFileSync(join(out, `${namespace}.json`), 'utf8')) as { rules: unknown[] };
      const committed = JSON.parse(
        readFileSync(join(repoRoot(), 'catalog', 'zed', `${namespace}.json`), 'utf8'),
      ) as {
        rules: unknown[];
      };
      assert.deepEqual(committed.rules, fresh.rules, namespace);
    }
  });

  it('prints sample files as oslopolicy-sample-generator does', () => {
    assert.ok(catalog);
    for (const namespace of BOOKWORM_NAMESPACES) {
      const theirs = spawnSync('oslopolicy-sample-generator', ['--namespace', namespace], {
        encoding: 'utf8',
      });
      assert.equal(theirs.status, 0, theirs.stderr);
      // Documented difference: a list of methods (Keystone) prints one line per method here.
      const normalized = theirs.stdout.replace(
        /^# \[([^\]]*)\] {2}(.*)$/gm,
        (_, methods: string, path: string) =>
          methods
            .split(', ')
            .map((method) => `# ${method.slice(1, -1)}  ${path}`)
            .join('\n'),
      );
      assert.equal(formatSample(catalog.get(namespace, 'zed')!), normalized, namespace);
    }
  });
});
