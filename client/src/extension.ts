import type * as vscode from 'vscode';

// The language client is wired up in the extension issue; until then activation does nothing.
export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
