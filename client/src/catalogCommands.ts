import * as vscode from 'vscode';
import { COMMANDS, SETTINGS, SETTINGS_SECTION, defaultsUri } from '../../server/src/shared/protocol';
import { releaseFor, type CatalogIndex } from './catalogIndex';
import { activePolicyUri } from './simulationCommands';

/** Show Registered Defaults and Select Service / Release: pickers over the shipped catalog index. */
export function registerCatalogCommands(index: CatalogIndex): vscode.Disposable[] {
  const configFor = (): vscode.WorkspaceConfiguration => {
    const uri = activePolicyUri();
    return vscode.workspace.getConfiguration(SETTINGS_SECTION, uri ? vscode.Uri.parse(uri) : undefined);
  };
  const pickNamespace = (title: string, withAuto: boolean): Thenable<string | undefined> =>
    vscode.window
      .showQuickPick(
        [
          ...(withAuto ? [{ label: 'auto', description: 'detect from the path and the content' }] : []),
          ...[...index.namespaces].map(([namespace, releases]) => ({
            label: namespace,
            description: releases.join(', '),
          })),
        ],
        { title, matchOnDescription: true },
      )
      .then((item) => item?.label);

  return [
    vscode.commands.registerCommand(
      COMMANDS.showDefaults,
      async (namespaceArg?: string, releaseArg?: string) => {
        const config = configFor();
        const service = config.get<string>(SETTINGS.service) ?? 'auto';
        const namespace =
          namespaceArg ??
          (service !== 'auto' ? service : await pickNamespace('Registered defaults of', false));
        if (!namespace) return undefined;
        const release = releaseFor(
          index,
          namespace,
          releaseArg ?? config.get<string>(SETTINGS.release) ?? 'newest',
        );
        const document = await vscode.workspace.openTextDocument(
          vscode.Uri.parse(defaultsUri(namespace, release)),
        );
        if (document.languageId !== 'openstack-policy')
          await vscode.languages.setTextDocumentLanguage(document, 'openstack-policy');
        await vscode.window.showTextDocument(document, { preview: true });
        return document.uri.toString();
      },
    ),
    // With arguments (scripts, keybindings, tests) it sets them without asking.
    vscode.commands.registerCommand(
      COMMANDS.selectService,
      async (serviceArg?: string, releaseArg?: string) => {
        const config = configFor();
        const service = serviceArg ?? (await pickNamespace('Service namespace of this workspace', true));
        if (service === undefined) return undefined;
        const release =
          releaseArg ??
          (await vscode.window.showQuickPick(['newest', ...[...index.releases].reverse()], {
            title: 'OpenStack release whose defaults apply',
          }));
        if (release === undefined) return undefined;
        // Workspace settings when a folder is open, so that each cloud's repository keeps its own.
        const target = vscode.workspace.workspaceFolders?.length
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
        await config.update(SETTINGS.service, service, target);
        await config.update(SETTINGS.release, release, target);
        return { service, release };
      },
    ),
  ];
}
