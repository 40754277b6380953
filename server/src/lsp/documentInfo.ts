import type { Connection } from 'vscode-languageserver/node';
import { describeMode } from '../core/simulate/simulate';
import { REQUESTS } from '../shared/protocol';
import type { DocumentStore } from './documentStore';

/** What the server decided about a document: the status bar shows it (`auto` is resolved here). */
export interface DocumentInfo {
  readonly namespaces: readonly string[];
  readonly release: string | null;
  /** How the namespaces were found: `setting`, `path`, `content` or `none`. */
  readonly detectedBy: string;
  /** A sentence saying why, for a tooltip. */
  readonly reason: string;
  /** The `[oslo_policy]` options assumed, in words. */
  readonly mode: string;
}

type Guard = <A extends unknown[], R>(
  name: string,
  fallback: R,
  handler: (...args: A) => R,
) => (...args: A) => R;

export function registerDocumentInfo(connection: Connection, store: DocumentStore, guarded: Guard): void {
  connection.onRequest(
    REQUESTS.documentInfo,
    guarded('documentInfo', null as DocumentInfo | null, (params: { uri: string }) => {
      const state = store.current(params.uri);
      if (!state) return null;
      const { choice, policy } = state.analysis;
      return {
        namespaces: choice.namespaces,
        release: choice.release,
        detectedBy: choice.detection.by,
        reason: choice.detection.reason,
        mode: describeMode(policy.options),
      };
    }),
  );
}
