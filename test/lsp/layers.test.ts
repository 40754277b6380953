import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../support/lspClient';
import { LineIndex } from '../../server/src/core/text/lineIndex';
import { runOracle } from '../support/oracle';

/** policy.d layering in the editor, as oslo.policy merges the files (the same rule as the CLI's). */
describe('the language server with a policy.d folder', function () {
  this.timeout(60_000);
  let client: LspClient;
  const root = mkdtempSync(join(tmpdir(), 'os-policy-layers-'));
  const main = join(root, 'policy.yaml');
  const first = join(root, 'policy.d', '10-team.yaml');
  const second = join(root, 'policy.d', '20-more.yaml');

  before(async () => {
    mkdirSync(join(root, 'policy.d'));
    writeFileSync(main, '"base": "role:admin"\n');
    writeFileSync(first, '"team": "rule:base or role:team"\n');
    writeFileSync(second, '"more": "rule:team or rule:later"\n');
    client = new LspClient({ service: 'glance', release: 'epoxy' });
    await client.initialize(root, { codeAction: { disabledSupport: true } });
  });
  after(() => client.close());

  const undefinedRules = async (path: string, text: string): Promise<string[]> => {
    const published = await client.open(pathToFileURL(path).toString(), text);
    return published.diagnostics.filter((d) => d.code === 'undefined-rule').map((d) => d.message);
  };

  it('resolves rule: references of a policy.d file against the main file and earlier siblings', async () => {
    assert.deepEqual(await undefinedRules(first, '"team": "rule:base or role:team"\n'), []);
    const later = await undefinedRules(second, '"more": "rule:team or rule:later"\n');
    assert.equal(later.length, 1);
    assert.match(later[0], /'later'/);
  });

  it('resolves references of the main file against the policy.d files that follow it', async () => {
    assert.deepEqual(await undefinedRules(main, '"base": "role:admin"\n"uses": "rule:more"\n'), []);
  });

  it('sees a policy.d file that is not open change on disk, at the next edit of the main file', async () => {
    const extra = join(root, 'policy.d', '30-extra.yaml');
    const mainUri = pathToFileURL(main).toString();
    const edit = async (text: string): Promise<string[]> => {
      const published = await client.change(mainUri, {
        range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } },
        text,
      });
      return published.diagnostics.filter((d) => d.code === 'undefined-rule').map((d) => d.message);
    };
    writeFileSync(extra, '"other": "role:x"\n');
    assert.equal((await edit('"base": "role:admin"\n"uses": "rule:extra"\n')).length, 1);
    writeFileSync(extra, '"extra": "role:xy"\n');
    assert.deepEqual(await edit('"base": "role:admin"\n"uses": "rule:extra" \n'), []);
    // Read once, then again only when it changes: the same answer while it stays.
    assert.deepEqual(await edit('"base": "role:admin"\n"uses": "rule:extra"\n'), []);
    writeFileSync(extra, '"extras": "role:xyz"\n');
    assert.equal((await edit('"base": "role:admin"\n"uses": "rule:extra" \n')).length, 1);
  });

  it('says which file wins a name across policy.d: diagnostics, hover and definition point there', async () => {
    const mainUri = pathToFileURL(main).toString();
    const text = '"base": "role:admin"\n"team": "role:x"\n"get_image": "rule:more"\n';
    const published = await client.change(mainUri, {
      range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } },
      text,
    });
    const replaced = published.diagnostics.filter((d) => d.code === 'overridden-by-layer');
    assert.equal(replaced.length, 1);
    assert.equal(replaced[0].range.start.line, 1);
    assert.match(replaced[0].message, /policy\.d\/10-team\.yaml \(line 1\)/);
    const related = replaced[0].relatedInformation![0].location;
    assert.equal(related.uri, pathToFileURL(first).toString());
    assert.deepEqual(related.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } });

    const onMore = { textDocument: { uri: mainUri }, position: { line: 2, character: 20 } };
    const shown = await client.request<{ contents: { value: string } }>('textDocument/hover', onMore);
    assert.match(shown.contents.value, /defined in policy\.d\/20-more\.yaml \(line 1\)/);
    assert.match(shown.contents.value, /rule:team or rule:later/);
    const target = await client.request<{ uri: string; range: { start: { line: number } } }>(
      'textDocument/definition',
      onMore,
    );
    assert.equal(target.uri, pathToFileURL(second).toString());
    assert.equal(target.range.start.line, 0);

    // References of `team` from the main file: its definition here, and the files of policy.d.
    const onTeam = { textDocument: { uri: mainUri }, position: { line: 1, character: 3 } };
    const found = await client.request<{ uri: string; range: { start: { line: number } } }[]>(
      'textDocument/references',
      { ...onTeam, context: { includeDeclaration: true } },
    );
    assert.deepEqual(
      found.map((location) => [location.uri, location.range.start.line]),
      [
        [mainUri, 1],
        [pathToFileURL(first).toString(), 0],
        [pathToFileURL(second).toString(), 0],
      ],
    );
    // ...and renaming it renames it in those files too: oslo.policy then decides as before.
    const renamed = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', {
      ...onTeam,
      newName: 'crew',
    });
    assert.deepEqual(
      Object.keys(renamed.changes).sort(),
      [mainUri, ...[first, second].map((p) => pathToFileURL(p).toString())].sort(),
    );
    const before: Record<string, string> = {
      'policy.yaml': text,
      'policy.d/10-team.yaml': '"team": "rule:base or role:team"\n',
      'policy.d/20-more.yaml': '"more": "rule:team or rule:later"\n',
    };
    const uriOf = (relative: string): string => pathToFileURL(join(root, relative)).toString();
    const after = Object.fromEntries(
      Object.entries(before).map(([relative, content]) => [
        relative,
        applyTextEdits(content, renamed.changes[uriOf(relative)] ?? []),
      ]),
    );
    assert.match(after['policy.d/20-more.yaml'], /rule:crew or rule:later/);
    const cases = [['team'], ['admin'], ['x'], []].map((roles) => ({
      rule: 'get_image',
      creds: { roles },
      target: {},
    }));
    const [was, is] = runOracle([
      // No default rule: `rule:later` (defined nowhere) is then false, not glance's empty default.
      { files: before, namespaces: ['glance'], options: { default_rule: null }, cases },
      { files: after, namespaces: ['glance'], options: { default_rule: null }, cases },
    ]);
    assert.deepEqual(is, was);
    assert.deepEqual(
      was.results.map((r) => r.result),
      [true, true, false, false],
    );

    // In the policy.d file: `team`, which the main file's rules never use, is still no unknown
    // policy while `more` (which refers to it) is used by the main file.
    const inFirst = await client.open(pathToFileURL(first).toString(), '"team": "rule:base or role:team"\n');
    assert.deepEqual(
      inFirst.diagnostics.filter((d) => d.code === 'unknown-policy'),
      [],
    );
  });

  it('converts a JSON file of policy.d to the same stem, replacing it, so oslo.policy keeps the same winner', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'os-policy-convert-'));
    const files: Record<string, string> = {
      'policy.yaml': '"base": "role:admin"\n',
      'policy.d/10-a.json': '{"get_image": "role:a"}',
      'policy.d/20-b.yaml': 'get_image: "role:b"\n',
    };
    mkdirSync(join(folder, 'policy.d'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    const uri = pathToFileURL(join(folder, 'policy.d', '10-a.json')).toString();
    const published = await client.open(uri, files['policy.d/10-a.json'], 'openstack-policy-json');
    const json = published.diagnostics.find((d) => d.code === 'deprecated-json')!;
    const actions = await client.request<ConvertAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: json.range,
      context: { diagnostics: [json] },
    });
    const convert = actions.find((action) => action.title.startsWith('Convert this JSON'))!;
    const changes = convert.edit!.documentChanges;
    const target = pathToFileURL(join(folder, 'policy.d', '10-a.yaml')).toString();
    assert.deepEqual(
      changes.map((change) => [change.kind ?? 'edit', change.uri ?? change.textDocument?.uri]),
      [
        ['create', target],
        ['edit', target],
        ['delete', uri],
      ],
    );
    const converted: Record<string, string> = {
      ...files,
      'policy.d/10-a.yaml': changes[1].edits![0].newText,
    };
    delete converted['policy.d/10-a.json'];
    const cases = ['a', 'b'].map((role) => ({ rule: 'get_image', creds: { roles: [role] }, target: {} }));
    const [before, after] = runOracle([
      { files, cases },
      { files: converted, cases },
    ]);
    assert.deepEqual(
      before.results.map((r) => r.result),
      [false, true],
    );
    assert.deepEqual(after, before);

    // With a 10-a.yaml already there, the action is refused and says why.
    writeFileSync(join(folder, 'policy.d', '10-a.yaml'), 'other: "@"\n');
    const refused = await client.request<ConvertAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: json.range,
      context: { diagnostics: [json] },
    });
    const disabled = refused.find((action) => action.title.startsWith('Convert this JSON'))!;
    assert.equal(disabled.edit, undefined);
    assert.match(disabled.disabled!.reason, /10-a\.yaml already exists/);

    // A client that cannot show a disabled action is not offered it at all (LSP 3.16).
    const plain = new LspClient({ service: 'glance', release: 'epoxy' });
    try {
      await plain.initialize(folder);
      const opened = await plain.open(uri, files['policy.d/10-a.json'], 'openstack-policy-json');
      const diagnostic = opened.diagnostics.find((d) => d.code === 'deprecated-json')!;
      const offered = await plain.request<ConvertAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: diagnostic.range,
        context: { diagnostics: [diagnostic] },
      });
      assert.ok(Array.isArray(offered));
      assert.equal(
        offered.find((action) => action.title.startsWith('Convert this JSON')),
        undefined,
      );
    } finally {
      await plain.close();
    }
  });
});

interface ConvertAction {
  title: string;
  disabled?: { reason: string };
  edit?: {
    documentChanges: {
      kind?: string;
      uri?: string;
      textDocument?: { uri: string };
      edits?: { newText: string }[];
    }[];
  };
}

interface TextEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

/** Applies LSP text edits (non-overlapping) to a text. */
function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const spans = edits
    .map((edit) => ({
      start: lines.offset(edit.range.start.line, edit.range.start.character),
      end: lines.offset(edit.range.end.line, edit.range.end.character),
      newText: edit.newText,
    }))
    .sort((a, b) => b.start - a.start);
  let result = text;
  for (const edit of spans) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}
