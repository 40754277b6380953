import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';

/** The extension in a real VS Code, through the public API only. */
const folder = (): vscode.Uri => vscode.workspace.workspaceFolders![0].uri;
const fileIn = (...parts: string[]): vscode.Uri => vscode.Uri.joinPath(folder(), ...parts);

async function open(...parts: string[]): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(fileIn(...parts));
  await vscode.window.showTextDocument(document);
  return document;
}

function diagnosticsOf(uri: vscode.Uri, code: string, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  const have = (): vscode.Diagnostic[] | null => {
    const list = vscode.languages.getDiagnostics(uri);
    return list.some((d) => d.code === code) ? list : null;
  };
  const now = have();
  if (now) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`no ${code} diagnostic for ${uri.toString()}`));
    }, timeoutMs);
    const listener = vscode.languages.onDidChangeDiagnostics(() => {
      const list = have();
      if (list) {
        clearTimeout(timer);
        listener.dispose();
        resolve(list);
      }
    });
  });
}

function positionOf(document: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const index = document.getText().indexOf(needle);
  assert.ok(index >= 0, needle);
  return document.positionAt(index + delta);
}

describe('OpenStack Policy in VS Code', () => {
  it('activates on a policy file with its language', async () => {
    const document = await open('glance', 'policy.yaml');
    assert.equal(document.languageId, 'openstack-policy');
    const extension = vscode.extensions.getExtension('os-policy.os-policy');
    assert.ok(extension);
    await extension.activate();
    assert.ok(extension.isActive);
  });

  it('publishes diagnostics', async () => {
    const document = await open('glance', 'policy.yaml');
    const diagnostics = await diagnosticsOf(document.uri, 'unknown-policy');
    assert.ok(diagnostics.some((d) => d.code === 'allows-anyone-write'));
  });

  it('completes after rule: and inside %(', async () => {
    const document = await open('glance', 'policy.yaml');
    const rules = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      positionOf(document, 'rule:image_team', 5),
    );
    assert.ok(rules.items.some((item) => item.label === 'image_team'));
    const attributes = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      positionOf(document, '%(project_id', 2),
    );
    assert.ok(attributes.items.some((item) => item.label === 'visibility'));
  });

  it('hovers a policy name with operations and scope', async () => {
    const document = await open('glance', 'policy.yaml');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      positionOf(document, '"get_image"', 3),
    );
    const text = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
      .join('\n');
    assert.match(text, /\/v2\/images\/\{image_id\}/);
    assert.match(text, /Scope types: project/);
  });

  it('shows code lenses and simulates a rule as roles', async () => {
    const document = await open('glance', 'policy.yaml');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      document.uri,
      100,
    );
    assert.ok(lenses.some((lens) => lens.command?.title === 'Simulate as role…'));
    assert.ok(lenses.some((lens) => /reader .* · member .* · admin/.test(lens.command?.title ?? '')));
    const result = await vscode.commands.executeCommand<{ results: { persona: string; verdict: string }[] }>(
      'osPolicy.simulate',
      document.uri.toString(),
      'delete_image',
      {
        silent: true,
        personas: ['project_member', 'anonymous'],
      },
    );
    assert.deepEqual(
      result.results.map((r) => [r.persona, r.verdict]),
      [
        ['project_member', 'conditional'],
        ['anonymous', 'denied'],
      ],
    );
  });

  it('converts a policy.json to policy.yaml with the quick fix', async () => {
    const document = await open('nova', 'policy.json');
    assert.equal(document.languageId, 'openstack-policy-json');
    const [json] = (await diagnosticsOf(document.uri, 'deprecated-json')).filter(
      (d) => d.code === 'deprecated-json',
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      json.range,
    );
    const convert = actions.find((action) => action.title.includes('policy.yaml'));
    assert.ok(convert?.edit);
    assert.ok(await vscode.workspace.applyEdit(convert.edit));
    const created = fileIn('nova', 'policy.yaml');
    assert.ok(
      existsSync(created.fsPath) || (await vscode.workspace.openTextDocument(created)).getText().length > 0,
    );
    const yaml = await vscode.workspace.openTextDocument(created);
    assert.match(
      yaml.getText(),
      /"os_compute_api:servers:index": "role:reader and project_id:%\(project_id\)s"/,
    );
  });

  it('opens the role matrix in a webview', async () => {
    const document = await open('glance', 'policy.yaml');
    const shown = await vscode.commands.executeCommand<{ rows: number; panel: string }>(
      'osPolicy.showMatrix',
      document.uri.toString(),
    );
    assert.equal(shown.panel, 'osPolicy.matrix');
    assert.ok(shown.rows > 50);
  });
});
