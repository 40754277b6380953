import assert from 'node:assert/strict';
import { complete } from '../../server/src/core/features/completion';
import { documentAt } from './featureHelpers';

const labels = (source: string, uri?: string): string[] => {
  const { analysis, offset } = documentAt(source, { uri });
  return complete(analysis, offset).map((item) => item.label);
};

/** The text after accepting the item labelled `label`, its snippet placeholders filled with their defaults. */
function completed(source: string, label: string, uri?: string): string {
  const { analysis, offset, text } = documentAt(source, { uri });
  const item = complete(analysis, offset).find((i) => i.label === label);
  assert.ok(item, `${label} offered in ${JSON.stringify(source)}`);
  const inserted = item.snippet
    ? item.insertText.replace(/\$\{\d+:((?:[^}\\]|\\.)*)\}/g, '$1').replace(/\\([$}\\])/g, '$1')
    : item.insertText;
  const edits = [{ span: item.range, newText: inserted }, ...(item.additionalEdits ?? [])];
  let out = text;
  for (const edit of edits.sort((a, b) => b.span.start - a.span.start))
    out = out.slice(0, edit.span.start) + edit.newText + out.slice(edit.span.end);
  return out;
}

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

  it('completes a policy name in JSON so that the file stays JSON, with the commas it needs', () => {
    const json = 'file:///etc/glance/policy.json';
    const sources = [
      '{\n    |\n}',
      '{|\n}',
      '{|}',
      '{\n  "|"\n}',
      '{\n  "get_|"\n}',
      '{\n  "get_image": "role:x",\n  |\n}',
      '{\n  "get_image": "role:x"\n  "|"\n}',
      '{\n  "|"\n  "get_image": "role:x"\n}',
      '{\n  "|",\n  "get_image": "role:x"\n}',
      '{ "get_image": "role:x", | }',
      '{"get_image": "role:x" "|"}',
    ];
    for (const source of sources) {
      const after = completed(source, 'upload_image', json);
      assert.deepEqual(
        Object.keys(JSON.parse(after) as object).sort(),
        source.includes('get_image') ? ['get_image', 'upload_image'] : ['upload_image'],
        after,
      );
    }
    assert.deepEqual(labels('|{\n}', json), []);
  });

  it('completes a policy name inside the quotes the editor closed, in YAML too, without doubling them', () => {
    const value = 'rule:context_is_admin or (role:member and project_id:%(project_id)s)';
    for (const source of ['"|"', "'|'", '"upl|"', "'upl|'", 'upl|', '|'])
      assert.equal(
        completed(`"get_image": "role:x"\n${source}\n`, 'upload_image'),
        `"get_image": "role:x"\n"upload_image": "${value}"\n`,
        source,
      );
    assert.equal(
      completed('{get_image: role:x, "|"}\n', 'upload_image'),
      `{get_image: role:x, "upload_image": "${value}"}\n`,
    );
    // The editor filters on what the range holds: the typed quote included.
    const { analysis, offset } = documentAt('"upl|"');
    assert.equal(
      complete(analysis, offset).find((i) => i.label === 'upload_image')!.filterText,
      '"upload_image',
    );
  });

  it('renames the key of an existing entry rather than adding a second value', () => {
    assert.equal(completed('"get_ima|": "role:x"\n', 'get_images'), '"get_images": "role:x"\n');
    assert.equal(completed('get_ima|: role:x\n', 'get_images'), '"get_images": role:x\n');
  });

  it('offers file rules and registered defaults after rule:', () => {
    const found = labels('"team": "role:x"\n"get_image": "rule:|"');
    assert.ok(found.includes('team'));
    assert.ok(found.includes('context_is_admin'));
  });

  it('a rule name after rule: is written escaped for the string it goes in', () => {
    assert.equal(
      completed('"a\\"b": "role:x"\n"get_image": "rule:|"\n', 'a"b'),
      '"a\\"b": "role:x"\n"get_image": "rule:a\\"b"\n',
    );
    assert.equal(
      completed('"a\\\\b": "role:x"\n"get_image": "rule:|"\n', 'a\\b'),
      '"a\\\\b": "role:x"\n"get_image": "rule:a\\\\b"\n',
    );
    assert.equal(
      completed(`"it's": "role:x"\n"get_image": 'rule:|'\n`, "it's"),
      `"it's": "role:x"\n"get_image": 'rule:it''s'\n`,
    );
    assert.equal(
      completed('{"a\\"b": "role:x", "get_image": "rule:|"}', 'a"b', 'file:///etc/glance/policy.json'),
      '{"a\\"b": "role:x", "get_image": "rule:a\\"b"}',
    );
    // Typed before the file parses again (the value is still open): the quote on the line decides.
    assert.equal(
      completed('"a\\"b": "role:x"\n"get_image": "rule:|', 'a"b'),
      '"a\\"b": "role:x"\n"get_image": "rule:a\\"b',
    );
  });

  it('rule names oslo.policy cannot reference from a check string are not offered', () => {
    const found = labels(
      '"two words": "role:x"\n"ends)": "role:x"\n"fine(": "role:x"\n"get_image": "rule:|"',
    );
    assert.ok(found.includes('fine('));
    assert.ok(!found.includes('two words'));
    assert.ok(!found.includes('ends)'));
    // A plain scalar has no escapes: a name it cannot hold is not offered there.
    assert.ok(!labels('"a,b": "role:x"\nget_image: rule:|\n').includes('a,b'));
    assert.ok(labels('"a,b": "role:x"\nget_image: "rule:|"\n').includes('a,b'));
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
