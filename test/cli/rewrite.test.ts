import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { runCli } from '../support/cli';
import { parsedByOslo } from '../support/oracle';
import { oracleDecisions } from '../support/sameMeaning';

const read = (path: string): string => readFileSync(path, 'utf8');

/** Every registered rule of the namespace in zed (bookworm's services, what the oracle loads). */
function registeredNames(namespace: string): string[] {
  return openBuiltInCatalog()!
    .get(namespace, 'zed')!
    .rules.map((rule) => rule.name);
}

describe('os-policy convert, upgrade and redundant', function () {
  this.timeout(120_000);

  it('convert writes a policy.yaml that oslo.policy loads with the same decisions as the policy.json', () => {
    const source = 'examples/keystone/policy.json';
    const run = runCli(['convert', source, '--release', 'zed']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^# Show user details\.\n# GET {2}\/v3\/users\/\{user_id\}/m);
    assert.match(run.stdout, /^#"admin_required": "role:admin or is_admin:1"$/m);
    const [before, after] = oracleDecisions(
      [{ 'policy.json': read(source) }, { 'policy.yaml': run.stdout }],
      ['keystone'],
      registeredNames('keystone'),
    );
    assert.equal(before.load_error, null);
    assert.equal(after.load_error, null);
    assert.deepEqual(after.results, before.results);
  });

  it('convert refuses a file that is not JSON', () => {
    const run = runCli(['convert', 'examples/glance/policy.yaml']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /not a JSON policy file/);
  });

  it('upgrade renames deprecated names and oslo.policy decides every rule as before', () => {
    const source = 'test/fixtures/cli/cinder/policy.yaml';
    const run = runCli(['upgrade', source, '--release', 'zed']);
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /"group:group_types_manage"|"volume_extension:types_manage"/);
    assert.match(run.stdout, /"group:group_types:create": "role:admin or role:volume_admin"/);
    const [before, after] = oracleDecisions(
      [{ 'policy.yaml': read(source) }, { 'policy.yaml': `${run.stdout}\n` }],
      ['cinder'],
      registeredNames('cinder'),
    );
    assert.equal(after.load_error, null);
    assert.deepEqual(after.results, before.results);
    const check = runCli(['check', '-', '--service', 'cinder', '--release', 'zed'], { input: run.stdout });
    assert.doesNotMatch(check.stdout, /deprecated-name/);
  });

  it('redundant lists the overrides equal to their default (exit 1) and --remove drops them without changing a decision', () => {
    const source = 'test/fixtures/cli/cinder/policy.yaml';
    const list = runCli(['redundant', source, '--release', 'zed']);
    assert.equal(list.status, 1);
    assert.equal(
      list.stdout.trim(),
      'test/fixtures/cli/cinder/policy.yaml:4:1: "admin_api": "is_admin:True or (role:admin and is_admin_project:True)"',
    );
    const copy = join(mkdtempSync(join(tmpdir(), 'os-policy-redundant-')), 'policy.yaml');
    copyFileSync(source, copy);
    assert.equal(runCli(['redundant', copy, '--release', 'zed', '--remove', '--write']).status, 0);
    const removed = read(copy);
    assert.doesNotMatch(removed, /^"admin_api"/m);
    assert.match(removed, /"volume_extension:types_manage": "rule:admin_api"/);
    assert.equal(runCli(['redundant', copy, '--release', 'zed']).status, 0);
    const [before, after] = oracleDecisions(
      [{ 'policy.yaml': read(source) }, { 'policy.yaml': removed }],
      ['cinder'],
      registeredNames('cinder'),
    );
    assert.deepEqual(after.results, before.results);
  });

  it('redundant --remove drops consecutive and last entries of a JSON file, which oslo.policy loads the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'os-policy-redundant-json-'));
    const sources = [
      '{\n "add_image": "role:x",\n "context_is_admin": "role:admin",\n "default": ""\n}',
      '{"context_is_admin": "role:admin", "metadef_admin": "role:admin", "add_image": "role:x", "default": ""}',
      '{"context_is_admin": "role:admin", "default": ""}',
    ];
    for (const [index, source] of sources.entries()) {
      const path = join(dir, `${index}`, 'glance', 'policy.json');
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, source);
      const run = runCli(['redundant', path, '--release', 'zed', '--remove']);
      assert.equal(run.status, 0, run.stderr);
      const loaded = parsedByOslo([source, run.stdout]);
      const removed = Object.keys(loaded[0]).filter((name) => !(name in loaded[1]));
      assert.ok(removed.length >= 2, run.stdout);
      assert.ok(removed.every((name) => ['context_is_admin', 'metadef_admin', 'default'].includes(name)));
      for (const name of removed) delete loaded[0][name];
      assert.deepEqual(loaded[1], loaded[0]);
      const [before, after] = oracleDecisions(
        [{ 'policy.json': source }, { 'policy.json': run.stdout }],
        ['glance'],
        registeredNames('glance'),
      );
      assert.equal(after.load_error, null);
      assert.deepEqual(after.results, before.results);
    }
  });
});
