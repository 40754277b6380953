import type { CodeLens, Connection } from 'vscode-languageserver/node';
import { parsePythonJson, PyJsonError } from '../core/python/pyJson';
import type { PyValue } from '../core/python/pyValue';
import { matrixOf, type Matrix } from '../core/simulate/matrix';
import { MATRIX_FORMATS, renderMatrix, type MatrixFormat } from '../core/simulate/matrixRender';
import { personaCredentials } from '../core/simulate/personas';
import { Simulator } from '../core/simulate/simulate';
import {
  simulationText,
  verdictLine,
  verdictSummary,
  type PersonaSimulation,
} from '../core/simulate/simulationText';
import { COMMANDS, REQUESTS } from '../shared/protocol';
import type { DocumentState, DocumentStore } from './documentStore';

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
  readonly format?: MatrixFormat;
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
export type LensRun = Omit<SimulateParams, 'uri' | 'rule'>;

/**
 * The third argument of `osPolicy.simulateAt`: a run to show in the verdict lens, or `pick`
 * from the "Simulate as role…" lens (an editor with pickers asks; others run the lens personas).
 */
export type SimulateAtOptions = LensRun & { readonly pick?: boolean };

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
  // Any other format from a client gets JSON, as before.
  const format = params.format && MATRIX_FORMATS.includes(params.format) ? params.format : 'json';
  const text = renderMatrix(built, format, params.nonce);
  return { ...built, text };
}

type Guard = <A extends unknown[], R>(
  name: string,
  fallback: R,
  handler: (...args: A) => R,
) => (...args: A) => R;

/**
 * Code lenses above every rule: the verdicts of the lens personas (project reader, member and
 * admin, or the personas and target of the last run) and "Simulate as role…"; the
 * `osPolicy/simulate` and `osPolicy/matrix` requests; the `osPolicy.simulateAt` command that
 * both lenses run, so any LSP client that runs commands can use them.
 */
export function registerSimulation(
  connection: Connection,
  store: DocumentStore,
  guarded: Guard,
  canRefreshLenses: () => boolean = () => false,
): void {
  const runs = new Map<string, Map<string, LensRun>>();
  const runOf = (uri: string, rule: string): LensRun =>
    runs.get(uri)?.get(rule) ?? { personas: PROJECT_PERSONAS };

  const verdictLens = (state: DocumentState, rule: string): CodeLens['command'] => ({
    title: verdictSummary(simulate(state, { uri: state.uri, rule, ...runOf(state.uri, rule) }).results),
    command: COMMANDS.simulateAt,
    arguments: [state.uri, rule],
  });

  connection.onCodeLens(
    guarded('codeLens', [] as CodeLens[], (params) => {
      const state = store.current(params.textDocument.uri);
      if (!state) return [];
      const lenses: CodeLens[] = [];
      for (const { entry, wins } of state.analysis.file.entries) {
        if (!wins || entry.name === null) continue;
        const position = state.lines.position(entry.keySpan.start);
        const range = { start: position, end: position };
        // Verdicts are computed when the editor resolves a visible lens, not for every rule.
        lenses.push({ range, data: { uri: state.uri, rule: entry.name } });
        // This one is filled in now, so clients that never resolve lenses still get it.
        lenses.push({
          range,
          command: {
            title: 'Simulate as role…',
            command: COMMANDS.simulateAt,
            arguments: [state.uri, entry.name, { pick: true } satisfies SimulateAtOptions],
          },
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
      return { ...lens, command: verdictLens(state, data.rule) };
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
  connection.onRequest(REQUESTS.simulate, (params: SimulateParams): unknown =>
    guarded('simulate', null as SimulateAnswer, answer)(params),
  );

  connection.onRequest(
    REQUESTS.matrix,
    guarded('matrix', null as MatrixResult | null, (params: MatrixParams) => {
      const state = store.current(params.uri);
      return state ? matrix(state, params) : null;
    }),
  );

  connection.onExecuteCommand(
    guarded('executeCommand', null as SimulateAnswer, (params) => {
      if (params.command !== COMMANDS.simulateAt) return null;
      const [uri, rule, options] = (params.arguments ?? []) as [
        string,
        string,
        SimulateAtOptions | undefined,
      ];
      const state = typeof uri === 'string' ? store.current(uri) : null;
      if (!state || typeof rule !== 'string') return null;
      // Without personas, credentials or target (the verdict lens, or "Simulate as role…" in a
      // client that has no pickers): the lens personas, or the rule's last run.
      const chosen =
        options?.personas !== undefined || options?.creds !== undefined || options?.target !== undefined;
      const run: LensRun = chosen
        ? { personas: options.personas, creds: options.creds, target: options.target }
        : runOf(uri, rule);
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
