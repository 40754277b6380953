import assert from 'node:assert/strict';
import { complete } from '../../server/src/core/features/completion';
import { documentAt } from './featureHelpers';

const labels = (source: string, uri?: string): string[] => {
  const { analysis, offset } = documentAt(source, { uri });
  return complete(analysis, offset).map((item) => item.label);
};

describe('completion in the pure core', () => {
  it('offers policy names not yet in the file, each inserting its default as a snippet', () => {
    const { analysis, offset } = documentAt('"get_image": "role:reader"\n|');
    const items = complete(analysis, offset);
    assert.ok(!items.some((item) => item.label === 'get_image'));
    const upload = items.find((item) => item.label === 'upload_image')!;
    assert.equal(upload.snippet, true);
    assert.equal(
      upload.insertText,
      '"upload_image": "${1:rule:context_is_admin or (role:member and project_id:%(project_id)s)}"',
    );
    assert.match(upload.documentation!, /PUT \/v2\/images\/\{image_id\}\/file/);
    assert.match(upload.documentation!, /Upload/i);
  });

  it('ends a policy-name snippet with a comma in JSON', () => {
    const { analysis, offset } = documentAt('{\n    |\n}', { uri: 'file:///etc/glance/policy.json' });
    const item = complete(analysis, offset).find((i) => i.label === 'get_images')!;
    assert.match(item.insertText, /",$/);
  });

  it('offers file rules and registered defaults after rule:', () => {
    const found = labels('"team": "role:x"\n"get_image": "rule:|"');
    assert.ok(found.includes('team'));
    assert.ok(found.includes('context_is_admin'));
  });

  it('offers check kinds and operators at the start of a check', () => {
    const found = labels('"get_image": "role:admin |"');
    for (const label of [
      'role:',
      'rule:',
      'project_id:%(project_id)s',
      'user_id:%(user_id)s',
      'domain_id:%(domain_id)s',
      'system_scope:all',
      'is_admin:True',
      '@',
      '!',
      'and',
      'or',
      'not',
    ])
      assert.ok(found.includes(label), `${label} in ${found.join(' ')}`);
  });

  it('offers no binary operator where a check must start', () => {
    const found = labels('"get_image": "|"');
    assert.ok(found.includes('not'));
    assert.ok(!found.includes('and'));
  });

  it('offers Keystone roles, catalog roles and the file roles after role:', () => {
    const found = labels('"x": "role:image_manager"\n"get_image": "role:|"');
    for (const role of ['admin', 'member', 'reader', 'service', 'image_manager'])
      assert.ok(found.includes(role), role);
  });

  it('offers the target attributes of the namespace inside %(, with descriptions', () => {
    const { analysis, offset } = documentAt('"get_image": "project_id:%(|"');
    const items = complete(analysis, offset);
    const visibility = items.find((i) => i.label === 'visibility')!;
    assert.equal(visibility.insertText, 'visibility)s');
    assert.match(visibility.detail!, /visibility/);
    assert.match(visibility.documentation!, /get_image/);
  });

  it('offers credential keys on the left of a generic check', () => {
    const found = labels('"get_image": "role:admin or |"');
    for (const key of ['project_id:', 'user_id:', 'domain_id:', 'system_scope:', 'is_admin:'])
      assert.ok(found.includes(key), key);
  });
});
