import assert from 'node:assert/strict';
import { codeActions, type TextEdit } from '../../server/src/core/features/codeActions';
import { policyDiagnostics } from '../../server/src/core/features/policyDiagnostics';
import { documentAt } from './featureHelpers';

function apply(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start))
    out = out.slice(0, edit.span.start) + edit.newText + out.slice(edit.span.end);
  return out;
}

function actionsAt(source: string, uri = 'file:///etc/glance/policy.yaml') {
  const { analysis, offset, text } = documentAt(source, { uri });
  const diagnostics = policyDiagnostics(analysis);
  const at = offset >= 0 ? offset : 0;
  return { text, actions: codeActions(analysis, { start: at, end: at }, diagnostics) };
}

const NOVA = 'file:///etc/nova/policy.yaml';

describe('quick fixes and refactorings in the pure core', () => {
  it('renames one deprecated name, or all of them as oslopolicy-upgrade does', () => {
    const { text, actions } = actionsAt(
      '"os_compute_api:os-h|osts": "role:admin"\n"os_compute_api:os-baremetal-nodes": "@"\n',
      NOVA,
    );
    // Nova split os-hosts into six policies: the override applies to each, so each gets it.
    const one = actions.find((a) => a.title.startsWith('Rename to the 6 policies'))!;
    const renamed = apply(text, one.edits);
    for (const action of ['list', 'show', 'update', 'reboot', 'shutdown', 'start'])
      assert.match(renamed, new RegExp(`^"os_compute_api:os-hosts:${action}": "role:admin"$`, 'm'));
    const all = actions.find((a) => a.title === 'Upgrade all deprecated policy names')!;
    const upgraded = apply(text, all.edits);
    assert.doesNotMatch(upgraded, /os-hosts"|os-baremetal-nodes"/);
    assert.match(
      upgraded,
      /^"os_compute_api:os-baremetal-nodes:list": "@"\n"os_compute_api:os-baremetal-nodes:show": "@"$/m,
    );
  });

  it('removes one redundant override, or all of them', () => {
    const source = '"context_is_admin": "role:a|dmin"\n"admin_api": "is_admin:True"\n"keep": "@"\n';
    const { text, actions } = actionsAt(source, NOVA);
    const one = actions.find((a) => a.title.includes("redundant override of 'context_is_admin'"))!;
    assert.equal(apply(text, one.edits), '"admin_api": "is_admin:True"\n"keep": "@"\n');
    const all = actions.find((a) => a.title === 'Remove all redundant overrides')!;
    assert.equal(apply(text, all.edits), '"keep": "@"\n');
  });

  it('creates a missing rule and offers the close names', () => {
    const { text, actions } = actionsAt('"image_team": "role:x"\n"get_image": "rule:image_te|m"\n');
    const create = actions.find((a) => a.title.startsWith("Create rule 'image_tem'"))!;
    assert.match(apply(text, create.edits), /\n"image_tem": "role:admin"\n$/);
    const change = actions.find((a) => a.title === "Change to 'rule:image_team'")!;
    assert.match(apply(text, change.edits), /"rule:image_team"/);
  });

  it('fixes a misspelt policy name', () => {
    const { text, actions } = actionsAt('"get_imga|es": "role:reader"\n');
    const fix = actions.find((a) => a.title === "Change to 'get_images'")!;
    assert.equal(apply(text, fix.edits), '"get_images": "role:reader"\n');
  });

  it('rewrites a check string as oslo.policy reads it', () => {
    const { text, actions } = actionsAt('"get_image": "(role:a) OR role:b AND n|ot role:c"\n');
    const rewrite = actions.find((a) => a.kind === 'refactor.rewrite')!;
    assert.equal(apply(text, rewrite.edits), '"get_image": "role:a or (role:b and not role:c)"\n');
  });

  it('converts policy.json to a policy.yaml beside it, with comments, commented defaults and extras last', () => {
    const source =
      '{\n  "helper": "role:x",\n  "admin_api": "is_admin:True",\n  "context_is_admin": "role:admin",\n  "os_compute_api:servers:index": "rule:helper",\n  "os_compute_api:os-hosts": "@"\n}';
    const { actions } = actionsAt(`|${source}`, 'file:///etc/nova/policy.json');
    const convert = actions.find((a) => a.createFile)!;
    assert.equal(convert.createFile!.name, 'policy.yaml');
    const yaml = convert.createFile!.content;
    assert.match(
      yaml,
      /# GET {2}\/servers\n# Intended scope\(s\): project\n"os_compute_api:servers:index": "rule:helper"/,
    );
    assert.match(yaml, /\n#"admin_api": "is_admin:True"/);
    // Equal to its default, but the default has a deprecated predecessor: kept, with the reason.
    assert.match(yaml, /deprecated default is ORed in.\n"context_is_admin": "role:admin"/);
    const warning = yaml.indexOf('# WARNING');
    assert.ok(warning > yaml.indexOf('servers:index'));
    assert.ok(yaml.indexOf('"helper"') > warning && yaml.indexOf('"os_compute_api:os-hosts"') > warning);
  });

  it('keeps a rule equal to its default active when the file overrides its deprecated name', () => {
    // Commented out, the new name would get the old name's rule ('role:nobody') from oslo.policy.
    const source =
      '{"group:group_types:create": "rule:admin_api", "group:group_types_manage": "role:nobody"}';
    const { actions } = actionsAt(`|${source}`, 'file:///etc/cinder/policy.json');
    const yaml = actions.find((a) => a.createFile)!.createFile!.content;
    assert.match(
      yaml,
      /kept: without it the override of 'group:group_types_manage' below applies.\n"group:group_types:create": "rule:admin_api"/,
    );
    assert.doesNotMatch(yaml, /#"group:group_types:create"/);
  });
});
