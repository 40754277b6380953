import type { CodeLens, Connection } from 'vscode-languageserver/node';
import { parsePythonJson } from '../core/python/pyJson';
import type { PyValue } from '../core/python/pyValue';
import { personaCredentials } from '../core/simulate/personas';
import { buildMatrix, matrixCsv, matrixHtml, matrixMarkdown, type MatrixRow } from '../core/simulate/matrix';
import { simulateRule, type Simulation } from '../core/simulate/simulate';
import type { DocumentState, DocumentStore } from './documentStore';
import { COMMANDS, REQUESTS } from '../shared/protocol';

export interface SimulateParams {
  readonly uri: string;
  readonly rule: string;
  /** Persona ids (default: all configured personas). Ignored when `creds` is given. */
  readonly personas?: readonly string[];
  /** Credentials as JSON text (keeps `1.0` a float) or as an object. */
  readonly creds?: string | Record<string, unknown>;
  /** A concrete target (JSON text or object) for an exact decision; absent: target left open. */
  readonly target?: string | Record<string, unknown> | null;
}

export interface SimulateResult {
  readonly rule: string;
  readonly mode: string;
  readonly results: readonly ({ readonly persona: string; readonly label: string } & Simulation)[];
}

export interface MatrixResult {
  readonly title: string;
  readonly personas: readonly { id: string; label: string }[];
  readonly rows: readonly MatrixRow[];
  readonly text: string;
}

const ICONS: Record<Simulation['verdict'], string> = {
  allowed: '✅',
  denied: '❌',
  conditional: '🔍',
  error: '⚠️',
  unknown: '❔',
};

function json(value: string | Record<string, unknown>): PyValue {
  return parsePythonJson(typeof value === 'string' ? value : JSON.stringify(value));
}

export function simulate(state: DocumentState, params: SimulateParams): SimulateResult {
  const policy = state.analysis.policy;
  const target = params.target === undefined || params.target === null ? null : json(params.target);
  if (params.creds !== undefined) {
    const outcome = simulateRule(policy, params.rule, json(params.creds), target);
    return {
      rule: params.rule,
      mode: outcome.mode,
      results: [{ persona: 'custom', label: 'custom credentials', ...outcome }],
    };
  }
  const settings = state.analysis.settings;
  const personas = settings.personas.filter((p) => !params.personas || params.personas.includes(p.id));
  const results = personas.map((persona) => ({
    persona: persona.id,
    label: persona.label,
    ...simulateRule(policy, params.rule, personaCredentials(persona, settings.impliedRoles), target),
  }));
  return { rule: params.rule, mode: results[0]?.mode ?? '', results };
}

/** `reader ❌ · member 🔍 · admin ✅` for the project personas. */
export function verdictSummary(state: DocumentState, rule: string): string {
  const result = simulate(state, {
    uri: state.uri,
    rule,
    personas: ['project_reader', 'project_member', 'project_admin'],
  });
  return result.results.map((r) => `${r.label.replace(/^project /, '')} ${ICONS[r.verdict]}`).join(' · ');
}

type Guard = <A extends unknown[], R>(
  name: string,
  fallback: R,
  handler: (...args: A) => R,
) => (...args: A) => R;

/** Code lenses, the `osPolicy/simulate` request and the `osPolicy.simulateAt` command. */
export function registerSimulation(connection: Connection, store: DocumentStore, guarded: Guard): void {
  connection.onCodeLens(
    guarded('codeLens', [] as CodeLens[], (params) => {
      const state = store.current(params.textDocument.uri);
      if (!state) return [];
      const lenses: CodeLens[] = [];
      for (const { entry, wins } of state.analysis.file.entries) {
        if (!wins || entry.name === null) continue;
        const position = state.lines.position(entry.keySpan.start);
        const range = { start: position, end: position };
        lenses.push({ range, data: { uri: state.uri, rule: entry.name } });
        lenses.push({
          range,
          command: {
            title: 'Simulate as role…',
            command: COMMANDS.simulate,
            arguments: [state.uri, entry.name],
          },
        });
      }
      return lenses;
    }),
  );

  connection.onCodeLensResolve(
    guarded(
      'codeLensResolve',
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
      (lens: CodeLens) => {
        const data = lens.data as { uri: string; rule: string } | undefined;
        const state = data ? store.current(data.uri) : null;
        if (!data || !state) return lens;
        return {
          ...lens,
          command: {
            title: verdictSummary(state, data.rule),
            command: COMMANDS.simulateAt,
            arguments: [data.uri, data.rule],
          },
        };
      },
    ),
  );

  connection.onRequest(
    REQUESTS.simulate,
    guarded('simulate', null as SimulateResult | null, (params: SimulateParams) => {
      const state = store.current(params.uri);
      return state ? simulate(state, params) : null;
    }),
  );

  connection.onRequest(
    REQUESTS.matrix,
    guarded(
      'matrix',
      null as MatrixResult | null,
      (params: { uri: string; format?: 'json' | 'md' | 'csv' | 'html'; personas?: string[] }) => {
        const state = store.current(params.uri);
        if (!state) return null;
        const settings = state.analysis.settings;
        const personas = settings.personas.filter((p) => !params.personas || params.personas.includes(p.id));
        const rows = buildMatrix(state.analysis.policy, personas, settings.impliedRoles);
        const title = `Role matrix: ${state.analysis.choice.namespaces.join(', ') || 'this file'} (${rows.length} policies)`;
        const text =
          params.format === 'md'
            ? matrixMarkdown(rows, personas)
            : params.format === 'csv'
              ? matrixCsv(rows, personas)
              : params.format === 'html'
                ? matrixHtml(rows, personas, title)
                : JSON.stringify(rows, null, 2);
        return { title, personas: personas.map((p) => ({ id: p.id, label: p.label })), rows, text };
      },
    ),
  );

  connection.onExecuteCommand(
    guarded('executeCommand', null as SimulateResult | null, (params) => {
      if (params.command !== COMMANDS.simulateAt) return null;
      const [uri, rule] = (params.arguments ?? []) as [string, string];
      const state = store.current(uri);
      if (!state) return null;
      const result = simulate(state, { uri, rule });
      const lines = result.results.map(
        (r) =>
          `${r.label}: ${ICONS[r.verdict]} ${r.verdict}${r.condition ? ` if ${r.condition}` : ''}${r.reason ? ` (${r.reason})` : ''}`,
      );
      void connection.window.showInformationMessage(`${rule} (${result.mode}) — ${lines.join('; ')}`);
      return result;
    }),
  );
}
