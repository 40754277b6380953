import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type {
  LensRun,
  MatrixResult,
  SimulateAnswer,
  SimulateParams,
  SimulateResult,
} from '../../server/src/lsp/simulation';
import {
  COMMANDS,
  DEFAULT_PERSONA_IDS,
  LANGUAGE_IDS,
  REQUESTS,
  SETTINGS,
  SETTINGS_SECTION,
} from '../../server/src/shared/protocol';

type TraceStep = SimulateResult['results'][number]['trace'][number];

const ICONS: Record<string, string> = {
  allowed: '✅',
  denied: '❌',
  conditional: '🔍',
  error: '⚠️',
  unknown: '❔',
};

/** Options of `osPolicy.simulate` for scripted use (tests, other extensions): no pickers. */
export interface SimulateOptions {
  readonly personas?: readonly string[];
  readonly creds?: string | Record<string, unknown>;
  readonly target?: string | null;
  /** Return the result without pickers, output or notification. */
  readonly silent?: boolean;
}

export function activePolicyUri(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document && (LANGUAGE_IDS as readonly string[]).includes(document.languageId)
    ? document.uri.toString()
    : undefined;
}

export function registerSimulationCommands(
  lsp: LanguageClient,
  output: vscode.LogOutputChannel,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(
      COMMANDS.simulate,
      async (uriArg?: string, ruleArg?: string, options: SimulateOptions = {}) => {
        const uri = uriArg ?? activePolicyUri();
        if (!uri) return undefined;
        const rule = ruleArg ?? (await pickRule(uri));
        if (!rule) return undefined;
        if (options.silent) {
          const params: SimulateParams = {
            uri,
            rule,
            personas: options.personas,
            creds: options.creds,
            target: options.target ?? null,
          };
          return lsp.sendRequest<SimulateAnswer>(REQUESTS.simulate, params);
        }
        const params = await askSimulation(uri, rule);
        if (!params) return undefined;
        // Through the server command, so the rule's verdict lens shows this run from now on
        // (the server also shows the verdicts as a message; the trace goes to the output).
        const run: LensRun = { personas: params.personas, creds: params.creds, target: params.target };
        const result = await lsp.sendRequest<SimulateAnswer>('workspace/executeCommand', {
          command: COMMANDS.simulateAt,
          arguments: [uri, rule, run],
        });
        if (result && 'results' in result) showTrace(output, result);
        return result;
      },
    ),
    vscode.commands.registerCommand(COMMANDS.showMatrix, async (uriArg?: string) => {
      const uri = uriArg ?? activePolicyUri();
      if (!uri) return undefined;
      const started = Date.now();
      // A fresh nonce per page: the page's CSP runs only its own script and style.
      const nonce = randomBytes(16).toString('base64');
      const matrix = await lsp.sendRequest<MatrixResult | null>(REQUESTS.matrix, {
        uri,
        format: 'html',
        nonce,
      });
      if (!matrix) return undefined;
      const requestMs = Date.now() - started;
      const panel = vscode.window.createWebviewPanel(
        'osPolicy.matrix',
        matrix.title,
        vscode.ViewColumn.Beside,
        {
          enableScripts: true,
          enableFindWidget: true,
        },
      );
      const rendered = new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), 10_000);
        panel.webview.onDidReceiveMessage((message: { type?: string }) => {
          if (message.type !== 'rendered') return;
          clearTimeout(timer);
          resolve(Date.now() - started);
        });
      });
      panel.webview.html = matrix.text;
      return {
        title: matrix.title,
        rows: matrix.rows.length,
        viewType: panel.viewType,
        // The server's answer, and from the command to the table drawn in the webview (null if it never said so).
        requestMs,
        renderedMs: await rendered,
      };
    }),
    vscode.commands.registerCommand(
      COMMANDS.exportMatrix,
      async (uriArg?: string, formatArg?: string, destinationArg?: string) => {
        const uri = uriArg ?? activePolicyUri();
        if (!uri) return undefined;
        const format =
          formatArg ??
          (await vscode.window.showQuickPick(['md', 'csv', 'html', 'json'], {
            title: 'Export the role matrix as',
          }));
        if (!format) return undefined;
        const matrix = await lsp.sendRequest<MatrixResult | null>(REQUESTS.matrix, { uri, format });
        if (!matrix) return undefined;
        const source = vscode.Uri.parse(uri);
        const destination = destinationArg
          ? vscode.Uri.file(destinationArg)
          : await vscode.window.showSaveDialog({
              defaultUri: vscode.Uri.joinPath(source, '..', `role-matrix.${format}`),
            });
        if (!destination) return undefined;
        await vscode.workspace.fs.writeFile(destination, new TextEncoder().encode(matrix.text));
        return destination.toString();
      },
    ),
  ];
}

/** Personas (defaults and the user's) and an optional concrete target. */
async function askSimulation(uri: string, rule: string): Promise<SimulateParams | undefined> {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, vscode.Uri.parse(uri));
  const custom = (config.get<{ id?: unknown }[]>(SETTINGS.personas) ?? [])
    .map((p) => p.id)
    .filter((id): id is string => typeof id === 'string');
  const ids = [...new Set([...DEFAULT_PERSONA_IDS, ...custom])];
  const picked = await vscode.window.showQuickPick(
    [
      ...ids.map((id) => ({ label: id, picked: id.startsWith('project_') || custom.includes(id) })),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: ENTER_CREDENTIALS, description: 'a token of your own instead of personas' },
    ],
    { canPickMany: true, title: `Simulate ${rule} as…` },
  );
  if (!picked || picked.length === 0) return undefined;
  let creds: string | undefined;
  if (picked.some((item) => item.label === ENTER_CREDENTIALS)) {
    creds = await askJson(
      'Credentials (JSON), as the service builds them from the token',
      '{"roles": ["member"], "project_id": "p1", "user_id": "u1"}',
      false,
    );
    if (creds === undefined) return undefined;
  }
  const target = await askJson(
    'Target (JSON); leave empty to keep it open and get conditions',
    '{"project_id": "p1"}',
    true,
  );
  if (target === undefined) return undefined;
  const personas = picked.map((item) => item.label).filter((label) => ids.includes(label));
  return { uri, rule, personas, creds, target: target.trim() ? target : null };
}

const ENTER_CREDENTIALS = '$(key) Enter credentials…';

/** A JSON text from an input box (validated as you type); undefined when dismissed. */
function askJson(title: string, placeHolder: string, mayBeEmpty: boolean): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    placeHolder,
    validateInput: (text) => {
      if (!text.trim()) return mayBeEmpty ? null : 'JSON is needed here';
      try {
        JSON.parse(text);
        return null;
      } catch (error) {
        return `Not JSON: ${(error as Error).message}`;
      }
    },
  });
}

async function pickRule(uri: string): Promise<string | undefined> {
  const symbols =
    (await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>(
      'vscode.executeDocumentSymbolProvider',
      vscode.Uri.parse(uri),
    )) ?? [];
  const editor = vscode.window.activeTextEditor;
  const atCursor = editor && symbols.find((s) => s.range.contains(editor.selection.active));
  if (atCursor) return atCursor.name;
  return vscode.window.showQuickPick(
    symbols.map((s) => s.name),
    { title: 'Rule to simulate' },
  );
}

/** The answers with their traces, in the output channel. */
export function showTrace(output: vscode.LogOutputChannel, result: SimulateResult): void {
  output.appendLine(`\n${result.rule} (${result.mode})`);
  const render = (step: TraceStep, depth: number): void => {
    output.appendLine(`${'  '.repeat(depth + 2)}${step.check} → ${step.result}`);
    for (const child of step.children) render(child, depth + 1);
  };
  for (const r of result.results) {
    output.appendLine(
      `  ${ICONS[r.verdict] ?? ''} ${r.label}: ${r.verdict}${r.condition ? ` if ${r.condition}` : ''}${r.reason ? ` (${r.reason})` : ''}`,
    );
    for (const step of r.trace) render(step, 0);
  }
  output.show(true);
}
