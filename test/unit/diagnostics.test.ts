import assert from 'node:assert/strict';
import type { PolicyDiagnostic } from '../../server/src/core/features/diagnosticTypes';
import { policyDiagnostics } from '../../server/src/core/features/policyDiagnostics';
import { documentAt, slice } from './featureHelpers';

function diagnose(
  source: string,
  options: Parameters<typeof documentAt>[1] = {},
): {
  text: string;
  found: PolicyDiagnostic[];
  one: (code: string) => PolicyDiagnostic;
} {
  const { analysis, text } = documentAt(source, options);
  const found = policyDiagnostics(analysis);
  return {
    text,
    found,
    one: (code) => {
      const matching = found.filter((d) => d.code === code);
      assert.equal(matching.length, 1, `one ${code} in ${JSON.stringify(found.map((d) => d.code))}`);
      return matching[0];
    },
  };
}

describe('diagnostics in the pure core', () => {
  it('reports the problems of a value shared through an alias once, where it is written', () => {
    const { text, found } = diagnose('a: &x "nocolon"\nb: *x\nc: &y [nocolon2]\nd: *y\n');
    const placed = found.filter((d) => d.code === 'no-colon').map((d) => slice(text, d.span));
    assert.deepEqual(placed, ['nocolon', 'nocolon2']);
  });

  it('reports a parse error where it is and says the whole rule is denied', () => {
    const { text, one } = diagnose('"get_image": "role:admin and (role:member"');
    const d = one('parse-failure');
    assert.equal(slice(text, d.span), '(');
    assert.match(d.message, /deny|denies|denied/i);
  });

  it('reports an undefined rule at the reference, with the fallback and did-you-mean', () => {
    const { text, one } = diagnose('"image_team": "role:x"\n"get_image": "rule:image_tem"');
    const d = one('undefined-rule');
    assert.equal(slice(text, d.span), 'image_tem');
    assert.match(d.message, /falls back to the default rule 'default'/);
    assert.match(d.message, /Did you mean 'image_team'/);
  });

  it('reports every rule on a cycle with related information along the edges', () => {
    const { found, text } = diagnose('"a": "rule:b"\n"b": "rule:c or role:x"\n"c": "not rule:a"');
    const cycles = found.filter((d) => d.code === 'rule-cycle');
    assert.equal(cycles.length, 3);
    assert.deepEqual(
      cycles[0].related!.map((r) => slice(text, r.span)),
      ['rule:b', 'rule:c', 'rule:a'],
    );
  });

  it('reports unknown and deprecated policy names', () => {
    assert.match(diagnose('"get_imgaes": "@"').one('unknown-policy').message, /Did you mean 'get_images'/);
    const renamed = diagnose('"os_compute_api:os-hosts": "role:admin"', {
      uri: 'file:///etc/nova/policy.yaml',
    }).one('deprecated-name');
    assert.match(
      renamed.message,
      /deprecated name of 'os_compute_api:os-hosts:list', .*'os_compute_api:os-hosts:start' \(since 22\.0\.0\)/,
    );
  });

  it('reports a redundant override, noting the deprecated default it would let back in', () => {
    const d = diagnose(
      '"get_images": "rule:context_is_admin or (role:reader and project_id:%(project_id)s)"',
    ).one('redundant-override');
    assert.match(d.message, /oslopolicy-list-redundant/);
    assert.match(d.message, /deprecated predecessor 'rule:default'/);
  });

  it('does not call an override redundant while the file also overrides its deprecated name', () => {
    // Without the new name's override oslo.policy would apply the old name's (broken) rule to it.
    const uri = 'file:///etc/cinder/policy.yaml';
    const both = diagnose(
      '"group:group_types:create": "rule:admin_api"\n"group:group_types_manage": "( not"',
      {
        uri,
      },
    );
    assert.equal(both.found.filter((d) => d.code === 'redundant-override').length, 0);
    diagnose('"group:group_types:create": "rule:admin_api"', { uri }).one('redundant-override');
  });

  it('does not call the last of duplicated overrides redundant: removing it would let the earlier one win', () => {
    const rule = 'rule:context_is_admin or (role:reader and project_id:%(project_id)s)';
    const twice = diagnose(`"get_images": "role:admin"\n"get_images": "${rule}"`);
    assert.equal(twice.found.filter((d) => d.code === 'redundant-override').length, 0);
    twice.one('duplicate-key');
    diagnose(`"get_images": "${rule}"`).one('redundant-override');
  });

  it('reports duplicate keys at the ignored one, related to the one that applies', () => {
    const { text, one } = diagnose('"get_image": "role:a"\n"get_image": "role:b"');
    const d = one('duplicate-key');
    assert.equal(d.span.start, 0);
    assert.equal(slice(text, d.related![0].span), '"get_image"');
  });

  it('reports checks that raise at enforcement: literal kinds and bad formats', () => {
    const { found, text } = diagnose('"get_image": "01:x or role:%(a)d%"');
    const raising = found.filter((d) => d.code === 'raises-at-enforcement').map((d) => slice(text, d.span));
    assert.deepEqual(raising.sort(), ['%(a)d%', '01']);
  });

  it('reports http checks, kinds differing only in case and attributes never provided', () => {
    const { found } = diagnose('"get_image": "http://x.invalid/ or Role:admin or project_id:%(projectid)s"');
    const codes = found.map((d) => d.code);
    for (const code of ['external-check', 'kind-case', 'unknown-attribute'])
      assert.ok(codes.includes(code), code);
    assert.match(found.find((d) => d.code === 'unknown-attribute')!.message, /Did you mean %\(project_id\)s/);
  });

  it('reports @ and "" on a policy that writes', () => {
    assert.match(diagnose('"add_image": "@"').one('allows-anyone-write').message, /POST \/v2\/images/);
    diagnose('"add_image": ""').one('allows-anyone-write');
    assert.ok(!diagnose('"get_image": "@"').found.some((d) => d.code === 'allows-anyone-write'));
  });

  it('reports the deprecated JSON format with the oslo.policy 5.0 consequence', () => {
    const d = diagnose('{"get_image": "role:reader"}', { uri: 'file:///etc/glance/policy.json' }).one(
      'deprecated-json',
    );
    assert.match(d.message, /oslo.policy 5.0 no longer looks for policy.json/);
  });

  it('follows the severity setting per code, off included', () => {
    const options = {
      settings: { severities: { 'unknown-policy': 'error' as const, 'allows-anyone-write': 'off' as const } },
    };
    const { found } = diagnose('"get_imgaes": "@"\n"add_image": "@"', options);
    assert.equal(found.find((d) => d.code === 'unknown-policy')!.severity, 'error');
    assert.ok(!found.some((d) => d.code === 'allows-anyone-write'));
  });
});
