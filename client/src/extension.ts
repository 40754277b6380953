import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  COMMANDS,
  DEFAULTS_SCHEME,
  LANGUAGE_IDS,
  REQUESTS,
  SETTINGS_SECTION,
} from '../../server/src/shared/protocol';
import { readCatalogIndex } from './catalogIndex';
import { registerCatalogCommands } from './catalogCommands';
import { registerEditCommands } from './editCommands';
import type { DocumentInfo } from '../../server/src/lsp/documentInfo';
import { SERVER_NODE_FLAGS } from '../../server/src/shared/serverFlags';
import type { SimulateAnswer, SimulateAtOptions } from '../../server/src/lsp/simulation';
import { registerSimulationCommands, showTrace } from './simulationCommands';
import { createStatusBar } from './statusBar';

/**
 * The VS Code client: starts the bundled server over IPC and adds what only an editor can do
 * (pickers, webviews, the status bar). Every answer comes from the server, so other editors get
 * the same behaviour through LSP.
 */

/** What `activate` returns: tests and other extensions reach the running client through it. */
export interface OsPolicyApi {
  readonly client: LanguageClient;
  /** Milliseconds from the start of `activate` until the server answered `initialize`. */
  readonly activationMs: number;
  /** The status bar item's text, or undefined while hidden. */
  statusBarText(): string | undefined;
  /** Settles once the status bar shows the server's answer for the active file. */
  statusBarRefreshed(): Promise<void>;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<OsPolicyApi> {
  const started = Date.now();
  const output = vscode.window.createOutputChannel('OpenStack Policy', { log: true });
  context.subscriptions.push(output);
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: [...SERVER_NODE_FLAGS] },
    },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6019'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    // Files on disk, unsaved files and virtual workspaces; not the read-only defaults documents.
    documentSelector: LANGUAGE_IDS.flatMap((language) =>
      ['file', 'untitled', 'vscode-vfs'].map((scheme) => ({ language, scheme })),
    ),
    synchronize: { configurationSection: SETTINGS_SECTION },
    outputChannel: output,
    initializationOptions: { settings: vscode.workspace.getConfiguration(SETTINGS_SECTION) },
    middleware: {
      // Both code lenses run the server's `osPolicy.simulateAt`, which every LSP client can use.
      // In VS Code, "Simulate as role…" asks for personas and a target first, and the trace of
      // every run goes to the output channel.
      executeCommand: async (command, args, next) => {
        if (command !== COMMANDS.simulateAt) return next(command, args) as Promise<unknown>;
        const options = args[2] as SimulateAtOptions | undefined;
        if (options?.pick) return vscode.commands.executeCommand(COMMANDS.simulate, args[0], args[1]);
        const result = (await next(command, args)) as SimulateAnswer;
        if (result && 'results' in result) showTrace(output, result);
        return result;
      },
    },
  };
  client = new LanguageClient(SETTINGS_SECTION, 'OpenStack Policy', serverOptions, clientOptions);
  const lsp = client;
  await lsp.start();
  const activationMs = Date.now() - started;
  output.info(`language server started in ${activationMs} ms`);

  // Read-only sample documents of the registered defaults (go to definition lands here).
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(DEFAULTS_SCHEME, {
      provideTextDocumentContent: (uri) =>
        lsp.sendRequest<string>(REQUESTS.defaultsDocument, { uri: uri.toString() }),
    }),
  );

  const index = readCatalogIndex(context.asAbsolutePath(path.join('catalog', 'index.json')));
  const status = createStatusBar((uri) =>
    lsp.sendRequest<DocumentInfo | null>(REQUESTS.documentInfo, { uri }),
  );
  context.subscriptions.push(
    status,
    ...registerSimulationCommands(lsp, output),
    ...registerEditCommands(lsp),
    ...registerCatalogCommands(index),
  );
  return {
    client: lsp,
    activationMs,
    statusBarText: () => status.text(),
    statusBarRefreshed: () => status.refreshed(),
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
