import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument, type Range } from 'vscode-languageserver-textdocument';
import { fixtureUri, LspClient, type PublishedDiagnostics } from '../support/lspClient';
import { parsedByOslo } from '../support/oracle';
import { repoRoot } from '../support/paths';

const fixture = (...parts: string[]): string =>
  readFileSync(join(repoRoot(), 'test', 'fixtures', 'workspace', ...parts), 'utf8');

function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `'${needle}' not in the fixture`);
  const before = text.slice(0, index + delta);
  return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

interface Action {
  title: string;
  kind?: string;
  edit: { changes?: Record<string, { newText: string }[]>; documentChanges?: unknown[] };
}

const workspace = join(repoRoot(), 'test', 'fixtures', 'workspace');

describe('the language server over stdio, feature by feature', function () {
  this.timeout(60_000);

  describe('with the epoxy catalog and a severity setting', () => {
    let client: LspClient;
    before(async () => {
      client = new LspClient({
        release: 'epoxy',
        diagnostics: { severity: { 'unknown-policy': 'error', 'kind-case': 'off' } },
      });
      await client.initialize(workspace);
    });
    after(() => client.close());

    it('reports every diagnostic of the Glance file with its code, range and severity from the settings', async () => {
      const text = fixture('glance', 'policy.yaml');
      const published = await client.open(fixtureUri('glance', 'policy.yaml'), text);
      const byCode = (code: string): PublishedDiagnostics['diagnostics'][number] =>
        published.diagnostics.find((d) => d.code === code)!;
      for (const code of [
        'redundant-override',
        'duplicate-key',
        'external-check',
        'unknown-attribute',
        'allows-anyone-write',
      ])
        assert.ok(byCode(code), `${code} in ${published.diagnostics.map((d) => d.code).join(' ')}`);
      assert.equal(byCode('unknown-policy').severity, 1);
      assert.deepEqual(byCode('unknown-policy').range.start, positionOf(text, '"get_imgaes"'));
      assert.deepEqual(byCode('external-check').range.start, positionOf(text, 'http://'));
      assert.ok(byCode('duplicate-key').relatedInformation!.length === 1);
    });

    it('drops a code whose severity is off', async () => {
      const published = await client.open(fixtureUri('broken', 'cased.yaml'), '"a": "Role:admin"\n');
      assert.ok(!published.diagnostics.some((d) => d.code === 'kind-case'));
    });

    it('reports deprecated names in the Nova policy.json and upgrades them all', async () => {
      const uri = fixtureUri('nova', 'policy.json');
      const text = fixture('nova', 'policy.json');
      const published = await client.open(uri, text, 'openstack-policy-json');
      const renamed = published.diagnostics.filter((d) => d.code === 'deprecated-name');
      assert.equal(renamed.length, 2);
      assert.match(renamed[0].message, /since 22\.0\.0/);
      const actions = await client.request<Action[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: renamed[0].range,
        context: { diagnostics: renamed },
      });
      const all = actions.find((a) => a.title === 'Upgrade all deprecated policy names')!;
      const newText = all.edit.changes![uri].map((e) => e.newText).join('\n');
      assert.match(newText, /"os_compute_api:os-hosts:reboot": "rule:admin_api"/);
      assert.match(newText, /"os_compute_api:os-baremetal-nodes:show": "rule:admin_api"/);
      const removeAll = actions.find((a) => a.title === 'Remove all redundant overrides');
      assert.ok(removeAll, actions.map((a) => a.title).join(' | '));
    });

    it('canonicalizes a check string through a refactoring', async () => {
      const uri = fixtureUri('nova', 'policy.json');
      const text = fixture('nova', 'policy.json');
      const at = positionOf(text, '(rule:admin_api) or', 3);
      const actions = await client.request<Action[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: at, end: at },
        context: { diagnostics: [] },
      });
      const rewrite = actions.find((a) => a.kind === 'refactor.rewrite')!;
      assert.equal(rewrite.edit.changes![uri][0].newText, '"rule:admin_api or user_id:%(user_id)s"');
    });

    it('creates a missing rule where oslo.policy then finds it: before `...`, indented, in a flow mapping, decoded', async () => {
      const sources = [
        'admin: "role:admin"\nfoo: "rule:missing"\n...\n',
        '  admin: "role:admin"\n  foo: "rule:missing"\n',
        '{admin: "role:admin", foo: "rule:missing"}\n',
        'foo: "rule:admin\\x5frul"\n',
        '{\n  "foo": "rule:missing"\n}\n',
      ];
      const results: string[] = [];
      for (const [index, source] of sources.entries()) {
        const uri = fixtureUri('broken', `create-${index}.${source.startsWith('{\n') ? 'json' : 'yaml'}`);
        const published = await client.open(uri, source);
        const undefinedRule = published.diagnostics.find((d) => d.code === 'undefined-rule')!;
        const actions = await client.request<Action[]>('textDocument/codeAction', {
          textDocument: { uri },
          range: undefinedRule.range,
          context: { diagnostics: [undefinedRule] },
        });
        const create = actions.find((a) => a.title.startsWith('Create rule'))!;
        const edits = create.edit.changes![uri] as { range: Range; newText: string }[];
        results.push(TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, source), edits));
      }
      const loaded = parsedByOslo([...sources, ...results]);
      for (const [index, after] of loaded.slice(sources.length).entries()) {
        const expected = { ...loaded[index], [index === 3 ? 'admin_rul' : 'missing']: 'role:admin' };
        assert.deepEqual(after, expected, results[index]);
      }
    });

    it('creates a missing rule from the file with cycles and undefined rules', async () => {
      const uri = fixtureUri('broken', 'policy.yaml');
      const published = await client.open(uri, fixture('broken', 'policy.yaml'));
      const undefinedRule = published.diagnostics.find((d) => d.code === 'undefined-rule')!;
      const actions = await client.request<Action[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: undefinedRule.range,
        context: { diagnostics: [undefinedRule] },
      });
      const create = actions.find((a) => a.title.startsWith("Create rule 'missing_rule'"))!;
      assert.match(create.edit.changes![uri][0].newText, /"missing_rule": "role:admin"/);
      const cycle = published.diagnostics.find((d) => d.code === 'rule-cycle')!;
      assert.equal(cycle.relatedInformation!.length, 2);
    });

    it('goes to a registered default in the read-only defaults document', async () => {
      const uri = fixtureUri('glance', 'glance-policy.yaml');
      const text = '"get_image": "rule:service_api or role:admin"\n';
      await client.open(uri, text);
      const location = await client.request<{ uri: string; range: { start: { line: number } } }>(
        'textDocument/definition',
        { textDocument: { uri }, position: positionOf(text, 'rule:service_api', 7) },
      );
      assert.match(location.uri, /^os-policy-defaults:\/glance\/epoxy\/policy\.yaml\.sample$/);
      const sample = await client.request<string>('osPolicy/defaultsDocument', { uri: location.uri });
      assert.match(sample.split('\n')[location.range.start.line], /^#"service_api": "role:service"/);
    });

    it('completes a policy name into text oslo.policy reads: closed quotes, commas in JSON', async () => {
      const sources: [string, string][] = [
        ['complete-0.json', '{\n  "get_image": "role:x"\n  "|"\n}\n'],
        ['complete-1.json', '{\n  "|"\n  "get_image": "role:x"\n}\n'],
        ['complete-2.yaml', '"get_image": "role:x"\n\'|\'\n'],
      ];
      const results: string[] = [];
      for (const [name, marked] of sources) {
        const uri = fixtureUri('glance', name);
        const text = marked.replace('|', '');
        await client.open(uri, text, name.endsWith('json') ? 'openstack-policy-json' : 'openstack-policy');
        const items = await client.request<
          {
            label: string;
            textEdit: { range: Range; newText: string };
            additionalTextEdits?: { range: Range; newText: string }[];
          }[]
        >('textDocument/completion', { textDocument: { uri }, position: positionOf(marked, '|') });
        const item = items.find((i) => i.label === 'upload_image')!;
        const newText = item.textEdit.newText.replace(/\$\{1:(.*)\}/, '$1');
        const edits = [{ range: item.textEdit.range, newText }, ...(item.additionalTextEdits ?? [])];
        results.push(TextDocument.applyEdits(TextDocument.create(uri, 'json', 1, text), edits));
      }
      for (const read of parsedByOslo(results))
        assert.deepEqual(Object.keys(read).sort(), ['get_image', 'upload_image'], results.join('\n'));
    });

    it('hovers the always-allow and always-deny checks', async () => {
      const uri = fixtureUri('glance', 'constants.yaml');
      const text = '"get_image": "@"\n"delete_image": "role:admin and not !"\n';
      await client.open(uri, text);
      const hoverAt = (needle: string, delta: number) =>
        client.request<{ contents: { value: string }; range: Range }>('textDocument/hover', {
          textDocument: { uri },
          position: positionOf(text, needle, delta),
        });
      const always = await hoverAt('"@"', 1);
      assert.match(always.contents.value, /\*\*@\*\* — always true/);
      assert.deepEqual(always.range, { start: { line: 0, character: 14 }, end: { line: 0, character: 15 } });
      assert.match((await hoverAt('!"', 0)).contents.value, /\*\*!\*\* — always false/);
    });

    it('finds workspace symbols in open documents and in policy files on disk', async () => {
      const symbols = await client.request<
        { name: string; location: { uri: string }; containerName: string }[]
      >('workspace/symbol', { query: 'baremetalnodeupdate' });
      const update = symbols.find((s) => s.name === 'baremetal:node:update');
      assert.ok(update, JSON.stringify(symbols));
      assert.match(update.location.uri, /ironic\/policy\.yaml$/);
      const images = await client.request<{ name: string }[]>('workspace/symbol', { query: 'delete_image' });
      assert.ok(images.some((s) => s.name === 'delete_image'));
    });

    it('skips a request cancelled while the server was busy', async () => {
      const { CancellationTokenSource } = await import('vscode-jsonrpc/node');
      const big = Array.from({ length: 6000 }, (_, i) => `"r${i}": "rule:r${i + 1} or role:reader"`).join(
        '\n',
      );
      const uri = fixtureUri('broken', 'big.yaml');
      await client.open(uri, big);
      const position = { line: 3, character: 2 };
      // An edit, then a request that analyses the new version synchronously: the hover and its
      // cancellation both arrive while the server is busy, so the hover starts cancelled.
      const edited = client.change(uri, {
        range: { start: { line: 0, character: 7 }, end: { line: 0, character: 7 } },
        text: ' ',
      });
      const busy = client.request('textDocument/semanticTokens/full', { textDocument: { uri } });
      const source = new CancellationTokenSource();
      const hover = client.connection.sendRequest(
        'textDocument/hover',
        { textDocument: { uri }, position },
        source.token,
      );
      source.cancel();
      assert.equal(await hover.catch((error: { code?: number }) => error.code ?? error), null);
      await Promise.all([edited, busy]);
      const answered = await client.request<{ contents: { value: string } }>('textDocument/hover', {
        textDocument: { uri },
        position,
      });
      assert.match(answered.contents.value, /r3/);
    });
  });

  describe('with a feature that throws', () => {
    let client: LspClient;
    before(async () => {
      client = new LspClient({ release: 'epoxy' }, { OS_POLICY_FAULT: 'hover' });
      await client.initialize(workspace);
    });
    after(() => client.close());

    it('logs the exception, answers empty and keeps serving the other features', async () => {
      const uri = fixtureUri('glance', 'policy.yaml');
      const text = fixture('glance', 'policy.yaml');
      const logged: string[] = [];
      client.connection.onNotification('window/logMessage', (params: { message: string }) => {
        logged.push(params.message);
      });
      await client.open(uri, text);
      const hover = await client.request('textDocument/hover', {
        textDocument: { uri },
        position: positionOf(text, '"get_image"', 2),
      });
      assert.equal(hover, null);
      assert.ok(
        logged.some((m) => /hover failed: Error: injected fault/.test(m)),
        logged.join('\n'),
      );
      const symbols = await client.request<unknown[]>('textDocument/documentSymbol', {
        textDocument: { uri },
      });
      assert.ok(symbols.length > 5);
      assert.equal(client.process.exitCode, null);
    });
  });
});
