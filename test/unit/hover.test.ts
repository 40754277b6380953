import assert from 'node:assert/strict';
import { hover } from '../../server/src/core/features/hover';
import { semanticTokens } from '../../server/src/core/features/semanticTokens';
import { documentAt, slice } from './featureHelpers';

const hoverAt = (source: string, settings = {}): string => {
  const { analysis, offset } = documentAt(source, { settings });
  const result = hover(analysis, offset);
  assert.ok(result, 'a hover');
  return result.markdown;
};

describe('hover in the pure core', () => {
  it('describes a policy name: operations table, scope, default, deprecated default, override and enforcement', () => {
    const markdown = hoverAt('"add_i|mage": "role:admin"');
    assert.match(markdown, /\| Method \| Path \|/);
    assert.match(markdown, /\| POST \| `\/v2\/images` \|/);
    assert.match(markdown, /Scope types: project/);
    assert.match(markdown, /Registered default:\n```\nrule:context_is_admin or \(role:member/);
    assert.match(markdown, /Deprecated default.*`rule:default`/);
    assert.match(markdown, /This file overrides the default/);
    assert.match(markdown, /oslo.policy enforces \(default mode\), from this file:\n```\nrole:admin\n```/);
  });

  it('shows a default ORed with its deprecated one, and not under enforce_new_defaults', () => {
    const source = '"x": "rule:get_ima|ges"';
    assert.match(hoverAt(source), /or rule:default\)\n```/);
    assert.doesNotMatch(hoverAt(source, { enforceNewDefaults: true }), /rule:default/);
  });

  it('says a name outside the namespace is a helper rule', () => {
    assert.match(hoverAt('"x": "@"\n"other": "rule:x"\n"he|lper": "@"'), /not a registered policy/);
  });

  it('shows where rule:x is defined and its check string', () => {
    const markdown = hoverAt('"team": "role:image_manager"\n"get_image": "rule:te|am"');
    assert.match(markdown, /defined in this file \(line 1\)/);
    assert.match(markdown, /role:image_manager/);
  });

  it('shows the registered default of rule:x and the default-rule fallback of an undefined one', () => {
    assert.match(hoverAt('"get_image": "rule:context_is_ad|min"'), /registered default:\n```\nrole:admin/);
    assert.match(hoverAt('"get_image": "rule:nowh|ere"'), /uses the default rule `default` instead/);
  });

  it('lists the roles that imply a role', () => {
    const markdown = hoverAt('"get_image": "role:rea|der"');
    assert.match(markdown, /Held through implication by: admin, manager, member/);
  });

  it('describes a target attribute and the defaults that use it', () => {
    const markdown = hoverAt('"get_image": "\'public\':%(visi|bility)s"');
    assert.match(markdown, /visibility: public, private, shared or community/);
    assert.match(markdown, /`get_image`/);
  });

  it('explains check kinds and operators', () => {
    assert.match(hoverAt('"get_image": "ro|le:admin"'), /case-insensitive|lower-cased/);
    assert.match(hoverAt('"get_image": "role:a o|r role:b"'), /\*\*or\*\*/);
    assert.match(hoverAt('"get_image": "n|ot role:b"'), /\*\*not\*\*/);
  });

  it('explains the always-allow and always-deny checks like the other kinds', () => {
    assert.match(hoverAt('"get_image": "|@"'), /\*\*@\*\* — always true/);
    assert.match(hoverAt('"get_image": "role:a or (not |!)"'), /\*\*!\*\* — always false/);
    assert.match(hoverAt("get_image: '|@'"), /\*\*@\*\*/);
    assert.match(hoverAt('"get_image": ["|!"]'), /\*\*!\*\*/);
    assert.match(hoverAt('"get_image": "|"'), /empty check string is always true/);
    assert.match(hoverAt('"get_image": "adm|in or role:b"'), /without a colon.*always false/);
    const { analysis, offset } = documentAt('"get_image": "role:a or |!"');
    assert.deepEqual(hover(analysis, offset)!.span, { start: 24, end: 25 });
  });

  it('answers hover and semantic tokens on a check string of 6,000 nested nots, in YAML and JSON', () => {
    const nots = 'not '.repeat(6_000);
    const value = `not n|ot ${nots.slice(8)}rule:team`;
    // The check string is not the first thing in the file: its parse is moved to its place.
    const sources = {
      'file:///etc/glance/policy.yaml': `team: role:x\nget_image: ${value}\na: rule:get_image\n`,
      'file:///etc/glance/policy.json': `{"team": "role:x", "get_image": "${value}", "a": "rule:get_image"}`,
    };
    for (const [uri, source] of Object.entries(sources)) {
      const { analysis, offset, text } = documentAt(source, { uri });
      assert.equal(analysis.file.document.format, uri.endsWith('json') ? 'json' : 'yaml');
      assert.match(hover(analysis, offset)!.markdown, /\*\*not\*\*/, uri);
      const team = text.lastIndexOf('rule:team') + 7;
      assert.match(hover(analysis, team)!.markdown, /defined in this file/, uri);
      // The name's hover shows the enforced check string, cut to a readable size.
      const policy = hover(analysis, text.indexOf('get_image') + 2)!.markdown;
      assert.ok(policy.length < 5_000, `${policy.length} characters`);
      assert.match(policy, /more characters\)/);
      const tokens = semanticTokens(analysis);
      assert.equal(tokens.filter((t) => t.type === 'operator').length, 6_000, uri);
      assert.equal(slice(text, tokens[tokens.length - 1].span), 'get_image', uri);
    }
  });
});
