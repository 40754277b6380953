import * as vscode from 'vscode';
import { COMMANDS } from '../../server/src/shared/protocol';

/**
 * Commands that apply one of the server's code actions to the whole active file. The action is
 * chosen by its kind and the stable diagnostic code it resolves, not by its title.
 */
interface Wanted {
  readonly code: string;
  /** Kinds in order of preference: the all-at-once action first, then a single fix. */
  readonly kinds: readonly vscode.CodeActionKind[];
  readonly nothingToDo: string;
}

const CONVERT: Wanted = {
  code: 'deprecated-json',
  kinds: [vscode.CodeActionKind.QuickFix],
  nothingToDo: 'This is not a JSON policy file.',
};
const UPGRADE: Wanted = {
  code: 'deprecated-name',
  kinds: [vscode.CodeActionKind.SourceFixAll, vscode.CodeActionKind.QuickFix],
  nothingToDo: 'No deprecated policy names in this file.',
};
const REDUNDANT: Wanted = {
  code: 'redundant-override',
  kinds: [vscode.CodeActionKind.SourceFixAll, vscode.CodeActionKind.QuickFix],
  nothingToDo: 'No redundant overrides in this file.',
};

export function registerEditCommands(): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.convertToYaml, () => applyAction(CONVERT)),
    vscode.commands.registerCommand(COMMANDS.upgradeNames, () => applyAction(UPGRADE)),
    vscode.commands.registerCommand(COMMANDS.removeRedundant, () => applyAction(REDUNDANT)),
  ];
}

async function applyAction(wanted: Wanted): Promise<boolean> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document) return false;
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[] | undefined>(
      'vscode.executeCodeActionProvider',
      document.uri,
      whole,
    )) ?? [];
  const resolves = (action: vscode.CodeAction): boolean =>
    action.diagnostics?.some((d) => d.code === wanted.code) === true;
  const action = wanted.kinds
    .map((kind) => actions.find((a) => a.edit && a.kind && kind.contains(a.kind) && resolves(a)))
    .find((a) => a !== undefined);
  if (!action?.edit) {
    void vscode.window.showInformationMessage(wanted.nothingToDo);
    return false;
  }
  return vscode.workspace.applyEdit(action.edit);
}
