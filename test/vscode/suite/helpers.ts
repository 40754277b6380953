import assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** The extension under test, as `publisher.name` of package.json. */
export const EXTENSION_ID = 'os-policy.os-policy';

/** Figures the suite measures; the runners print them. */
export const metrics: Record<string, number> = {};

export const folder = (): vscode.Uri => {
  const first = vscode.workspace.workspaceFolders?.[0];
  assert.ok(first, 'the suite runs with the fixture workspace open');
  return first.uri;
};
export const fileIn = (...parts: string[]): vscode.Uri => vscode.Uri.joinPath(folder(), ...parts);

export async function open(...parts: string[]): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fileIn(...parts));
  return vscode.window.showTextDocument(document);
}

/**
 * Resolves with the diagnostics of `uri` once `accept` holds for them: checked now, then on
 * every `onDidChangeDiagnostics` (no polling, no sleeps).
 */
export function diagnosticsWhere(
  uri: vscode.Uri,
  accept: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<vscode.Diagnostic[]> {
  const check = (): vscode.Diagnostic[] | null => {
    const list = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'os-policy');
    return accept(list) ? list : null;
  };
  const now = check();
  if (now) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
      const list = check();
      if (!list) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(list);
    });
    const timer = setTimeout(() => {
      listener.dispose();
      const have = vscode.languages
        .getDiagnostics(uri)
        .map((d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code)));
      reject(new Error(`no diagnostics where ${what} for ${uri.toString()} (have: ${have.join(', ')})`));
    }, timeoutMs);
  });
}

export const withCode = (code: string) => (list: readonly vscode.Diagnostic[]) =>
  list.some((d) => d.code === code);

/** The position `delta` characters after the first occurrence of `needle`. */
export function positionOf(document: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const index = document.getText().indexOf(needle);
  assert.ok(index >= 0, `${needle} is in ${document.uri.path}`);
  return document.positionAt(index + delta);
}

/** Resolves when `document` changes to satisfy `accept` (for edits the extension applies). */
export function textWhere(
  document: vscode.TextDocument,
  accept: (text: string) => boolean,
  timeoutMs = 30_000,
): Promise<string> {
  if (accept(document.getText())) return Promise.resolve(document.getText());
  return new Promise((resolve, reject) => {
    const listener = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document !== document || !accept(document.getText())) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(document.getText());
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`${document.uri.path} did not change as expected:\n${document.getText()}`));
    }, timeoutMs);
  });
}

export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents.map((c) => (typeof c === 'string' ? c : c.value)))
    .join('\n');
}

export const labelOf = (item: vscode.CompletionItem): string =>
  typeof item.label === 'string' ? item.label : item.label.label;

/** The first event that satisfies `accept` (subscribe before causing it). */
export function once<T>(
  event: vscode.Event<T>,
  accept: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = event((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(value);
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error('the expected event did not come'));
    }, timeoutMs);
  });
}
