import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { repoRoot } from './paths';

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    severity: number;
    code: string;
    message: string;
    relatedInformation?: {
      location: {
        uri: string;
        range: { start: { line: number; character: number }; end: { line: number; character: number } };
      };
      message: string;
    }[];
    tags?: number[];
  }[];
}

/**
 * A real LSP client for tests and benchmarks: starts the bundled CLI as `os-policy lsp --stdio`
 * and speaks JSON-RPC over its stdin/stdout, as an editor does.
 */
export class LspClient {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  private readonly diagnosticWaiters: ((params: PublishedDiagnostics) => void)[] = [];
  readonly published = new Map<string, PublishedDiagnostics>();
  readonly stderr: string[] = [];
  private versions = new Map<string, number>();

  constructor(
    settings: Record<string, unknown> = {},
    env: Record<string, string> = {},
    /** The Node that runs the server. */
    node = process.execPath,
  ) {
    this.process = spawn(node, [join(repoRoot(), 'dist', 'cli.js'), 'lsp', '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.process.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    // A reply racing the server's exit must not take the test process down.
    this.process.stdin!.on('error', () => undefined);
    this.connection = createMessageConnection(
      new StreamMessageReader(this.process.stdout!),
      new StreamMessageWriter(this.process.stdin!),
    );
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishedDiagnostics) => {
      this.published.set(params.uri, params);
      for (const waiter of this.diagnosticWaiters.splice(0)) waiter(params);
    });
    this.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
      params.items.map(() => settings),
    );
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onNotification('window/showMessage', () => undefined);
    this.connection.onRequest('window/showMessageRequest', () => null);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.listen();
  }

  /** `textDocument` capabilities are added to the few every test client declares. */
  async initialize(rootPath: string, textDocument: Record<string, unknown> = {}): Promise<unknown> {
    const rootUri = pathToFileURL(rootPath).toString();
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'fixtures' }],
      capabilities: {
        workspace: { configuration: true },
        textDocument: { codeLens: {}, rename: { prepareSupport: true }, ...textDocument },
      },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Opens a document and resolves with its first diagnostics whose version matches. */
  open(uri: string, text: string, languageId = 'openstack-policy'): Promise<PublishedDiagnostics> {
    this.versions.set(uri, 1);
    const waiting = this.waitForDiagnostics(uri, 1);
    void this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId, version: 1, text },
    });
    return waiting;
  }

  change(
    uri: string,
    edit: {
      range: { start: { line: number; character: number }; end: { line: number; character: number } };
      text: string;
    },
  ): Promise<PublishedDiagnostics> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const waiting = this.waitForDiagnostics(uri, version);
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [edit],
    });
    return waiting;
  }

  waitForDiagnostics(uri: string, version: number): Promise<PublishedDiagnostics> {
    return new Promise((resolve) => {
      const check = (params: PublishedDiagnostics): void => {
        if (params.uri === uri && (params.version === undefined || params.version >= version))
          resolve(params);
        else this.diagnosticWaiters.push(check);
      };
      this.diagnosticWaiters.push(check);
    });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest<T>(method, params);
  }

  async close(): Promise<void> {
    try {
      await Promise.race([
        this.connection.sendRequest('shutdown'),
        new Promise((resolve) => setTimeout(resolve, 2000)),
      ]);
      this.connection.sendNotification('exit').catch(() => undefined);
    } catch {
      // The server may already be gone.
    }
    this.connection.dispose();
    this.process.kill();
  }
}

export function fixtureUri(...parts: string[]): string {
  return pathToFileURL(join(repoRoot(), 'test', 'fixtures', 'workspace', ...parts)).toString();
}
