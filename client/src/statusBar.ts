import * as vscode from 'vscode';
import { COMMANDS, LANGUAGE_IDS, SETTINGS, SETTINGS_SECTION } from '../../server/src/shared/protocol';

const isPolicy = (document: vscode.TextDocument): boolean =>
  (LANGUAGE_IDS as readonly string[]).includes(document.languageId);

/** `service · release · mode` for the active policy file; a click opens Select Service / Release. */
export function statusText(config: vscode.WorkspaceConfiguration): string {
  const modes = [
    config.get<boolean>(SETTINGS.enforceNewDefaults) ? 'new defaults' : '',
    config.get<boolean>(SETTINGS.enforceScope) ? 'scope enforced' : '',
  ].filter(Boolean);
  return `$(shield) ${config.get<string>(SETTINGS.service)} · ${config.get<string>(SETTINGS.release)} · ${modes.join(' + ') || 'default mode'}`;
}

export interface StatusBar extends vscode.Disposable {
  /** The text shown, or undefined while hidden. */
  text(): string | undefined;
}

export function createStatusBar(): StatusBar {
  const item = vscode.window.createStatusBarItem('osPolicy.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'OpenStack Policy';
  item.command = COMMANDS.selectService;
  let visible = false;
  const update = (): void => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !isPolicy(document)) {
      item.hide();
      visible = false;
      return;
    }
    item.text = statusText(vscode.workspace.getConfiguration(SETTINGS_SECTION, document.uri));
    item.tooltip = 'OpenStack policy: service · release · enforcement mode (click to change)';
    item.show();
    visible = true;
  };
  update();
  const disposable = vscode.Disposable.from(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SETTINGS_SECTION)) update();
    }),
  );
  return { dispose: (): void => disposable.dispose() as void, text: () => (visible ? item.text : undefined) };
}
