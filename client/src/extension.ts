import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

/**
 * The VS Code client: starts the bundled server over IPC and adds what only an editor can do
 * (pickers, webviews, the status bar). Every answer comes from the server, so other editors get
 * the same behaviour through LSP.
 */
const LANGUAGES = ['openstack-policy', 'openstack-policy-json'];
const DEFAULTS_SCHEME = 'os-policy-defaults';

interface SimulationResult {
  rule: string;
  mode: string;
  results: {
    persona: string;
    label: string;
    verdict: string;
    condition: string | null;
    reason: string | null;
    trace: TraceStep[];
  }[];
}
interface TraceStep {
  check: string;
  result: string;
  children: TraceStep[];
}
interface MatrixResult {
  title: string;
  text: string;
  rows: unknown[];
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<{ client: LanguageClient }> {
  const output = vscode.window.createOutputChannel('OpenStack Policy', { log: true });
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6019'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { language, scheme: 'file' },
      { language, scheme: 'untitled' },
      { language, scheme: 'vscode-vfs' },
    ]),
    synchronize: { configurationSection: 'osPolicy' },
    outputChannel: output,
    initializationOptions: { settings: vscode.workspace.getConfiguration('osPolicy') },
  };
  client = new LanguageClient('osPolicy', 'OpenStack Policy', serverOptions, clientOptions);
  await client.start();
  const lsp = client;

  // Read-only sample documents of the registered defaults (go to definition lands here).
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(DEFAULTS_SCHEME, {
      provideTextDocumentContent: (uri) =>
        lsp.sendRequest<string>('osPolicy/defaultsDocument', { uri: uri.toString() }),
    }),
  );

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.command = 'osPolicy.selectService';
  context.subscriptions.push(status);
  const updateStatus = (): void => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !LANGUAGES.includes(editor.document.languageId)) {
      status.hide();
      return;
    }
    const config = vscode.workspace.getConfiguration('osPolicy', editor.document.uri);
    const mode =
      [
        config.get<boolean>('enforceNewDefaults') ? 'new defaults' : '',
        config.get<boolean>('enforceScope') ? 'scope' : '',
      ]
        .filter(Boolean)
        .join(' + ') || 'default mode';
    status.text = `$(shield) ${config.get<string>('service')} · ${config.get<string>('release')} · ${mode}`;
    status.tooltip = 'OpenStack policy: service · release · mode (click to change)';
    status.show();
  };
  updateStatus();
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(updateStatus),
    vscode.workspace.onDidChangeConfiguration(updateStatus),
  );

  const activeUri = (): vscode.Uri | undefined => {
    const editor = vscode.window.activeTextEditor;
    return editor && LANGUAGES.includes(editor.document.languageId) ? editor.document.uri : undefined;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(
      'osPolicy.simulate',
      async (
        uriArg?: string,
        ruleArg?: string,
        options?: { personas?: string[]; target?: string | null; silent?: boolean },
      ) => {
        const uri = uriArg ?? activeUri()?.toString();
        if (!uri) return undefined;
        const rule = ruleArg ?? (await pickRule(uri));
        if (!rule) return undefined;
        let personas = options?.personas;
        let target = options?.target;
        if (!options?.silent) {
          const picked = await vscode.window.showQuickPick(
            [
              'project_reader',
              'project_member',
              'project_admin',
              'system_reader',
              'system_admin',
              'domain_manager',
              'service',
              'anonymous',
            ].map((id) => ({ label: id, picked: id.startsWith('project_') })),
            { canPickMany: true, title: `Simulate ${rule} as…` },
          );
          if (!picked) return undefined;
          personas = picked.map((item) => item.label);
          const targetText = await vscode.window.showInputBox({
            title: 'Target (JSON), empty to leave it open',
            placeHolder: '{"project_id": "p1"}',
          });
          target = targetText ? targetText : null;
        }
        const result = await lsp.sendRequest<SimulationResult | null>('osPolicy/simulate', {
          uri,
          rule,
          personas,
          target,
        });
        if (result && !options?.silent) showSimulation(output, result);
        return result;
      },
    ),
    vscode.commands.registerCommand('osPolicy.simulateAt', async (uri: string, rule: string) => {
      const result = await lsp.sendRequest<SimulationResult | null>('osPolicy/simulate', { uri, rule });
      if (result) showSimulation(output, result);
      return result;
    }),
    vscode.commands.registerCommand('osPolicy.showMatrix', async (uriArg?: string) => {
      const uri = uriArg ?? activeUri()?.toString();
      if (!uri) return undefined;
      const matrix = await lsp.sendRequest<MatrixResult | null>('osPolicy/matrix', { uri, format: 'html' });
      if (!matrix) return undefined;
      const panel = vscode.window.createWebviewPanel(
        'osPolicy.matrix',
        matrix.title,
        vscode.ViewColumn.Beside,
        { enableScripts: true },
      );
      panel.webview.html = matrix.text;
      return { title: matrix.title, rows: matrix.rows.length, panel: panel.viewType };
    }),
    vscode.commands.registerCommand(
      'osPolicy.exportMatrix',
      async (uriArg?: string, formatArg?: string, targetArg?: string) => {
        const uri = uriArg ?? activeUri()?.toString();
        if (!uri) return undefined;
        const format =
          formatArg ??
          (await vscode.window.showQuickPick(['md', 'csv', 'html', 'json'], {
            title: 'Export the role matrix as',
          }));
        if (!format) return undefined;
        const matrix = await lsp.sendRequest<MatrixResult | null>('osPolicy/matrix', { uri, format });
        if (!matrix) return undefined;
        const destination = targetArg
          ? vscode.Uri.file(targetArg)
          : await vscode.window.showSaveDialog({
              defaultUri: vscode.Uri.parse(uri).with({
                path: vscode.Uri.parse(uri).path.replace(/[^/]*$/, `role-matrix.${format}`),
              }),
            });
        if (!destination) return undefined;
        await vscode.workspace.fs.writeFile(destination, Buffer.from(matrix.text, 'utf8'));
        return destination.toString();
      },
    ),
    vscode.commands.registerCommand('osPolicy.convertToYaml', () =>
      applyActions(lsp, 'Convert this JSON policy file to policy.yaml'),
    ),
    vscode.commands.registerCommand('osPolicy.upgradeNames', () =>
      applyActions(lsp, 'Upgrade all deprecated policy names', 'Rename to'),
    ),
    vscode.commands.registerCommand('osPolicy.removeRedundant', () =>
      applyActions(lsp, 'Remove all redundant overrides', 'Remove the redundant override'),
    ),
    vscode.commands.registerCommand('osPolicy.showDefaults', async () => {
      const config = vscode.workspace.getConfiguration('osPolicy', activeUri());
      const namespace =
        config.get<string>('service') !== 'auto'
          ? config.get<string>('service')
          : await vscode.window.showInputBox({ title: 'Namespace (nova, glance, ironic.api, ...)' });
      if (!namespace) return undefined;
      const release = config.get<string>('release') === 'newest' ? 'epoxy' : config.get<string>('release')!;
      const document = await vscode.workspace.openTextDocument(
        vscode.Uri.parse(
          `${DEFAULTS_SCHEME}:/${encodeURIComponent(namespace)}/${encodeURIComponent(release)}/policy.yaml.sample`,
        ),
      );
      await vscode.languages.setTextDocumentLanguage(document, 'openstack-policy');
      await vscode.window.showTextDocument(document, { preview: true });
      return document.uri.toString();
    }),
    vscode.commands.registerCommand('osPolicy.selectService', async () => {
      const config = vscode.workspace.getConfiguration('osPolicy', activeUri());
      const service = await vscode.window.showInputBox({
        title: 'Service namespace (auto to detect)',
        value: config.get<string>('service'),
      });
      if (service === undefined) return;
      const release = await vscode.window.showQuickPick(['newest', 'epoxy', 'zed', 'victoria'], {
        title: 'Release',
      });
      const target = vscode.workspace.workspaceFolders
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : vscode.ConfigurationTarget.Global;
      await config.update(
        'service',
        service,
        target === vscode.ConfigurationTarget.WorkspaceFolder && !activeUri()
          ? vscode.ConfigurationTarget.Workspace
          : target,
      );
      if (release) await config.update('release', release, vscode.ConfigurationTarget.Workspace);
    }),
  );

  return { client: lsp };
}

async function pickRule(uri: string): Promise<string | undefined> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  const names = document
    ? [...document.getText().matchAll(/^\s*"?([^"#:\s][^"#]*?)"?\s*:/gm)].map((m) => m[1])
    : [];
  return vscode.window.showQuickPick(names, { title: 'Rule to simulate' });
}

function showSimulation(output: vscode.OutputChannel, result: SimulationResult): void {
  const icons: Record<string, string> = {
    allowed: '✅',
    denied: '❌',
    conditional: '🔍',
    error: '⚠️',
    unknown: '❔',
  };
  output.appendLine(`\n${result.rule} (${result.mode})`);
  const render = (step: TraceStep, depth: number): void => {
    output.appendLine(`${'  '.repeat(depth + 2)}${step.check} → ${step.result}`);
    step.children.forEach((child) => render(child, depth + 1));
  };
  for (const r of result.results) {
    output.appendLine(
      `  ${icons[r.verdict] ?? ''} ${r.label}: ${r.verdict}${r.condition ? ` if ${r.condition}` : ''}${r.reason ? ` (${r.reason})` : ''}`,
    );
    r.trace.forEach((step) => render(step, 0));
  }
  output.show(true);
  void vscode.window.showInformationMessage(
    `${result.rule}: ${result.results.map((r) => `${r.label} ${icons[r.verdict] ?? r.verdict}`).join(' · ')}`,
  );
}

/** Runs the server's code action with this title (or the first starting with `fallback`) on the active file. */
async function applyActions(_lsp: LanguageClient, title: string, fallback?: string): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return false;
  const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      whole,
    )) ?? [];
  const action =
    actions.find((a) => a.title === title) ??
    (fallback ? actions.find((a) => a.title.startsWith(fallback)) : undefined);
  if (!action?.edit) {
    void vscode.window.showInformationMessage(`Nothing to do: ${title.toLowerCase()}.`);
    return false;
  }
  return vscode.workspace.applyEdit(action.edit);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
