import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  DiagnosticTag,
  FoldingRangeKind,
  InsertTextFormat,
  LSPErrorCodes,
  MarkupKind,
  ProposedFeatures,
  SemanticTokensBuilder,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  ResponseError,
  createConnection,
  type CancellationToken,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type Range,
  type TextDocumentPositionParams,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../core/check/checkTypes';
import { LineIndex } from '../core/text/lineIndex';
import { codeActions, type PolicyCodeAction } from '../core/features/codeActions';
import { complete, type CompletionKind } from '../core/features/completion';
import type { PolicyDiagnostic } from '../core/features/diagnosticTypes';
import { hover } from '../core/features/hover';
import {
  definition,
  layerOccurrences,
  occurrences,
  ruleNameAt,
  type Occurrence,
} from '../core/features/references';
import { prepareRename, renameRule } from '../core/features/rename';
import {
  SEMANTIC_TOKEN_MODIFIERS,
  SEMANTIC_TOKEN_TYPES,
  semanticTokens,
} from '../core/features/semanticTokens';
import { documentSymbols, foldingRanges, workspaceSymbols } from '../core/features/symbols';
import { DocumentStore, type DocumentState } from './documentStore';
import { registerDocumentInfo } from './documentInfo';
import { EditWarmUp } from './editWarmUp';
import { limitHeapGrowth, YoungGenerationCap } from './heapLimits';
import { IdleCollector } from './idleCollector';
import { registerProcessStats } from './processStats';
import { registerSimulation } from './simulation';
import { COMMANDS } from '../shared/protocol';

const COMPLETION_KINDS: Record<CompletionKind, CompletionItemKind> = {
  policy: CompletionItemKind.Property,
  rule: CompletionItemKind.Function,
  role: CompletionItemKind.Value,
  attribute: CompletionItemKind.Variable,
  kind: CompletionItemKind.Keyword,
  operator: CompletionItemKind.Operator,
  credential: CompletionItemKind.Field,
};

const SEVERITIES = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
} as const;

/**
 * The language server: a thin adapter from LSP to the pure core. Every handler answers from
 * the cached analysis of the document's current version; an exception in a feature is logged
 * and answered with an empty result, so the server never goes down with one request.
 */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
  const documents = new TextDocuments(TextDocument);
  const store = new DocumentStore(connection, documents);

  const range = (state: DocumentState, span: Span): Range => ({
    start: state.lines.position(span.start),
    end: state.lines.position(span.end),
  });
  // Spans in other files (policy.d layers): their line offsets, kept while their text stays.
  const otherLines = new Map<string, { text: string; lines: LineIndex }>();
  const rangeIn = (file: { uri: string; text: string }, span: Span): Range => {
    let known = otherLines.get(file.uri);
    if (known?.text !== file.text) {
      known = { text: file.text, lines: new LineIndex(file.text) };
      otherLines.set(file.uri, known);
    }
    return { start: known.lines.position(span.start), end: known.lines.position(span.end) };
  };

  limitHeapGrowth();
  const youngCap = new YoungGenerationCap();
  const idle = new IdleCollector();
  const warmUp = new EditWarmUp(
    (uri, text, version, caches) => store.analyseDetached(uri, text, version, caches),
    // The first incremental change finds its place through the line offsets of the whole text.
    (uri) => documents.get(uri)?.positionAt(0),
  );
  /** After each piece of work (a request, an analysis): collect in the next pause, keep the young generation capped. */
  const afterWork = (): void => {
    idle.busy();
    warmUp.busy();
    youngCap.check();
  };
  // A keystroke's analysis runs in the next turn of the event loop: no rehearsal step before it.
  documents.onDidChangeContent(() => warmUp.busy());

  // A test-only fault injection: `OS_POLICY_FAULT=hover` makes that feature throw, to prove
  // that one failing feature is logged and answered empty while the server goes on.
  const fault = process.env.OS_POLICY_FAULT ?? '';

  function guarded<A extends unknown[], R>(
    name: string,
    fallback: R,
    handler: (...args: A) => R,
  ): (...args: A) => R {
    return (...args: A) => {
      // A request the client already gave up on (it moved the cursor, typed on) is not worth
      // computing: the analysis it would need is for a version nobody looks at any more.
      const token = args[1] as CancellationToken | undefined;
      if (token?.isCancellationRequested) return fallback;
      afterWork();
      try {
        if (fault === name) throw new Error(`injected fault in ${name} (OS_POLICY_FAULT)`);
        return handler(...args);
      } catch (error) {
        connection.console.error(`os-policy: ${name} failed: ${(error as Error).stack ?? String(error)}`);
        return fallback;
      }
    };
  }

  let lensRefresh = false;
  let disabledActions = false;
  connection.onInitialize((params): InitializeResult => {
    store.configure(params);
    lensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    disabledActions = params.capabilities.textDocument?.codeAction?.disabledSupport === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [':', '(', '"', ' '] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        documentHighlightProvider: true,
        foldingRangeProvider: true,
        codeActionProvider: {
          codeActionKinds: [
            CodeActionKind.QuickFix,
            CodeActionKind.RefactorRewrite,
            CodeActionKind.SourceFixAll,
          ],
        },
        codeLensProvider: { resolveProvider: true },
        executeCommandProvider: { commands: [COMMANDS.simulateAt] },
        semanticTokensProvider: {
          legend: { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] },
          full: true,
        },
      },
      serverInfo: { name: 'os-policy', version: '0.1.0' },
    };
  });
  connection.onInitialized(() => store.initialized());

  /** The analysed document a request at a position is about, and that position as an offset. */
  const locate = (params: TextDocumentPositionParams): { state: DocumentState; offset: number } | null => {
    const state = store.current(params.textDocument.uri);
    return state && { state, offset: state.lines.offset(params.position.line, params.position.character) };
  };

  connection.onCompletion(
    guarded('completion', [] as CompletionItem[], (params) => {
      const located = locate(params);
      if (!located) return [];
      const { state, offset } = located;
      return complete(state.analysis, offset).map((item) => ({
        label: item.label,
        kind: COMPLETION_KINDS[item.kind],
        detail: item.detail,
        documentation: item.documentation
          ? { kind: MarkupKind.Markdown, value: item.documentation }
          : undefined,
        sortText: item.sortText,
        filterText: item.filterText,
        insertTextFormat: item.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
        textEdit: { range: range(state, item.range), newText: item.insertText },
        additionalTextEdits: item.additionalEdits?.map((edit) => ({
          range: range(state, edit.span),
          newText: edit.newText,
        })),
      }));
    }),
  );

  connection.onHover(
    guarded('hover', null, (params) => {
      const located = locate(params);
      if (!located) return null;
      const { state, offset } = located;
      const result = hover(state.analysis, offset);
      return result
        ? {
            contents: { kind: MarkupKind.Markdown, value: result.markdown },
            range: range(state, result.span),
          }
        : null;
    }),
  );

  connection.onDefinition(
    guarded('definition', null, (params) => {
      const located = locate(params);
      if (!located) return null;
      const { state, offset } = located;
      const found = definition(state.analysis, offset);
      if (!found) return null;
      if (found.kind === 'file') return { uri: params.textDocument.uri, range: range(state, found.span) };
      if (found.kind === 'layer') return { uri: found.uri, range: rangeIn(found, found.span) };
      return store.defaultsLocation(state, found.name);
    }),
  );

  connection.onReferences(
    guarded('references', [], (params) => {
      const located = locate(params);
      if (!located) return [];
      const { state, offset } = located;
      const at = ruleNameAt(state.analysis, offset);
      if (!at) return [];
      const wanted = (o: Occurrence): boolean => params.context.includeDeclaration || !o.isDefinition;
      const here = occurrences(state.analysis, at.name)
        .filter(wanted)
        .map((o) => ({ uri: params.textDocument.uri, range: range(state, o.span) }));
      // policy.d: the same name in the files loaded with this one.
      const elsewhere = layerOccurrences(state.analysis, at.name).flatMap((file) =>
        file.occurrences.filter(wanted).map((o) => ({ uri: file.uri, range: rangeIn(file, o.span) })),
      );
      return [...here, ...elsewhere];
    }),
  );

  connection.onDocumentHighlight(
    guarded('highlight', [], (params) => {
      const located = locate(params);
      if (!located) return [];
      const { state, offset } = located;
      const at = ruleNameAt(state.analysis, offset);
      if (!at) return [];
      return occurrences(state.analysis, at.name).map((o) => ({
        range: range(state, o.span),
        kind: o.isDefinition ? 3 : 2,
      }));
    }),
  );

  // A refused rename is answered with its reason as an error, which editors show: an empty
  // answer would look like "nothing here" and a partial one could corrupt the file.
  const refuse = (message: string): ResponseError => new ResponseError(LSPErrorCodes.RequestFailed, message);

  connection.onPrepareRename(
    guarded('prepareRename', null, (params) => {
      const located = locate(params);
      if (!located) return null;
      const { state, offset } = located;
      const answer = prepareRename(state.analysis, offset);
      if (!answer) return null;
      if (!answer.ok) return refuse(answer.message);
      return { range: range(state, answer.span), placeholder: answer.placeholder };
    }),
  );

  connection.onRenameRequest(
    guarded('rename', null, (params) => {
      const located = locate(params);
      if (!located) return null;
      const { state, offset } = located;
      const answer = renameRule(state.analysis, offset, params.newName);
      if (!answer) return null;
      if (!answer.ok) return refuse(answer.message);
      const changes: NonNullable<WorkspaceEdit['changes']> = {
        [params.textDocument.uri]: answer.edits.map((e) => ({
          range: range(state, e.span),
          newText: e.newText,
        })),
      };
      // policy.d: the other files that define or use the name, renamed with this one.
      for (const file of answer.elsewhere)
        changes[file.uri] = file.edits.map((e) => ({ range: rangeIn(file, e.span), newText: e.newText }));
      const edit: WorkspaceEdit = { changes };
      return edit;
    }),
  );

  connection.onDocumentSymbol(
    guarded('symbols', [], (params) => {
      const state = store.current(params.textDocument.uri);
      if (!state) return [];
      return documentSymbols(state.analysis).map((symbol) => ({
        name: symbol.name,
        detail: symbol.detail,
        kind:
          symbol.kind === 'policy'
            ? SymbolKind.Property
            : symbol.kind === 'deprecated'
              ? SymbolKind.Constant
              : SymbolKind.Function,
        tags: symbol.kind === 'deprecated' ? [1 as const] : undefined,
        range: range(state, symbol.span),
        selectionRange: range(state, symbol.selection),
      }));
    }),
  );

  connection.onWorkspaceSymbol(
    guarded('workspaceSymbols', [], (params) =>
      store.workspaceFiles().flatMap((file) =>
        workspaceSymbols(file.file, file.registered, params.query).map((symbol) => ({
          name: symbol.name,
          kind: symbol.kind === 'policy' ? SymbolKind.Property : SymbolKind.Function,
          containerName: file.label,
          location: {
            uri: file.uri,
            range: {
              start: file.lines.position(symbol.span.start),
              end: file.lines.position(symbol.span.end),
            },
          },
        })),
      ),
    ),
  );

  connection.onFoldingRanges(
    guarded('folding', [], (params) => {
      const state = store.current(params.textDocument.uri);
      if (!state) return [];
      return foldingRanges(state.analysis).map((r) => ({
        startLine: r.startLine,
        endLine: r.endLine,
        kind: r.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region,
      }));
    }),
  );

  connection.languages.semanticTokens.on(
    guarded('semanticTokens', { data: [] }, (params) => {
      const state = store.current(params.textDocument.uri);
      if (!state) return { data: [] };
      const builder = new SemanticTokensBuilder();
      for (const token of semanticTokens(state.analysis)) {
        const start = state.lines.position(token.span.start);
        const end = state.lines.position(token.span.end);
        if (start.line !== end.line) continue;
        const modifiers = token.modifiers.reduce(
          (mask, m) => mask | (1 << SEMANTIC_TOKEN_MODIFIERS.indexOf(m)),
          0,
        );
        builder.push(
          start.line,
          start.character,
          end.character - start.character,
          SEMANTIC_TOKEN_TYPES.indexOf(token.type),
          modifiers,
        );
      }
      return builder.build();
    }),
  );

  connection.onCodeAction(
    guarded('codeAction', [] as CodeAction[], (params) => {
      const state = store.current(params.textDocument.uri);
      if (!state) return [];
      const span = {
        start: state.lines.offset(params.range.start.line, params.range.start.character),
        end: state.lines.offset(params.range.end.line, params.range.end.character),
      };
      // The folder is read only where a fix needs it: the JSON → YAML conversion.
      const json = state.analysis.file.document.format === 'json';
      const context = { siblingNames: json ? folderFileNames(params.textDocument.uri) : undefined };
      // A client without `disabledSupport` would offer a disabled action as if it applied (LSP 3.16).
      const actions = codeActions(state.analysis, span, state.diagnostics, context).filter(
        (action) => disabledActions || !action.disabled,
      );
      return actions.map((action): CodeAction => ({
        title: action.title,
        kind: action.kind,
        isPreferred: action.preferred,
        diagnostics: params.context.diagnostics.filter(
          (d) => typeof d.code === 'string' && action.diagnosticCodes.includes(d.code),
        ),
        ...(action.disabled
          ? { disabled: { reason: action.disabled } }
          : { edit: workspaceEdit(state, params.textDocument.uri, action) }),
      }));
    }),
  );

  registerSimulation(connection, store, guarded, () => lensRefresh);
  registerProcessStats(connection);
  registerDocumentInfo(connection, store, guarded);

  store.onAnalysed((state) => {
    void connection.sendDiagnostics({
      uri: state.uri,
      version: state.version,
      diagnostics: state.diagnostics.map((d) => toDiagnostic(state, d)),
    });
    afterWork();
    warmUp.analysed(state.analysis);
  });

  documents.listen(connection);
  connection.listen();

  function toDiagnostic(state: DocumentState, diagnostic: PolicyDiagnostic): Diagnostic {
    return {
      range: range(state, diagnostic.span),
      severity: SEVERITIES[diagnostic.severity],
      code: diagnostic.code,
      source: 'os-policy',
      message: diagnostic.message,
      tags: diagnostic.tags?.map((tag) =>
        tag === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated,
      ),
      relatedInformation: diagnostic.related?.map((related) => ({
        location: related.inFile
          ? { uri: related.inFile.uri, range: rangeIn(related.inFile, related.span) }
          : { uri: state.uri, range: range(state, related.span) },
        message: related.message,
      })),
    };
  }
}

/** A code action's edit: its text edits, or the file it creates (and the source it replaces). */
function workspaceEdit(state: DocumentState, uri: string, action: PolicyCodeAction): WorkspaceEdit {
  if (!action.createFile)
    return {
      changes: {
        [uri]: action.edits.map((e) => ({
          range: { start: state.lines.position(e.span.start), end: state.lines.position(e.span.end) },
          newText: e.newText,
        })),
      },
    };
  const target = new URL(action.createFile.name, uri).toString();
  return {
    documentChanges: [
      { kind: 'create', uri: target, options: { ignoreIfExists: false, overwrite: false } },
      {
        textDocument: { uri: target, version: null },
        edits: [
          {
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
            newText: action.createFile.content,
          },
        ],
      },
      ...(action.createFile.replacesSource ? [{ kind: 'delete' as const, uri }] : []),
    ],
  };
}

/** The names in a file's folder (file: URIs only), for fixes that create a file beside it. */
function folderFileNames(uri: string): string[] | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return readdirSync(dirname(fileURLToPath(uri)));
  } catch {
    return undefined;
  }
}
