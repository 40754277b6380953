import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OsPolicyApi } from '../../../client/src/extension';
import {
  EXTENSION_ID,
  diagnosticsWhere,
  fileIn,
  hoverText,
  labelOf,
  metrics,
  open,
  positionOf,
  textWhere,
  withCode,
} from './helpers';

describe('the OpenStack Policy extension in VS Code', () => {
  it('stays inactive for other YAML files and activates when a policy file opens', async () => {
    const extension = vscode.extensions.getExtension<OsPolicyApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    const notes = fileIn('notes.yaml');
    await vscode.workspace.fs.writeFile(notes, new TextEncoder().encode('title: not a policy file\n'));
    const other = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(notes));
    assert.notEqual(other.document.languageId, 'openstack-policy');
    assert.equal(extension.isActive, false, 'a YAML file that is not a policy file does not activate it');

    const started = Date.now();
    const editor = await open('glance', 'policy.yaml');
    assert.equal(editor.document.languageId, 'openstack-policy');
    // Nothing here calls activate(): diagnostics arrive because opening the file activated it.
    await diagnosticsWhere(editor.document.uri, (list) => list.length > 0, 'any diagnostic');
    metrics.firstDiagnosticsMs = Date.now() - started;
    assert.equal(extension.isActive, true);
    metrics.activationMs = extension.exports.activationMs;
  });

  it('associates policy.json, policy.d/ files and *-policy.yaml with the policy languages', async () => {
    const json = await vscode.workspace.openTextDocument(fileIn('nova', 'policy.json'));
    assert.equal(json.languageId, 'openstack-policy-json');
    const extra = fileIn('glance', 'policy.d', '50-local.yaml');
    await vscode.workspace.fs.writeFile(extra, new TextEncoder().encode('"get_images": "role:reader"\n'));
    assert.equal((await vscode.workspace.openTextDocument(extra)).languageId, 'openstack-policy');
    const named = fileIn('cinder-policy.yaml');
    await vscode.workspace.fs.writeFile(named, new TextEncoder().encode('"volume:get": "role:reader"\n'));
    assert.equal((await vscode.workspace.openTextDocument(named)).languageId, 'openstack-policy');
  });

  it('keeps the YAML editing basics: a line comment toggles with #, indentation is two spaces', async () => {
    const editorConfig = vscode.workspace.getConfiguration('editor', { languageId: 'openstack-policy' });
    assert.equal(editorConfig.get('tabSize'), 2);
    assert.equal(editorConfig.get('insertSpaces'), true);
    const document = await vscode.workspace.openTextDocument({
      language: 'openstack-policy',
      content: '"get_image": "role:reader"\n',
    });
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('editor.action.commentLine');
    assert.equal(await textWhere(document, (text) => text.startsWith('#')), '# "get_image": "role:reader"\n');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('reports an unknown policy name at its key, with a did-you-mean fix', async () => {
    const { document } = await open('glance', 'policy.yaml');
    const diagnostics = await diagnosticsWhere(document.uri, withCode('unknown-policy'), 'unknown-policy');
    const unknown = diagnostics.find((d) => d.code === 'unknown-policy');
    assert.equal(document.getText(unknown?.range), '"get_imgaes"');
    assert.ok(diagnostics.some((d) => d.code === 'allows-anyone-write'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      unknown!.range,
    );
    assert.ok(actions.some((a) => a.title === "Change to 'get_images'"));
  });

  it('reports cycles with related information and undefined rules', async () => {
    const { document } = await open('broken', 'policy.yaml');
    const diagnostics = await diagnosticsWhere(document.uri, withCode('rule-cycle'), 'rule-cycle');
    const cycle = diagnostics.find((d) => d.code === 'rule-cycle');
    assert.ok((cycle?.relatedInformation?.length ?? 0) > 0);
    assert.ok(diagnostics.some((d) => d.code === 'undefined-rule'));
    assert.ok(
      diagnostics.some((d) => d.code === 'parse-failure' && d.severity === vscode.DiagnosticSeverity.Error),
    );
  });

  it('completes rule names after rule: and target attributes inside %(', async () => {
    const { document } = await open('glance', 'policy.yaml');
    const rules = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      positionOf(document, 'rule:image_team', 'rule:'.length),
    );
    const ruleLabels = rules.items.map(labelOf);
    assert.ok(ruleLabels.includes('image_team'), 'a rule of the file');
    assert.ok(ruleLabels.includes('default'), 'a rule of the registered defaults');
    const attributes = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      positionOf(document, '%(project_id', '%('.length),
    );
    const attributeLabels = attributes.items.map(labelOf);
    assert.ok(attributeLabels.includes('visibility'));
    assert.ok(attributeLabels.includes('project_id'));
    assert.ok(!attributeLabels.includes('image_team'), 'no rule names inside %(');
  });

  it('hovers a policy name with its operations and scope types', async () => {
    const { document } = await open('glance', 'policy.yaml');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      positionOf(document, '"get_image"', 3),
    );
    const text = hoverText(hovers);
    assert.match(text, /GET/);
    assert.match(text, /\/v2\/images\/\{image_id\}/);
    assert.match(text, /[Ss]cope types?:? .*project/);
  });

  it('goes to the registered default of a rule in the read-only defaults document', async () => {
    const { document } = await open('neutron', 'policy.yaml');
    const locations = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
      'vscode.executeDefinitionProvider',
      document.uri,
      positionOf(document, 'rule:admin_only', 'rule:'.length + 1),
    );
    const target = locations[0] && ('targetUri' in locations[0] ? locations[0].targetUri : locations[0].uri);
    assert.equal(target?.scheme, 'os-policy-defaults');
    const defaults = await vscode.workspace.openTextDocument(target);
    assert.match(defaults.getText(), /^#"admin_only": /m);
  });

  it('shows a simulate lens and a verdict lens above each rule', async () => {
    const { document } = await open('glance', 'policy.yaml');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      document.uri,
      100,
    );
    const line = positionOf(document, '"delete_image"').line;
    const titles = lenses.filter((lens) => lens.range.start.line === line).map((lens) => lens.command?.title);
    assert.ok(titles.includes('Simulate as role…'), titles.join(' | '));
    const verdicts = titles.find((title) => title?.startsWith('reader'));
    assert.match(verdicts ?? '', /^reader ❌ · member 🔍 project_id · admin ✅$/);
  });
});
