import assert from 'node:assert/strict';
import { readCustomCatalog } from '../../server/src/core/catalog/customCatalog';
import { detectNamespaces } from '../../server/src/core/catalog/detect';
import { formatSample } from '../../server/src/core/catalog/sampleFormat';
import { analyze, DEFAULT_SETTINGS } from '../../server/src/core/features/analysis';
import { complete } from '../../server/src/core/features/completion';
import { hover } from '../../server/src/core/features/hover';
import { policyDiagnostics } from '../../server/src/core/features/policyDiagnostics';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';

const catalog = openBuiltInCatalog()!;
const known = new Map(
  catalog.namespaces('zed').map((ns) => [ns, new Set(catalog.get(ns, 'zed')!.rules.map((r) => r.name))]),
);

describe('which service a file is for', () => {
  it('reads the path first', () => {
    const cases: [string, string][] = [
      ['/etc/nova/policy.yaml', 'nova'],
      ['file:///srv/deploy/glance/policy.json', 'glance'],
      ['/etc/ironic/policy.d/10-local.yaml', 'ironic.api'],
      ['/x/keystone-policy.yaml', 'keystone'],
      ['/x/manila_policy.yml', 'manila'],
    ];
    for (const [path, namespace] of cases) {
      const found = detectNamespaces({ path, ruleNames: [], known });
      assert.equal(found.namespaces[0], namespace, path);
      assert.equal(found.by, 'path');
    }
  });

  it('falls back to the content, and gives Neutron its plugins', () => {
    const nova = detectNamespaces({
      path: '/tmp/p.yaml',
      ruleNames: ['os_compute_api:servers:index', 'admin_api'],
      known,
    });
    assert.deepEqual(nova.namespaces, ['nova']);
    assert.equal(nova.by, 'content');
    const neutron = detectNamespaces({ path: '/etc/neutron/policy.yaml', ruleNames: [], known });
    assert.ok(neutron.namespaces.includes('neutron-vpnaas'));
    assert.equal(
      detectNamespaces({ path: '/tmp/p.yaml', ruleNames: ['context_is_admin'], known }).by,
      'none',
    );
  });

  it('names the rules of every namespace the same before and after reading them whole', () => {
    const fresh = openBuiltInCatalog()!;
    for (const release of fresh.releases()) {
      for (const namespace of fresh.namespaces(release)) {
        const unread = fresh.ruleNames(namespace, release);
        const names = fresh.get(namespace, release)!.rules.map((rule) => rule.name);
        assert.ok(names.length > 0, `${release}/${namespace} has rules`);
        assert.deepEqual(unread, names, `${release}/${namespace} before reading it`);
        assert.deepEqual(fresh.ruleNames(namespace, release), names, `${release}/${namespace} once read`);
      }
    }
    assert.deepEqual(fresh.ruleNames('no-such-service', 'zed'), []);
  });
});

describe('custom catalogs', () => {
  it('read back every zed sample file as the same rules', () => {
    for (const namespace of catalog.namespaces('zed')) {
      const original = catalog.get(namespace, 'zed')!;
      const read = readCustomCatalog(formatSample(original), namespace, 'test');
      assert.ok(read.ok, namespace);
      const summary = (rules: typeof original.rules) =>
        rules.map((r) => [
          r.name,
          r.check_str,
          r.operations,
          r.scope_types,
          r.deprecated_rule?.name ?? null,
          r.deprecated_rule?.check_str ?? null,
          r.deprecated_for_removal,
        ]);
      assert.deepEqual(summary(read.catalog.rules), summary(original.rules), namespace);
      const words = (text: string | null) => (text ?? '').replace(/\s+/g, '');
      read.catalog.rules.forEach(
        (rule, index) =>
          original.rules[index].deprecated_for_removal ||
          assert.equal(
            words(rule.description),
            words(original.rules[index].description),
            `${namespace} ${rule.name}`,
          ),
      );
    }
  });

  it('give a service no built-in catalog knows completion, hover and unknown-name diagnostics', () => {
    const sample = [
      '# List widgets',
      '# GET  /v1/widgets',
      '# Intended scope(s): project',
      '#"widget:list": "role:reader and project_id:%(project_id)s"',
      '',
      '# Delete a widget',
      '# DELETE  /v1/widgets/{id}',
      '#"widget:delete": "role:admin"',
      '',
    ].join('\n');
    const read = readCustomCatalog(sample, 'widgets', '/srv/widgets/policy.yaml.sample');
    assert.ok(read.ok);
    const text = '"widget:lst": "role:reader"\n';
    const analysis = analyze({
      uri: 'file:///etc/widgets/policy.yaml',
      version: 1,
      text,
      settings: DEFAULT_SETTINGS,
      catalogs: { builtIn: catalog, custom: [read.catalog] },
    });
    assert.deepEqual(analysis.choice.namespaces, ['widgets']);
    const unknown = policyDiagnostics(analysis).find((d) => d.code === 'unknown-policy');
    assert.match(unknown!.message, /Did you mean 'widget:list'/);
    const names = complete(analysis, text.length).map((item) => item.label);
    assert.ok(names.includes('widget:delete'));
    const withList = analyze({
      uri: 'file:///etc/widgets/policy.yaml',
      version: 2,
      text: '"widget:list": "@"\n',
      settings: DEFAULT_SETTINGS,
      catalogs: { builtIn: catalog, custom: [read.catalog] },
    });
    assert.match(hover(withList, 3)!.markdown, /DELETE|GET \| `\/v1\/widgets`/);
  });
});
