import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OsPolicyApi } from '../../../client/src/extension';
import type { SimulateResult } from '../../../server/src/lsp/simulation';
import { COMMANDS, DEFAULT_PERSONA_IDS, SETTINGS_SECTION } from '../../../server/src/shared/protocol';
import {
  EXTENSION_ID,
  diagnosticsWhere,
  fileIn,
  once,
  open,
  positionOf,
  textWhere,
  withCode,
  metrics,
} from './helpers';

const api = (): OsPolicyApi => vscode.extensions.getExtension<OsPolicyApi>(EXTENSION_ID)!.exports;

describe('the OpenStack Policy commands', () => {
  // Leave the window as a user would find it: the UI check runs in it next.
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  });

  it('simulates a rule as chosen personas with the target left open', async () => {
    const { document } = await open('glance', 'policy.yaml');
    const result = await vscode.commands.executeCommand<SimulateResult>(
      COMMANDS.simulate,
      document.uri.toString(),
      'delete_image',
      { silent: true, personas: ['project_member', 'anonymous'] },
    );
    assert.deepEqual(
      result.results.map((r) => [r.persona, r.verdict]),
      [
        ['project_member', 'conditional'],
        ['anonymous', 'denied'],
      ],
    );
    assert.match(result.results[0].condition ?? '', /project_id/);
  });

  it('decides exactly with a concrete target', async () => {
    const { document } = await open('glance', 'policy.yaml');
    const result = await vscode.commands.executeCommand<SimulateResult>(
      COMMANDS.simulate,
      document.uri.toString(),
      'delete_image',
      { silent: true, personas: ['project_member'], target: '{"project_id": "someone else"}' },
    );
    assert.equal(result.results[0].verdict, 'denied');
  });

  it('runs the verdict lens command for the project personas', async () => {
    const { document } = await open('glance', 'policy.yaml');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      document.uri,
      100,
    );
    const line = positionOf(document, '"get_image"').line;
    const verdictLens = lenses.find(
      (lens) =>
        lens.range.start.line === line &&
        lens.command?.command === COMMANDS.simulateAt &&
        lens.command.title.startsWith('reader'),
    );
    assert.ok(verdictLens?.command);
    const result = await vscode.commands.executeCommand<SimulateResult>(
      verdictLens.command.command,
      ...((verdictLens.command.arguments ?? []) as unknown[]),
    );
    assert.deepEqual(
      result.results.map((r) => r.persona),
      DEFAULT_PERSONA_IDS.filter((id) => id.startsWith('project_')),
    );
    assert.equal(result.results.find((r) => r.persona === 'project_admin')?.verdict, 'allowed');
  });

  it('opens the role matrix in a webview', async () => {
    const { document } = await open('glance', 'policy.yaml');
    const isMatrix = (tab: vscode.Tab): boolean =>
      tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('osPolicy.matrix');
    const opened = once(vscode.window.tabGroups.onDidChangeTabs, (event) => event.opened.some(isMatrix));
    const shown = await vscode.commands.executeCommand<{
      rows: number;
      viewType: string;
      title: string;
      requestMs: number;
      renderedMs: number | null;
    }>(COMMANDS.showMatrix, document.uri.toString());
    assert.equal(shown.viewType, 'osPolicy.matrix');
    assert.ok(shown.renderedMs !== null, 'the webview drew the table and said so');
    metrics.matrixWebviewMs = shown.renderedMs;
    metrics.matrixRequestMs = shown.requestMs;
    assert.ok(shown.rows >= 50, `${shown.rows} policies of glance`);
    const [tab] = (await opened).opened.filter(isMatrix);
    assert.equal(tab.label, shown.title);
    // Once the window has shown a webview, the next one opens without the webview set-up: the
    // largest namespace (Neutron, with its plugins) × every persona.
    const neutron = await open('neutron', 'policy.yaml');
    const largest = await vscode.commands.executeCommand<{ rows: number; renderedMs: number | null }>(
      COMMANDS.showMatrix,
      neutron.document.uri.toString(),
    );
    assert.ok(largest.renderedMs !== null);
    assert.ok(largest.rows >= 300, `${largest.rows} policies of neutron`);
    metrics.matrixWebviewWarmMs = largest.renderedMs;
    metrics.matrixWebviewWarmRows = largest.rows;
  });

  it('exports the role matrix as Markdown', async () => {
    const { document } = await open('glance', 'policy.yaml');
    const destination = fileIn('glance', 'role-matrix.md');
    const written = await vscode.commands.executeCommand<string>(
      COMMANDS.exportMatrix,
      document.uri.toString(),
      'md',
      destination.fsPath,
    );
    assert.equal(written, destination.toString());
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(destination));
    assert.match(text, /^\| `get_image` \| GET `\/v2\/images\/\{image_id\}` \|/m);
  });

  it('converts a policy.json into a policy.yaml beside it with the quick fix', async () => {
    const { document } = await open('nova', 'policy.json');
    const diagnostics = await diagnosticsWhere(document.uri, withCode('deprecated-json'), 'deprecated-json');
    const json = diagnostics.find((d) => d.code === 'deprecated-json')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      json.range,
    );
    const convert = actions.find((action) => action.title === 'Convert this JSON policy file to policy.yaml');
    assert.ok(convert?.edit);
    assert.ok(await vscode.workspace.applyEdit(convert.edit));
    const yaml = await vscode.workspace.openTextDocument(fileIn('nova', 'policy.yaml'));
    assert.equal(yaml.languageId, 'openstack-policy');
    assert.match(
      yaml.getText(),
      /"os_compute_api:servers:index": "role:reader and project_id:%\(project_id\)s"/,
    );
  });

  it('upgrades deprecated policy names, then removes redundant overrides', async () => {
    const { document } = await open('neutron', 'policy.yaml');
    await diagnosticsWhere(document.uri, withCode('deprecated-name'), 'deprecated-name');
    assert.equal(await vscode.commands.executeCommand(COMMANDS.upgradeNames), true);
    const upgraded = await textWhere(document, (text) => !text.includes('floatingips_tags'));
    assert.match(upgraded, /^"create_floatingip:tags": /m);
    assert.match(upgraded, /^"get_floatingip:tags": /m);

    await diagnosticsWhere(
      document.uri,
      (list) =>
        !list.some((d) => d.code === 'deprecated-name') && list.some((d) => d.code === 'redundant-override'),
      'the upgraded file',
    );
    assert.equal(await vscode.commands.executeCommand(COMMANDS.removeRedundant), true);
    const cleaned = await textWhere(document, (text) => !text.includes('"get_network"'));
    assert.ok(!cleaned.includes('"get_port"'));
    assert.match(cleaned, /^"create_port": /m, 'an override that differs stays');
    await document.save();
  });

  it('shows the registered defaults as a read-only sample document', async () => {
    const uri = await vscode.commands.executeCommand<string>(COMMANDS.showDefaults, 'glance', 'zed');
    const document = vscode.window.activeTextEditor?.document;
    assert.equal(document?.uri.toString(), uri);
    assert.equal(document.uri.scheme, 'os-policy-defaults');
    assert.equal(document.languageId, 'openstack-policy');
    assert.match(document.getText(), /^# Registered defaults of glance \(zed\)/);
    assert.match(document.getText(), /^#"get_image": /m);
    // Typing into it does nothing (the same command does type into an ordinary editor). The
    // change event of an edit would arrive before the command's answer: no waiting needed.
    const before = document.getText();
    await vscode.commands.executeCommand('type', { text: 'x' });
    assert.equal(document.getText(), before, 'the defaults document is read-only');
    const scratch = await vscode.workspace.openTextDocument({ language: 'openstack-policy', content: '' });
    await vscode.window.showTextDocument(scratch);
    await vscode.commands.executeCommand('type', { text: 'x' });
    assert.equal(scratch.getText(), 'x', 'typing reaches an ordinary editor');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('shows service, release and mode in the status bar, following the settings', async () => {
    await open('glance', 'policy.yaml');
    await api().statusBarRefreshed();
    // `auto` and `newest` as the server resolved them for this file (its path names Glance).
    assert.equal(api().statusBarText(), '$(shield) glance (auto) · epoxy (newest) · default mode');
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    // The extension's listeners were registered first, so they have run when these resolve.
    const changed = once(vscode.workspace.onDidChangeConfiguration, (e) =>
      e.affectsConfiguration(SETTINGS_SECTION),
    );
    await config.update('enforceNewDefaults', true, vscode.ConfigurationTarget.Workspace);
    await changed;
    try {
      assert.equal(api().statusBarText(), '$(shield) glance (auto) · epoxy (newest) · new defaults');
    } finally {
      await config.update('enforceNewDefaults', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const selected = once(vscode.workspace.onDidChangeConfiguration, (e) =>
      e.affectsConfiguration(`${SETTINGS_SECTION}.release`),
    );
    await vscode.commands.executeCommand(COMMANDS.selectService, 'glance', 'zed');
    await selected;
    assert.equal(api().statusBarText(), '$(shield) glance · zed · default mode');
    for (const key of ['service', 'release'])
      await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);

    const closed = once(vscode.window.onDidChangeActiveTextEditor, (editor) => editor === undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await closed;
    assert.equal(api().statusBarText(), undefined, 'hidden without a policy file');
  });
});
