import * as vscode from 'vscode';
import type { DocumentInfo } from '../../server/src/lsp/documentInfo';
import { COMMANDS, LANGUAGE_IDS, SETTINGS, SETTINGS_SECTION } from '../../server/src/shared/protocol';

const isPolicy = (document: vscode.TextDocument): boolean =>
  (LANGUAGE_IDS as readonly string[]).includes(document.languageId);

/**
 * `service · release · mode` for the active policy file. An explicit setting is shown as set;
 * `auto` and `newest` show what the server resolved them to, once it has said.
 */
export function statusText(config: vscode.WorkspaceConfiguration, info: DocumentInfo | null): string {
  const modes = [
    config.get<boolean>(SETTINGS.enforceNewDefaults) ? 'new defaults' : '',
    config.get<boolean>(SETTINGS.enforceScope) ? 'scope enforced' : '',
  ].filter(Boolean);
  const service = config.get<string>(SETTINGS.service) ?? 'auto';
  const release = config.get<string>(SETTINGS.release) ?? 'newest';
  const servicePart =
    service !== 'auto' || !info ? service : `${info.namespaces.join(' + ') || 'no service'} (auto)`;
  const releasePart = release !== 'newest' || !info?.release ? release : `${info.release} (newest)`;
  return `$(shield) ${servicePart} · ${releasePart} · ${modes.join(' + ') || 'default mode'}`;
}

export interface StatusBar extends vscode.Disposable {
  /** The text shown, or undefined while hidden. */
  text(): string | undefined;
  /** Settles once the server's answer for the active file is shown. */
  refreshed(): Promise<void>;
}

/** The status bar item; `ask` fetches what the server decided about a document. */
export function createStatusBar(ask: (uri: string) => Promise<DocumentInfo | null>): StatusBar {
  const item = vscode.window.createStatusBarItem('osPolicy.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'OpenStack Policy';
  item.command = COMMANDS.selectService;
  let visible = false;
  let known: { uri: string; info: DocumentInfo } | null = null;
  let refreshing: Promise<void> = Promise.resolve();

  const show = (document: vscode.TextDocument): void => {
    const uri = document.uri.toString();
    const info = known?.uri === uri ? known.info : null;
    item.text = statusText(vscode.workspace.getConfiguration(SETTINGS_SECTION, document.uri), info);
    item.tooltip = `OpenStack policy: service · release · enforcement mode (click to change)${info ? `\n${info.reason}\n${info.mode}` : ''}`;
  };
  const update = (): void => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !isPolicy(document)) {
      item.hide();
      visible = false;
      return;
    }
    show(document);
    item.show();
    visible = true;
    const uri = document.uri.toString();
    refreshing = ask(uri)
      .then((info) => {
        if (!info || vscode.window.activeTextEditor?.document !== document) return;
        known = { uri, info };
        show(document);
      })
      .catch(() => undefined);
  };
  update();
  const disposable = vscode.Disposable.from(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SETTINGS_SECTION)) update();
    }),
    // A new analysis publishes diagnostics: the detected service may have changed with it.
    vscode.languages.onDidChangeDiagnostics((event) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (event.uris.some((uri) => uri.toString() === active)) update();
    }),
  );
  return {
    dispose: (): void => disposable.dispose() as void,
    text: () => (visible ? item.text : undefined),
    refreshed: () => refreshing,
  };
}
