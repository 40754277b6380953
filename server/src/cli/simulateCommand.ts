import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RegisteredRule } from '../core/catalog/catalogTypes';
import type { CatalogStore } from '../core/catalog/catalogStore';
import { DEFAULT_SETTINGS, chooseNamespaces } from '../core/features/analysis';
import type { EffectivePolicy } from '../core/engine/effectivePolicy';
import { loadEffectivePolicy } from '../core/engine/loadPolicy';
import { parsePythonJson, PyJsonError } from '../core/python/pyJson';
import type { PyValue } from '../core/python/pyValue';
import {
  DEFAULT_IMPLIED_ROLES,
  DEFAULT_PERSONAS,
  personaCredentials,
  type PersonaSpec,
} from '../core/simulate/personas';
import { Simulator } from '../core/simulate/simulate';
import { simulationText, type PersonaSimulation } from '../core/simulate/simulationText';
import { openBuiltInCatalog } from '../node/catalogFiles';
import { readPolicyText } from '../node/policyFiles';
import { parseArgs, single, UsageError, type ParsedArgs } from './args';
import { POLICY_FLAGS, policyOptions, readPolicyLayers, registeredRules } from './policyInputs';

export const SIMULATE_USAGE =
  'os-policy simulate [FILE|-] --rule R [--persona P[,P]]... | --creds JSON|@FILE [--target JSON|@FILE] ' +
  '[--format text|json] [--namespace NS]... [--release R] [--default-rule NAME] [--enforce-new-defaults] ' +
  '[--enforce-scope] [--policy-dir DIR]...';

/**
 * `os-policy simulate`: one rule for personas (default: all eight) or given credentials. With
 * the target left open the answer is allowed, denied or conditional with the condition on the
 * target; with `--target` it is oslo.policy's exact decision. Each answer has its trace.
 */
export function simulateCommand(argv: readonly string[], out: (line: string) => void): number {
  const args = parseArgs(argv, {
    ...POLICY_FLAGS,
    rule: { takesValue: true },
    persona: { takesValue: true, repeatable: true },
    creds: { takesValue: true },
    target: { takesValue: true },
    format: { takesValue: true },
  });
  const rule = single(args, 'rule');
  if (!rule) throw new UsageError(`--rule is required\n${SIMULATE_USAGE}`);
  const format = single(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json`);
  const credsText = single(args, 'creds');
  if (credsText !== undefined && args.values.has('persona'))
    throw new UsageError('give --persona or --creds, not both');
  const loaded = loadPolicyFromArgs(args);
  const simulator = new Simulator(loaded.policy);
  const targetText = single(args, 'target');
  const target = targetText === undefined ? null : jsonArgument(targetText, '--target');
  const answer = (creds: PyValue): ReturnType<Simulator['exact']> =>
    target === null ? simulator.forCreds(creds).rule(rule) : simulator.exact(rule, creds, target);
  const results: PersonaSimulation[] =
    credsText !== undefined
      ? [{ persona: 'custom', label: 'custom credentials', ...answer(jsonArgument(credsText, '--creds')) }]
      : choosePersonas(args.values.get('persona')).map((persona) => ({
          persona: persona.id,
          label: persona.label,
          ...answer(personaCredentials(persona, DEFAULT_IMPLIED_ROLES)),
        }));
  if (format === 'json') {
    out(
      JSON.stringify(
        {
          rule,
          mode: simulator.mode,
          namespaces: loaded.namespaces,
          release: loaded.release,
          results: results.map(({ conditionTree, ...rest }) => {
            void conditionTree;
            return rest;
          }),
        },
        null,
        2,
      ),
    );
  } else {
    if (loaded.note) out(loaded.note);
    out(simulationText(rule, simulator.mode, results).trimEnd());
  }
  return 0;
}

/** Persona ids, comma-separated or repeated; `all` or nothing: every default persona. */
export function choosePersonas(requested: readonly string[] | undefined): PersonaSpec[] {
  const ids = (requested ?? [])
    .flatMap((value) => value.split(','))
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0 || ids.includes('all')) return [...DEFAULT_PERSONAS];
  return ids.map((id) => {
    const persona = DEFAULT_PERSONAS.find((p) => p.id === id);
    if (!persona)
      throw new UsageError(
        `unknown persona '${id}' (known: ${DEFAULT_PERSONAS.map((p) => p.id).join(', ')})`,
      );
    return persona;
  });
}

/** A JSON argument given inline or as `@path` (Python's JSON reading: `1.0` stays a float). */
export function jsonArgument(text: string, flag: string): PyValue {
  let source = text;
  if (text.startsWith('@')) {
    // Capped as policy files are; resolved, so that `@-` stays a file named `-` as before.
    const read = readPolicyText(resolve(text.slice(1)));
    if (!read.ok) throw new UsageError(`${flag}: cannot read ${text.slice(1)}: ${read.message}`);
    source = read.text;
  }
  try {
    return parsePythonJson(source);
  } catch (error) {
    if (error instanceof PyJsonError) throw new UsageError(`${flag} is not valid JSON: ${error.message}`);
    throw error;
  }
}

export interface LoadedPolicy {
  readonly policy: EffectivePolicy;
  readonly namespaces: readonly string[];
  readonly release: string | null;
  /** How the namespaces were chosen, when detected. */
  readonly note: string | null;
}

/**
 * The policy a service would enforce: FILE (and --policy-dir layers) over the defaults of the
 * --namespace(s); without --namespace, the namespace is detected from FILE's path and content as
 * the editor does. No FILE: the defaults alone.
 */
export function loadPolicyFromArgs(
  args: ParsedArgs,
  path: string | undefined = args.positionals[0],
): LoadedPolicy {
  if (args.positionals.length > 1 && path === args.positionals[0])
    throw new UsageError(`one policy file at most (got ${args.positionals.join(' ')})`);
  const catalog = openBuiltInCatalog();
  const explicit = args.values.get('namespace') ?? [];
  if (!path && explicit.length === 0) throw new UsageError('give a policy FILE or --namespace NS');
  const layers = path ? readPolicyLayers(path, args) : [];
  // A FILE that is not there is a typo far more often than a question about a service that
  // cannot start; one that is not UTF-8 is answered as the service would (every request raises).
  const readFailure = layers[0]?.readFailure;
  if (readFailure) throw new UsageError(`cannot read ${path}: ${readFailure}`);
  let registered: RegisteredRule[] = registeredRules(args, catalog);
  let namespaces: readonly string[] = explicit;
  let release: string | null = explicit.length > 0 ? releaseOf(args, catalog) : null;
  let note: string | null = null;
  if (explicit.length === 0 && path && path !== '-' && catalog) {
    const releaseId = single(args, 'release');
    const choice = chooseNamespaces(
      existsSync(path) ? pathToFileURL(resolve(path)).toString() : path,
      layers[0].loaded.document.entries,
      { ...DEFAULT_SETTINGS, release: releaseId ?? 'newest' },
      { builtIn: catalog, custom: [] },
    );
    namespaces = choice.namespaces;
    release = choice.release;
    registered = namespaces.flatMap((ns) => (release ? (catalog.get(ns, release)?.rules ?? []) : []));
    note =
      namespaces.length > 0
        ? `# defaults of ${namespaces.join(', ')} (${release}), ${choice.detection.reason}; --namespace to choose`
        : '# no service detected: the file alone (no registered defaults); --namespace to choose';
  }
  const options = policyOptions(
    namespaces.length > 0 && explicit.length === 0
      ? { ...args, values: new Map([...args.values, ['namespace', [...namespaces]]]) }
      : args,
    catalog,
  );
  const policy = loadEffectivePolicy({ files: layers.map((layer) => layer.loaded), registered, options });
  return { policy, namespaces, release, note };
}

function releaseOf(args: ParsedArgs, catalog: CatalogStore | null): string | null {
  if (!catalog) return null;
  return catalog.resolveRelease(single(args, 'release') ?? catalog.newestRelease() ?? '');
}
