import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureUri, LspClient, type PublishedDiagnostics } from '../support/lspClient';
import { repoRoot } from '../support/paths';

const fixture = (...parts: string[]): string =>
  readFileSync(join(repoRoot(), 'test', 'fixtures', 'workspace', ...parts), 'utf8');

/** The position of the `occurrence`-th match of `needle` in `text`, plus `delta` characters. */
function positionOf(
  text: string,
  needle: string,
  delta = 0,
  occurrence = 0,
): { line: number; character: number } {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = text.indexOf(needle, index + 1);
  assert.ok(index >= 0, `'${needle}' not in the fixture`);
  const before = text.slice(0, index + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

const codes = (published: PublishedDiagnostics): string[] => published.diagnostics.map((d) => d.code);

interface Hover {
  contents: { value: string };
}
interface CompletionItem {
  label: string;
  insertTextFormat?: number;
  textEdit?: { newText: string };
}

describe('the language server over stdio', function () {
  this.timeout(60_000);
  let client: LspClient;

  before(async () => {
    client = new LspClient({ release: 'epoxy' });
    const result = (await client.initialize(join(repoRoot(), 'test', 'fixtures', 'workspace'))) as {
      capabilities: Record<string, unknown>;
    };
    assert.ok(result.capabilities.hoverProvider);
  });

  after(async () => {
    await client.close();
  });

  describe('a Glance override file', () => {
    const uri = fixtureUri('glance', 'policy.yaml');
    const text = fixture('glance', 'policy.yaml');
    let diagnostics: PublishedDiagnostics;

    before(async () => {
      diagnostics = await client.open(uri, text);
    });

    it('detects Glance and reports unknown names and open writes', () => {
      const found = codes(diagnostics);
      assert.ok(found.includes('unknown-policy'), JSON.stringify(diagnostics.diagnostics));
      assert.ok(found.includes('allows-anyone-write'));
      const unknown = diagnostics.diagnostics.find((d) => d.code === 'unknown-policy')!;
      assert.match(unknown.message, /Did you mean 'get_images'/);
    });

    it('hovers a policy name with operations, scope and the registered default', async () => {
      const hover = await client.request<Hover>('textDocument/hover', {
        textDocument: { uri },
        position: positionOf(text, '"get_image"', 2),
      });
      assert.match(hover.contents.value, /GET \| `\/v2\/images\/\{image_id\}`/);
      assert.match(hover.contents.value, /Scope types: project/);
      assert.match(hover.contents.value, /Registered default/);
      assert.match(hover.contents.value, /oslo.policy enforces/);
    });

    it('completes rule names after rule: and attributes inside %(', async () => {
      const rules = await client.request<CompletionItem[]>('textDocument/completion', {
        textDocument: { uri },
        position: positionOf(text, 'rule:image_team', 5),
      });
      assert.ok(rules.some((item) => item.label === 'image_team'));
      assert.ok(rules.some((item) => item.label === 'context_is_admin'));
      const attributes = await client.request<CompletionItem[]>('textDocument/completion', {
        textDocument: { uri },
        position: positionOf(text, '%(project_id', 2),
      });
      assert.ok(attributes.some((item) => item.label === 'member_id'));
      assert.ok(attributes.some((item) => item.label === 'visibility'));
    });

    it('completes policy names with their default as a snippet', async () => {
      const items = await client.request<CompletionItem[]>('textDocument/completion', {
        textDocument: { uri },
        position: { line: 1, character: 0 },
      });
      const upload = items.find((item) => item.label === 'upload_image');
      assert.ok(upload);
      assert.equal(upload.insertTextFormat, 2);
      assert.match(upload.textEdit!.newText, /^"upload_image": "\$\{1:.+\}"$/);
      assert.ok(
        !items.some((item) => item.label === 'get_image'),
        'names already in the file are not offered',
      );
    });

    it('goes to the definition of a rule and finds its references', async () => {
      const definition = await client.request<{ range: { start: { line: number } } }>(
        'textDocument/definition',
        { textDocument: { uri }, position: positionOf(text, 'rule:image_team', 7) },
      );
      assert.equal(definition.range.start.line, 1);
      const references = await client.request<unknown[]>('textDocument/references', {
        textDocument: { uri },
        position: positionOf(text, '"image_team"', 2),
        context: { includeDeclaration: true },
      });
      assert.equal(references.length, 2);
    });

    it('renames a rule with its references', async () => {
      const edit = await client.request<{ changes: Record<string, { newText: string }[]> }>(
        'textDocument/rename',
        { textDocument: { uri }, position: positionOf(text, '"image_team"', 2), newName: 'image_admins' },
      );
      const edits = edit.changes[uri];
      assert.deepEqual(edits.map((e) => e.newText).sort(), ['"image_admins"', 'image_admins']);
    });

    it('gives symbols, folding, highlights and semantic tokens', async () => {
      const symbols = await client.request<{ name: string }[]>('textDocument/documentSymbol', {
        textDocument: { uri },
      });
      assert.deepEqual(symbols.map((s) => s.name).slice(0, 2), ['image_team', 'publicize_image']);
      const tokens = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', {
        textDocument: { uri },
      });
      assert.ok(tokens.data.length > 50 && tokens.data.length % 5 === 0);
      const highlights = await client.request<unknown[]>('textDocument/documentHighlight', {
        textDocument: { uri },
        position: positionOf(text, 'rule:image_team', 7),
      });
      assert.equal(highlights.length, 2);
    });

    it('shows simulation verdicts in code lenses and answers osPolicy/simulate', async () => {
      const lenses = await client.request<{ data?: unknown; command?: { title: string } }[]>(
        'textDocument/codeLens',
        { textDocument: { uri } },
      );
      const unresolved = lenses.find(
        (lens) => (lens.data as { rule?: string } | undefined)?.rule === 'delete_image',
      )!;
      // The lens asks "Simulate as role…" until its command ran; then it shows the verdicts.
      await client.request('workspace/executeCommand', {
        command: 'osPolicy.simulateAt',
        arguments: [uri, 'delete_image'],
      });
      const resolved = await client.request<{ command: { title: string } }>('codeLens/resolve', unresolved);
      assert.match(resolved.command.title, /reader .* · member .* · admin ✅/);
      const result = await client.request<{
        results: { persona: string; verdict: string; condition: string | null }[];
      }>('osPolicy/simulate', { uri, rule: 'delete_image' });
      const member = result.results.find((r) => r.persona === 'project_member')!;
      assert.equal(member.verdict, 'conditional');
      assert.match(member.condition!, /project_id == %\(project_id\)s/);
      assert.equal(result.results.find((r) => r.persona === 'anonymous')!.verdict, 'denied');
    });
  });

  describe('an Ironic file with deprecated rules', () => {
    const uri = fixtureUri('ironic', 'policy.yaml');
    const text = fixture('ironic', 'policy.yaml');

    it('reports deprecated policies and attributes the service never provides', async () => {
      const diagnostics = await client.open(uri, text);
      const found = codes(diagnostics);
      assert.ok(found.includes('deprecated-policy'), JSON.stringify(found));
      const attribute = diagnostics.diagnostics.find((d) => d.code === 'unknown-attribute');
      assert.ok(attribute);
      assert.match(attribute.message, /node\.owner/);
    });
  });

  describe('a Nova policy.json', () => {
    const uri = fixtureUri('nova', 'policy.json');
    const text = fixture('nova', 'policy.json');

    it('flags the deprecated format and offers the conversion to YAML', async () => {
      const diagnostics = await client.open(uri, text, 'openstack-policy-json');
      const json = diagnostics.diagnostics.find((d) => d.code === 'deprecated-json');
      assert.ok(json);
      const actions = await client.request<
        {
          title: string;
          edit: { documentChanges: { kind?: string; uri?: string; edits?: { newText: string }[] }[] };
        }[]
      >('textDocument/codeAction', {
        textDocument: { uri },
        range: json.range,
        context: { diagnostics: [json] },
      });
      const convert = actions.find((action) => action.title.includes('policy.yaml'));
      assert.ok(convert);
      const created = convert.edit.documentChanges[0];
      assert.equal(created.kind, 'create');
      assert.match(created.uri!, /nova\/policy\.yaml$/);
      const content = convert.edit.documentChanges[1].edits![0].newText;
      assert.match(content, /# GET {2}\/servers/);
      assert.match(
        content,
        /"os_compute_api:servers:delete": \[\["role:admin"\], \["role:member", "project_id:%\(project_id\)s"\]\]/,
      );
    });
  });

  describe('a file with cycles and undefined rules', () => {
    const uri = fixtureUri('broken', 'policy.yaml');
    const text = fixture('broken', 'policy.yaml');
    let diagnostics: PublishedDiagnostics;

    before(async () => {
      diagnostics = await client.open(uri, text);
    });

    it('reports each problem at its place', () => {
      const found = codes(diagnostics);
      for (const code of [
        'rule-cycle',
        'undefined-rule',
        'parse-failure',
        'kind-case',
        'raises-at-enforcement',
      ]) {
        assert.ok(found.includes(code), `${code} in ${JSON.stringify(found)}`);
      }
      const cycle = diagnostics.diagnostics.find((d) => d.code === 'rule-cycle')!;
      assert.equal(cycle.relatedInformation?.length, 2);
      const undefinedRule = diagnostics.diagnostics.find((d) => d.code === 'undefined-rule')!;
      assert.deepEqual(undefinedRule.range.start, positionOf(text, 'missing_rule'));
    });

    it('re-diagnoses after an edit', async () => {
      const start = positionOf(text, 'missing_rule');
      const updated = await client.change(uri, {
        range: { start, end: { line: start.line, character: start.character + 'missing_rule'.length } },
        text: 'a',
      });
      assert.ok(!codes(updated).includes('undefined-rule'));
    });

    it('survives garbage and keeps answering', async () => {
      const garbage = `\u0000\u0001{{{[[[: : :\n\t"x": ${'('.repeat(5000)}\n`;
      const published = await client.open(fixtureUri('broken', 'garbage.yaml'), garbage);
      assert.ok(published.diagnostics.length > 0);
      const hover = await client.request('textDocument/hover', {
        textDocument: { uri: fixtureUri('broken', 'garbage.yaml') },
        position: { line: 1, character: 5 },
      });
      assert.ok(hover === null || typeof hover === 'object');
      const symbols = await client.request<unknown[]>('textDocument/documentSymbol', {
        textDocument: { uri },
      });
      assert.ok(symbols.length > 0);
    });
  });
});
