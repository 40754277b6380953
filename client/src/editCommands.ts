import * as vscode from 'vscode';
import {
  CodeActionRequest,
  CodeActionTriggerKind,
  type CodeAction as LspCodeAction,
  type Command as LspCommand,
  type LanguageClient,
} from 'vscode-languageclient/node';
import { COMMANDS } from '../../server/src/shared/protocol';

/**
 * Commands that apply one of the server's code actions to the whole active file. The action is
 * asked of this extension's server only, and chosen by its kind and the stable diagnostic code
 * it resolves, not by its title.
 */
interface Wanted {
  readonly code: string;
  /** Kinds in order of preference: the all-at-once action first, then a single fix. */
  readonly kinds: readonly string[];
  readonly nothingToDo: string;
}

const CONVERT: Wanted = {
  code: 'deprecated-json',
  kinds: ['quickfix'],
  nothingToDo: 'This is not a JSON policy file.',
};
const UPGRADE: Wanted = {
  code: 'deprecated-name',
  kinds: ['source.fixAll', 'quickfix'],
  nothingToDo: 'No deprecated policy names in this file.',
};
const REDUNDANT: Wanted = {
  code: 'redundant-override',
  kinds: ['source.fixAll', 'quickfix'],
  nothingToDo: 'No redundant overrides in this file.',
};

export function registerEditCommands(lsp: LanguageClient): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.convertToYaml, () => applyAction(lsp, CONVERT)),
    vscode.commands.registerCommand(COMMANDS.upgradeNames, () => applyAction(lsp, UPGRADE)),
    vscode.commands.registerCommand(COMMANDS.removeRedundant, () => applyAction(lsp, REDUNDANT)),
  ];
}

async function applyAction(lsp: LanguageClient, wanted: Wanted): Promise<boolean> {
  const document = vscode.window.activeTextEditor?.document;
  const diagnostics = document
    ? vscode.languages.getDiagnostics(document.uri).filter((d) => d.code === wanted.code)
    : [];
  if (!document || diagnostics.length === 0) {
    void vscode.window.showInformationMessage(wanted.nothingToDo);
    return false;
  }
  const c2p = lsp.code2ProtocolConverter;
  const answer = await lsp.sendRequest(CodeActionRequest.type, {
    textDocument: c2p.asTextDocumentIdentifier(document),
    range: c2p.asRange(new vscode.Range(0, 0, document.lineCount, 0)),
    context: {
      diagnostics: await c2p.asDiagnostics(diagnostics),
      only: [...wanted.kinds],
      triggerKind: CodeActionTriggerKind.Invoked,
    },
  });
  const actions = (answer ?? []).filter(
    (a: LspCommand | LspCodeAction): a is LspCodeAction => 'edit' in a || 'kind' in a,
  );
  const resolves = (action: LspCodeAction): boolean =>
    action.diagnostics?.some((d) => d.code === wanted.code) === true;
  const action = wanted.kinds
    .map((kind) => actions.find((a) => (a.edit || a.disabled) && a.kind === kind && resolves(a)))
    .find((a) => a !== undefined);
  if (action?.disabled) {
    // The server refuses it here (a file of the new name exists, ...): say why.
    void vscode.window.showWarningMessage(action.disabled.reason);
    return false;
  }
  if (!action?.edit) {
    void vscode.window.showInformationMessage(wanted.nothingToDo);
    return false;
  }
  return vscode.workspace.applyEdit(await lsp.protocol2CodeConverter.asWorkspaceEdit(action.edit));
}
