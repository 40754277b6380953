import type { CodeLens, Connection } from 'vscode-languageserver/node';
import { parsePythonJson, PyJsonError } from '../core/python/pyJson';
import type { PyValue } from '../core/python/pyValue';
import { matrixOf, type Matrix } from '../core/simulate/matrix';
import { matrixCsv, matrixJson, matrixMarkdown } from '../core/simulate/matrixFormats';
import { matrixHtml } from '../core/simulate/matrixHtml';
import { personaCredentials } from '../core/simulate/personas';
import { Simulator } from '../core/simulate/simulate';
import {
  simulationText,
  verdictLine,
  verdictSummary,
  type PersonaSimulation,
} from '../core/simulate/simulationText';
import type { DocumentState, DocumentStore } from './documentStore';

/** The server command behind every simulation code lens; any LSP client that runs commands can use it. */
export const SIMULATE_COMMAND = 'osPolicy.simulateAt';

export interface SimulateParams {
  readonly uri: string;
  readonly rule: string;
  /** Persona ids (default: every configured persona). Ignored when `creds` is given. */
  readonly personas?: readonly string[];
  /** Credentials as JSON text (keeps `1.0` a float) or as an object. */
  readonly creds?: string | Record<string, unknown>;
  /** A concrete target (JSON text or object) for an exact decision; absent: the target left open. */
  readonly target?: string | Record<string, unknown> | null;
}

export interface SimulateResult {
  readonly rule: string;
  readonly mode: string;
  readonly results: readonly PersonaSimulation[];
  /** The answers with their traces as text, for clients that just show it. */
  readonly text: string;
}

export interface MatrixParams {
  readonly uri: string;
  readonly format?: 'json' | 'md' | 'csv' | 'html';
  readonly personas?: readonly string[];
  /** For the HTML: the nonce of the webview's Content-Security-Policy. */
  readonly nonce?: string;
}

export interface MatrixResult extends Matrix {
  readonly text: string;
}

/** An answer, `{error}` for a request that cannot be answered (bad JSON), null for an unknown document. */
export type SimulateAnswer = SimulateResult | { readonly error: string } | null;

/** What the lens of a rule shows once run: the same question, asked again on each edit. */
type LensRun = Omit<SimulateParams, 'uri' | 'rule'>;

const PROJECT_PERSONAS = ['project_reader', 'project_member', 'project_admin'];

function json(value: string | Record<string, unknown>, what: string): PyValue {
  try {
    return parsePythonJson(typeof value === 'string' ? value : JSON.stringify(value));
  } catch (error) {
    if (error instanceof PyJsonError) throw new RequestProblem(`${what} is not valid JSON: ${error.message}`);
    throw error;
  }
}

class RequestProblem extends Error {}

export function simulate(state: DocumentState, params: SimulateParams): SimulateResult {
  const simulator = new Simulator(state.analysis.policy);
  const target =
    params.target === undefined || params.target === null || params.target === ''
      ? null
      : json(params.target, 'the target');
  const answer = (creds: PyValue): ReturnType<Simulator['exact']> =>
    target === null
      ? simulator.forCreds(creds).rule(params.rule)
      : simulator.exact(params.rule, creds, target);
  let results: PersonaSimulation[];
  if (params.creds !== undefined && params.creds !== null && params.creds !== '') {
    results = [
      { persona: 'custom', label: 'custom credentials', ...answer(json(params.creds, 'the credentials')) },
    ];
  } else {
    const settings = state.analysis.settings;
    const personas = params.personas
      ? params.personas.flatMap((id) => settings.personas.filter((p) => p.id === id))
      : settings.personas;
    results = personas.map((persona) => ({
      persona: persona.id,
      label: persona.label,
      ...answer(personaCredentials(persona, settings.impliedRoles)),
    }));
  }
  return {
    rule: params.rule,
    mode: simulator.mode,
    results,
    text: simulationText(params.rule, simulator.mode, results),
  };
}

export function matrix(state: DocumentState, params: MatrixParams): MatrixResult {
  const settings = state.analysis.settings;
  const personas = params.personas
    ? params.personas.flatMap((id) => settings.personas.filter((p) => p.id === id))
    : settings.personas;
  const namespaces = state.analysis.choice.namespaces;
  const built = matrixOf(
    state.analysis.policy,
    personas,
    settings.impliedRoles,
    `Role matrix: ${namespaces.length > 0 ? namespaces.join(', ') : 'this file'}`,
  );
  const text =
    params.format === 'md'
      ? matrixMarkdown(built)
      : params.format === 'csv'
        ? matrixCsv(built)
        : params.format === 'html'
          ? matrixHtml(built, params.nonce)
          : matrixJson(built);
  return { ...built, text };
}

type Guard = <A extends unknown[], R>(
  name: string,
  fallback: R,
  handler: (...args: A) => R,
) => (...args: A) => R;

/**
 * Code lenses ("Simulate as role…", then the verdicts inline once run), the `osPolicy/simulate`
 * and `osPolicy/matrix` requests, and the `osPolicy.simulateAt` command.
 */
export function registerSimulation(
  connection: Connection,
  store: DocumentStore,
  guarded: Guard,
  canRefreshLenses: () => boolean = () => false,
): void {
  const runs = new Map<string, Map<string, LensRun>>();

  const lensTitle = (state: DocumentState, rule: string): string => {
    const run = runs.get(state.uri)?.get(rule);
    if (!run) return 'Simulate as role…';
    return verdictSummary(simulate(state, { uri: state.uri, rule, ...run }).results);
  };

  connection.onCodeLens(
    guarded('codeLens', [] as CodeLens[], (params) => {
      const state = store.current(params.textDocument.uri);
      if (!state) return [];
      const lenses: CodeLens[] = [];
      for (const { entry, wins } of state.analysis.file.entries) {
        if (!wins || entry.name === null) continue;
        const position = state.lines.position(entry.keySpan.start);
        // The command is filled in now, so clients that never resolve lenses get it too.
        lenses.push({
          range: { start: position, end: position },
          command: {
            title: lensTitle(state, entry.name),
            command: SIMULATE_COMMAND,
            arguments: [state.uri, entry.name],
          },
          data: { uri: state.uri, rule: entry.name },
        });
      }
      return lenses;
    }),
  );

  connection.onCodeLensResolve(
    guarded('codeLensResolve', null as unknown as CodeLens, (lens: CodeLens) => {
      const data = lens.data as { uri?: string; rule?: string } | undefined;
      const state = data?.uri ? store.current(data.uri) : null;
      if (!data?.uri || !data.rule || !state) return lens;
      return {
        ...lens,
        command: {
          title: lensTitle(state, data.rule),
          command: SIMULATE_COMMAND,
          arguments: [data.uri, data.rule],
        },
      };
    }),
  );

  const answer = (params: SimulateParams): SimulateAnswer => {
    const state = store.current(params.uri);
    if (!state) return null;
    try {
      return simulate(state, params);
    } catch (error) {
      if (error instanceof RequestProblem) return { error: error.message };
      throw error;
    }
  };
  connection.onRequest('osPolicy/simulate', (params: SimulateParams): unknown =>
    guarded('simulate', null as SimulateAnswer, answer)(params),
  );

  connection.onRequest(
    'osPolicy/matrix',
    guarded('matrix', null as MatrixResult | null, (params: MatrixParams) => {
      const state = store.current(params.uri);
      return state ? matrix(state, params) : null;
    }),
  );

  connection.onExecuteCommand(
    guarded('executeCommand', null as SimulateAnswer, (params) => {
      if (params.command !== SIMULATE_COMMAND) return null;
      const [uri, rule, options] = (params.arguments ?? []) as [string, string, LensRun | undefined];
      const state = typeof uri === 'string' ? store.current(uri) : null;
      if (!state || typeof rule !== 'string') return null;
      const run: LensRun = options ?? { personas: PROJECT_PERSONAS };
      let result: SimulateResult;
      try {
        result = simulate(state, { uri, rule, ...run });
      } catch (error) {
        if (!(error instanceof RequestProblem)) throw error;
        void connection.window.showErrorMessage(`Simulate ${rule}: ${error.message}`);
        return { error: error.message };
      }
      const perUri = runs.get(uri) ?? new Map<string, LensRun>();
      perUri.set(rule, run);
      runs.set(uri, perUri);
      connection.console.log(result.text);
      // A notification, not a request: nothing to answer, and every client shows it.
      void connection.sendNotification('window/showMessage', {
        type: 3,
        message: `${rule} (${result.mode}): ${result.results.map((r) => `${r.label} ${verdictLine(r)}`).join('; ')}`,
      });
      if (canRefreshLenses()) connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
      return result;
    }),
  );
}
