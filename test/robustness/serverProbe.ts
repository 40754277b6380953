import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LspClient, PublishedDiagnostics } from '../support/lspClient';

type Position = { line: number; character: number };

/** LSP's `RequestFailed`: the server understood the request and refuses it, with a reason. */
const REQUEST_FAILED = -32803;

/** Every request an editor sends for a document, as [method, params]. */
export function everyRequest(uri: string, positions: readonly Position[]): [string, unknown][] {
  const textDocument = { uri };
  const requests: [string, unknown][] = [
    ['textDocument/documentSymbol', { textDocument }],
    ['textDocument/foldingRange', { textDocument }],
    ['textDocument/semanticTokens/full', { textDocument }],
    ['textDocument/codeLens', { textDocument }],
  ];
  for (const position of positions) {
    requests.push(
      ['textDocument/hover', { textDocument, position }],
      ['textDocument/completion', { textDocument, position }],
      ['textDocument/definition', { textDocument, position }],
      ['textDocument/references', { textDocument, position, context: { includeDeclaration: true } }],
      ['textDocument/documentHighlight', { textDocument, position }],
      ['textDocument/prepareRename', { textDocument, position }],
      [
        'textDocument/codeAction',
        { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } },
      ],
    );
  }
  return requests;
}

export interface ProbeTimes {
  openMs: number;
  slowestRequestMs: number;
  slowestRequest: string;
  requests: number;
}

/** Opens the text, then sends every request at the given positions; each must answer (not throw). */
export async function probeServer(
  client: LspClient,
  uri: string,
  text: string,
  positions: readonly Position[],
  languageId = 'openstack-policy',
): Promise<ProbeTimes & { published: PublishedDiagnostics }> {
  const opened = performance.now();
  const published = await client.open(uri, text, languageId);
  const openMs = performance.now() - opened;
  let slowestRequestMs = 0;
  let slowestRequest = '';
  const requests = everyRequest(uri, positions);
  for (const [method, params] of requests) {
    const started = performance.now();
    try {
      await client.request(method, params);
    } catch (error) {
      // A refused rename is answered with its reason (RequestFailed): an answer, not a failure.
      if (!(method === 'textDocument/prepareRename' && (error as { code?: number }).code === REQUEST_FAILED))
        throw error;
    }
    const took = performance.now() - started;
    if (took > slowestRequestMs) {
      slowestRequestMs = took;
      slowestRequest = method;
    }
  }
  void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  return { published, openMs, slowestRequestMs, slowestRequest, requests: requests.length };
}

/** Positions spread over the text: start, end, middle, and past the end of the last line. */
export function spreadPositions(text: string, count = 6): Position[] {
  const lines = text.split(/\r\n|\r|\n/);
  const positions: Position[] = [{ line: 0, character: 0 }];
  for (let index = 1; index < count; index++) {
    const line = Math.floor(((lines.length - 1) * index) / (count - 1));
    positions.push({ line, character: Math.floor(Math.min(lines[line].length, 200) / 2) });
  }
  positions.push({ line: lines.length + 3, character: 10_000 });
  return positions;
}

/** Resident memory of a process in MB, from /proc. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  assert.ok(match, 'VmRSS not in /proc status');
  return Number(match[1]) / 1024;
}
