import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions, type TextEdit } from '../../server/src/core/features/codeActions';
import { removeEntries } from '../../server/src/core/features/entryEdits';
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

  it('writes the suggested rule name escaped for the style of the string it goes in', () => {
    const change = (source: string, uri?: string): string[] => {
      const { text, actions } = actionsAt(source, uri);
      return actions.filter((a) => a.title.startsWith('Change to')).map((a) => apply(text, a.edits));
    };
    const helper = '"a\\"b": "@"\n';
    assert.deepEqual(change(`${helper}"get_image": "role:x or rule:a\\"|c"\n`), [
      `${helper}"get_image": "role:x or rule:a\\"b"\n`,
    ]);
    assert.deepEqual(change(`${helper}get_image: 'rule:a"|c'\n`), [`${helper}get_image: 'rule:a"b'\n`]);
    assert.deepEqual(change(`"it's": "@"\nget_image: 'rule:i|ts'\n`), [
      `"it's": "@"\nget_image: 'rule:it''s'\n`,
    ]);
    // A plain scalar cannot end a word with a colon: the value is rewritten double-quoted.
    assert.deepEqual(change(`"ab:": "@"\nget_image: rule:a|b or role:x\n`), [
      `"ab:": "@"\nget_image: "rule:ab: or role:x"\n`,
    ]);
    assert.deepEqual(
      change(`{"a\\\\b": "@", "get_image": "rule:a\\\\|c"}`, 'file:///etc/glance/policy.json'),
      [`{"a\\\\b": "@", "get_image": "rule:a\\\\b"}`],
    );
    // `rule:a b` would be read as two words: a name with a blank is never suggested in a check string.
    assert.deepEqual(change(`"a b": "@"\nget_image: "rule:a|c"\n`), []);
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

describe('creating a missing rule', () => {
  /** The text with the "Create rule" fix applied, or null when it is not offered. */
  function created(text: string, uri = 'file:///etc/glance/policy.yaml'): string | null {
    // A leading `|` puts the cursor at 0, so that a `|` block scalar in the text stays.
    const { analysis } = documentAt(`|${text}`, { uri });
    const diagnostics = policyDiagnostics(analysis).filter((d) => d.code === 'undefined-rule');
    const create = codeActions(analysis, diagnostics[0].span, diagnostics).find((a) =>
      a.title.startsWith('Create rule'),
    );
    return create ? apply(text, create.edits) : null;
  }

  it('inserts the rule before a document end marker', () => {
    assert.equal(
      created('admin: "role:admin"\nfoo: "rule:missing"\n...\n'),
      'admin: "role:admin"\nfoo: "rule:missing"\n"missing": "role:admin"\n...\n',
    );
  });

  it('inserts the rule at the indentation of an indented top-level mapping', () => {
    assert.equal(
      created('  admin: "role:admin"\n  foo: "rule:missing"\n'),
      '  admin: "role:admin"\n  foo: "rule:missing"\n  "missing": "role:admin"\n',
    );
  });

  it('inserts the rule inside a flow mapping, on one line or on its own', () => {
    assert.equal(
      created('{admin: "role:admin", foo: "rule:missing"}\n'),
      '{admin: "role:admin", foo: "rule:missing", "missing": "role:admin"}\n',
    );
    assert.equal(
      created('{admin: "role:admin",\n foo: "rule:missing"}\n'),
      '{admin: "role:admin",\n foo: "rule:missing",\n "missing": "role:admin"}\n',
    );
    assert.equal(
      created('{"foo": "rule:missing"}', 'file:///etc/glance/policy.json'),
      '{"foo": "rule:missing", "missing": "role:admin"}',
    );
  });

  it('inserts the rule after a block scalar, and keeps a comment that ends the file after it', () => {
    assert.equal(
      created('foo: |\n  rule:missing\n\n  or role:x\n...\n'),
      'foo: |\n  rule:missing\n\n  or role:x\n"missing": "role:admin"\n...\n',
    );
    assert.equal(
      created('foo: "rule:missing"  # why\n# end\n'),
      'foo: "rule:missing"  # why\n"missing": "role:admin"\n# end\n',
    );
  });

  it('names the rule as oslo.policy decodes the reference', () => {
    assert.equal(
      created('foo: "rule:admin\\x5frul"\n'),
      'foo: "rule:admin\\x5frul"\n"admin_rul": "role:admin"\n',
    );
  });

  it('is not offered where the last key does not start its line', () => {
    assert.equal(created('&anchor foo: "rule:missing"\n'), null);
  });
});

describe('converting a JSON policy file to YAML', () => {
  const convert = (uri: string, siblingNames?: string[], text = '{"get_image": "role:a"}') => {
    const { analysis } = documentAt(text, { uri });
    return codeActions(analysis, { start: 0, end: 0 }, policyDiagnostics(analysis), { siblingNames }).find(
      (action) => action.diagnosticCodes.includes('deprecated-json'),
    )!;
  };

  it('writes a main file as policy.yaml beside it and keeps the JSON', () => {
    const action = convert('file:///etc/glance/policy.json', ['policy.json', 'policy.d']);
    assert.equal(action.title, 'Convert this JSON policy file to policy.yaml');
    assert.deepEqual(
      {
        name: action.createFile!.name,
        replaces: action.createFile!.replacesSource,
        disabled: action.disabled,
      },
      { name: 'policy.yaml', replaces: false, disabled: undefined },
    );
    assert.equal(convert('file:///etc/glance/glance-policy.json').createFile!.name, 'glance-policy.yaml');
  });

  it('replaces a file of a policy.d folder by one of the same stem, which oslo.policy loads at the same place', () => {
    const action = convert('file:///etc/glance/policy.d/10-a.json', ['10-a.json', '20-b.yaml']);
    assert.equal(action.createFile!.name, '10-a.yaml');
    assert.equal(action.createFile!.replacesSource, true);
    assert.equal(action.disabled, undefined);
    assert.match(action.createFile!.content, /^"get_image": "role:a"$/m);
  });

  it('refuses, saying why, a file oslo.policy cannot load: its YAML copy would load', () => {
    for (const text of ['{"get_image": Infinity}', '["get_image"]']) {
      const action = convert('file:///etc/glance/policy.json', ['policy.json'], text);
      assert.match(
        action.disabled ?? '',
        /^oslo\.policy cannot load this file \((TypeError|AttributeError): /,
      );
    }
  });

  it('refuses, saying why, when the new name exists or would sort past another file', () => {
    assert.match(
      convert('file:///etc/glance/policy.d/10-a.json', ['10-a.json', '10-a.yaml']).disabled!,
      /10-a\.yaml already exists/,
    );
    assert.match(
      convert('file:///etc/glance/policy.d/10-a.json', ['10-a.json', '10-a.x.yaml', '20-b.yaml']).disabled!,
      /loaded after 10-a\.x\.yaml/,
    );
    assert.match(
      convert('file:///etc/glance/policy.json', ['policy.json', 'policy.yaml']).disabled!,
      /policy\.yaml already exists/,
    );
  });
});

describe('removing redundant overrides', () => {
  const GLANCE_JSON = 'file:///etc/glance/policy.json';
  const GLANCE_YAML = 'file:///etc/glance/policy.yaml';

  /** The "remove all" action applied as an LSP client applies it: overlapping edits throw. */
  function removeAll(source: string, uri: string): { before: string; after: string; removed: string[] } {
    const { analysis } = documentAt(source, { uri, settings: { release: 'zed' } });
    const diagnostics = policyDiagnostics(analysis).filter((d) => d.code === 'redundant-override');
    const removed = diagnostics.map((d) => analysis.entryAt(d.span.start)!.entry.name!);
    const edits = removeEntries(
      analysis,
      diagnostics.map((d) => d.span),
    );
    const document = TextDocument.create(uri, 'json', 1, source);
    const after = TextDocument.applyEdits(
      document,
      edits.map((edit) => ({
        range: { start: document.positionAt(edit.span.start), end: document.positionAt(edit.span.end) },
        newText: edit.newText,
      })),
    );
    return { before: source, after, removed };
  }

  const without = (json: string, names: readonly string[]): unknown =>
    Object.fromEntries(Object.entries(JSON.parse(json) as object).filter(([name]) => !names.includes(name)));

  it('removes the last two entries of a JSON file without overlapping edits', () => {
    const source = '{\n "add_image": "role:x",\n "context_is_admin": "role:admin",\n "default": ""\n}';
    const { after, removed } = removeAll(source, GLANCE_JSON);
    assert.deepEqual(removed, ['context_is_admin', 'default']);
    assert.equal(after, '{\n "add_image": "role:x"\n}');
  });

  it('removes consecutive, last and all entries of one-line and multi-line JSON, leaving valid JSON', () => {
    const sources = [
      '{"add_image": "role:x", "context_is_admin": "role:admin", "default": ""}',
      '{"context_is_admin": "role:admin", "metadef_admin": "role:admin", "add_image": "role:x", "default": ""}',
      '{"context_is_admin": "role:admin" , "default": ""}',
      '{\n    "context_is_admin": "role:admin",\n    "metadef_admin": "role:admin",\n    "add_image": "role:x",\n    "copy_image": "role:admin",\n    "default": ""\n}\n',
      '{\n  "add_image": "role:x", "context_is_admin": "role:admin",\n  "default": "", "get_image": "role:y"\n}',
      '{\n  "context_is_admin": "role:admin",\n  "default": ""\n}\n',
    ];
    for (const source of sources) {
      const { after, removed } = removeAll(source, GLANCE_JSON);
      assert.ok(removed.length > 1, source);
      assert.deepEqual(JSON.parse(after), without(source, removed), `${source}\n→\n${after}`);
    }
    assert.equal(removeAll(sources[2], GLANCE_JSON).after, '{}');
    assert.equal(removeAll(sources[5], GLANCE_JSON).after, '{\n}\n');
  });

  it('removes any subset of the entries of a JSON file, one edit per run of entries', () => {
    const names = ['a', 'b', 'c', 'd'];
    const layouts = [
      (body: string[]) => `{${body.join(', ')}}`,
      (body: string[]) => `{\n  ${body.join(',\n  ')}\n}\n`,
      (body: string[]) => `{ ${body.join(' ,')} }`,
    ];
    for (const layout of layouts) {
      const source = layout(names.map((name) => `"${name}": "role:${name}"`));
      const { analysis } = documentAt(source, { uri: GLANCE_JSON });
      const spans = analysis.file.entries.map((entry) => entry.entry.span);
      for (let mask = 1; mask < 1 << names.length; mask++) {
        const chosen = names.filter((_, index) => mask & (1 << index));
        const edits = removeEntries(
          analysis,
          spans.filter((_, index) => mask & (1 << index)),
        );
        const document = TextDocument.create(GLANCE_JSON, 'json', 1, source);
        const after = TextDocument.applyEdits(
          document,
          edits.map((edit) => ({
            range: { start: document.positionAt(edit.span.start), end: document.positionAt(edit.span.end) },
            newText: edit.newText,
          })),
        );
        assert.deepEqual(JSON.parse(after), without(source, chosen), `${source} without ${chosen.join(',')}`);
      }
    }
  });

  it('removes whole lines in YAML, and runs of a YAML flow mapping as in JSON', () => {
    const block = '"add_image": "role:x"\n"context_is_admin": "role:admin"\n"default": ""\n';
    assert.equal(removeAll(block, GLANCE_YAML).after, '"add_image": "role:x"\n');
    const flow = '{add_image: "role:x", context_is_admin: "role:admin", default: ""}\n';
    assert.equal(removeAll(flow, GLANCE_YAML).after, '{add_image: "role:x"}\n');
    const all = '{context_is_admin: role:admin, default: "",}\n';
    assert.equal(removeAll(all, GLANCE_YAML).after, '{}\n');
  });

  it('offers no removal it cannot make safely: a comment between a value and its comma', () => {
    const source = '{add_image: "role:x",\n context_is_admin: "role:admin"  # why\n , default: ""}\n';
    const { analysis } = documentAt(source, { uri: GLANCE_YAML, settings: { release: 'zed' } });
    const diagnostics = policyDiagnostics(analysis);
    assert.ok(diagnostics.some((d) => d.code === 'redundant-override'));
    const actions = codeActions(analysis, { start: 0, end: source.length }, diagnostics);
    assert.ok(!actions.some((a) => a.diagnosticCodes.includes('redundant-override') && a.edits.length === 0));
  });
});
