import type { NamespaceCatalog, RegisteredRule } from '../catalog/catalogTypes';
import type { CatalogStore } from '../catalog/catalogStore';
import { detectNamespaces, withFamily, type Detection } from '../catalog/detect';
import { releaseBehaviour } from '../catalog/releases';
import { buildVocabulary, type Vocabulary } from '../catalog/vocabulary';
import { readPolicyDocument, YamlPieceCache } from '../document/policyDocument';
import type { PolicyEntry } from '../document/documentTypes';
import type { EffectivePolicy, PolicyOptions } from '../engine/effectivePolicy';
import { ParsedRuleCache } from '../engine/ruleCache';
import { Suggester } from '../text/similar';
import {
  loadEffectivePolicy,
  loadPolicyFile,
  namesUnchangedSince,
  type LoadedFile,
  type ParsedEntry,
} from '../engine/loadPolicy';
import { DEFAULT_IMPLIED_ROLES, DEFAULT_PERSONAS, type PersonaSpec } from '../simulate/personas';
import type { DiagnosticSeverity } from './diagnosticTypes';
import { FeatureMemo } from './featureMemo';
import { NO_LAYERS, winnersOf, type PolicyLayers } from './layers';

/** The settings of the `osPolicy.*` namespace that the core uses (the client passes them through). */
export interface PolicySettings {
  /** `auto` or a namespace. */
  readonly service: string;
  /** A release id, or `newest`. */
  readonly release: string;
  readonly enforceNewDefaults: boolean;
  readonly enforceScope: boolean;
  readonly defaultRule: string;
  readonly personas: readonly PersonaSpec[];
  readonly impliedRoles: Readonly<Record<string, readonly string[]>>;
  /** Per diagnostic code: a severity, or `off`. */
  readonly severities: Readonly<Record<string, DiagnosticSeverity | 'off'>>;
  /** Custom catalogs (sample files or JSON), read as data by the server. */
  readonly catalogPaths: readonly string[];
}

export const DEFAULT_SETTINGS: PolicySettings = {
  service: 'auto',
  release: 'newest',
  enforceNewDefaults: false,
  enforceScope: false,
  defaultRule: 'default',
  personas: DEFAULT_PERSONAS,
  impliedRoles: DEFAULT_IMPLIED_ROLES,
  severities: {},
  catalogPaths: [],
};

/** The catalogs available to a document: the built-in store and custom ones (which win). */
export interface CatalogSources {
  readonly builtIn: CatalogStore | null;
  readonly custom: readonly NamespaceCatalog[];
}

export interface NamespaceChoice {
  readonly namespaces: readonly string[];
  readonly release: string | null;
  readonly detection: Detection;
  /** Namespace → where its defaults came from (`zed`, or a custom file). */
  readonly sources: ReadonlyMap<string, string>;
}

/** Everything the features need about one document, computed once per version. */
export interface PolicyAnalysis {
  readonly uri: string;
  readonly version: number;
  readonly file: LoadedFile;
  readonly policy: EffectivePolicy;
  readonly choice: NamespaceChoice;
  readonly registered: ReadonlyMap<string, RegisteredRule>;
  /** Deprecated (old) name → the (first) registered rule that replaced it. */
  readonly renamed: ReadonlyMap<string, RegisteredRule>;
  /**
   * Deprecated (old) name → every rule that replaced it: Nova split `os_compute_api:os-hosts`
   * into six, and oslo.policy applies an override of the old name to each of them.
   */
  readonly replacements: ReadonlyMap<string, readonly RegisteredRule[]>;
  readonly vocabulary: Vocabulary;
  readonly settings: PolicySettings;
  readonly options: PolicyOptions;
  /** "Did you mean", remembered across versions. */
  readonly suggester: Suggester;
  /** Answers computed from strings alone, remembered across versions. */
  readonly memo: FeatureMemo;
  /** Winning entries by rule name. */
  readonly byName: ReadonlyMap<string, ParsedEntry>;
  /** policy.d: the other files oslo.policy loads with this one (none for a lone file). */
  readonly layers: PolicyLayers;
  /** The entry whose span (key start to value end) holds `offset`, if any. */
  entryAt(offset: number): ParsedEntry | null;
}

/** Per-document state that survives edits: YAML pieces, parsed rules, answers of the features. */
export class DocumentCaches {
  readonly yaml = new YamlPieceCache();
  readonly rules = new ParsedRuleCache();
  readonly memo = new FeatureMemo();
  readonly suggester = new Suggester();
  /** The last version's effective policy: its reference graph often still holds. */
  policy: EffectivePolicy | null = null;
  /** The last namespace choice and what it was made from: names rarely change while typing. */
  choice: {
    readonly key: string;
    readonly names: readonly (string | null)[];
    readonly value: NamespaceChoice;
    /** The version (`LoadedFile.generation`) it was last found valid for. */
    generation: number | undefined;
  } | null = null;
}

export function chooseNamespaces(
  uri: string,
  entries: readonly PolicyEntry[],
  settings: PolicySettings,
  catalogs: CatalogSources,
): NamespaceChoice {
  const builtIn = catalogs.builtIn;
  const releaseId =
    settings.release === 'newest' || !settings.release
      ? (builtIn?.newestRelease() ?? null)
      : settings.release;
  const release =
    releaseId && builtIn ? (builtIn.resolveRelease(releaseId) ?? builtIn.newestRelease()) : null;
  const known = new Map<string, Set<string>>();
  const sources = new Map<string, string>();
  if (builtIn && release) {
    for (const namespace of builtIn.namespaces(release)) known.set(namespace, new Set());
  }
  for (const custom of catalogs.custom)
    known.set(custom.namespace, new Set(custom.rules.map((rule) => rule.name)));
  let detection: Detection;
  if (settings.service && settings.service !== 'auto') {
    detection = {
      namespaces: withFamily(settings.service, known),
      by: 'setting',
      reason: `from the setting osPolicy.service`,
    };
  } else {
    // The path usually tells; content detection needs every namespace's rule names, which
    // means reading every catalog file of the release: only then load them.
    detection = detectNamespaces({ path: uri, ruleNames: [], known });
    if (detection.by !== 'path') {
      const names = builtIn && release ? builtInRuleNames(builtIn, release) : null;
      let withNames: ReadonlyMap<string, ReadonlySet<string>> = known;
      if (names) {
        // The same map object while no custom catalog is added: detection keeps its index of it.
        const merged = catalogs.custom.length === 0 ? names : new Map(names);
        if (merged !== names) {
          for (const custom of catalogs.custom) {
            // A custom catalog without rules leaves a built-in namespace of that name its names.
            const own = known.get(custom.namespace)!;
            if (own.size > 0 || !merged.has(custom.namespace)) merged.set(custom.namespace, own);
          }
        }
        withNames = merged;
      }
      // A loop, not flatMap: an array per entry (10,000 of them) before the V8 has compiled it.
      const ruleNames: string[] = [];
      for (const entry of entries) if (entry.name) ruleNames.push(entry.name);
      detection = detectNamespaces({ path: uri, ruleNames, known: withNames });
    }
  }
  for (const namespace of detection.namespaces) {
    const custom = catalogs.custom.find((c) => c.namespace === namespace);
    if (custom) sources.set(namespace, custom.source);
    else if (builtIn && release && builtIn.get(namespace, release)) sources.set(namespace, release);
  }
  return { namespaces: detection.namespaces.filter((ns) => sources.has(ns)), release, detection, sources };
}

/** Every built-in namespace of a release with its rule names, read once per store and release. */
const ruleNamesByStore = new WeakMap<CatalogStore, Map<string, Map<string, ReadonlySet<string>>>>();

function builtInRuleNames(store: CatalogStore, release: string): Map<string, ReadonlySet<string>> {
  let byRelease = ruleNamesByStore.get(store);
  if (!byRelease)
    ruleNamesByStore.set(store, (byRelease = new Map<string, Map<string, ReadonlySet<string>>>()));
  let names = byRelease.get(release);
  if (!names) {
    names = new Map();
    for (const namespace of store.namespaces(release))
      names.set(namespace, new Set(store.ruleNames(namespace, release)));
    byRelease.set(release, names);
  }
  return names;
}

function registeredRules(choice: NamespaceChoice, catalogs: CatalogSources): RegisteredRule[] {
  return choice.namespaces.flatMap((namespace) => {
    const custom = catalogs.custom.find((c) => c.namespace === namespace);
    if (custom) return custom.rules;
    return catalogs.builtIn && choice.release
      ? (catalogs.builtIn.get(namespace, choice.release)?.rules ?? [])
      : [];
  });
}

/** Registered rules and their vocabulary per (release, namespaces, sources): shared by every document. */
interface Registration {
  readonly list: RegisteredRule[];
  readonly byName: ReadonlyMap<string, RegisteredRule>;
  readonly renamed: ReadonlyMap<string, RegisteredRule>;
  readonly replacements: ReadonlyMap<string, readonly RegisteredRule[]>;
  readonly vocabulary: Vocabulary;
}
const registrations = new Map<string, Registration>();

function registration(choice: NamespaceChoice, catalogs: CatalogSources): Registration {
  const key = `${choice.release}|${choice.namespaces.map((ns) => `${ns}=${choice.sources.get(ns)}`).join(',')}|${catalogs.custom.length}`;
  let found = registrations.get(key);
  if (!found) {
    const list = registeredRules(choice, catalogs);
    const renamed = new Map<string, RegisteredRule>();
    const replacements = new Map<string, RegisteredRule[]>();
    for (const rule of list) {
      if (rule.deprecated_rule && rule.deprecated_rule.name !== rule.name) {
        const old = rule.deprecated_rule.name;
        if (!renamed.has(old)) renamed.set(old, rule);
        replacements.set(old, [...(replacements.get(old) ?? []), rule]);
      }
    }
    found = {
      list,
      byName: new Map(list.map((rule) => [rule.name, rule])),
      renamed,
      replacements,
      vocabulary: buildVocabulary(list),
    };
    if (registrations.size > 64) registrations.clear();
    registrations.set(key, found);
  }
  return found;
}

/** Content detection scores every name against every namespace: redo it only when the names change. */
function cachedChoice(input: AnalyzeInput, file: LoadedFile, caches: DocumentCaches): NamespaceChoice {
  const { settings, catalogs } = input;
  const entries = file.document.entries;
  const key = [input.uri, settings.service, settings.release, String(catalogs.custom.length)].join('\u0000');
  const previous = caches.choice;
  if (previous?.key === key) {
    // The loader already compared the names with the version this choice was made for.
    if (namesUnchangedSince(file, previous.generation) || sameNames(previous.names, entries)) {
      previous.generation = file.generation;
      return previous.value;
    }
  }
  const value = chooseNamespaces(input.uri, entries, settings, catalogs);
  caches.choice = { key, names: entries.map((entry) => entry.name), value, generation: file.generation };
  return value;
}

/** Compared name by name: unchanged entries hand back the same string objects, so this is cheap. */
function sameNames(names: readonly (string | null)[], entries: readonly PolicyEntry[]): boolean {
  if (names.length !== entries.length) return false;
  for (let index = 0; index < names.length; index++) if (names[index] !== entries[index].name) return false;
  return true;
}

export interface AnalyzeInput {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  readonly settings: PolicySettings;
  readonly catalogs: CatalogSources;
  readonly caches?: DocumentCaches;
  /** Other files loaded with this one (policy.d), in load order, and this file's place among them. */
  readonly layers?: PolicyLayers;
}

export function analyze(input: AnalyzeInput): PolicyAnalysis {
  const caches = input.caches ?? new DocumentCaches();
  const document = readPolicyDocument(input.text, caches.yaml);
  const file = loadPolicyFile(document, caches.rules);
  const choice = cachedChoice(input, file, caches);
  const registered = registration(choice, input.catalogs);
  const options: PolicyOptions = {
    defaultRule: input.settings.defaultRule || null,
    enforceNewDefaults: input.settings.enforceNewDefaults,
    enforceScope: input.settings.enforceScope,
    scopeMismatchRaises: releaseBehaviour(choice.release).scopeMismatchRaises,
    ignoresSystemScope: !releaseBehaviour(choice.release).copiesSystemScope,
  };
  const layers = input.layers ?? NO_LAYERS;
  const files = [
    ...layers.before.map((layer) => layer.file),
    file,
    ...layers.after.map((layer) => layer.file),
  ];
  const policy = loadEffectivePolicy({ files, registered: registered.list, options }, caches.policy);
  caches.policy = policy;
  return new Analysis(input, file, policy, choice, registered, options, caches);
}

/**
 * A class, not an object literal with a getter: each literal's getter made the object a hidden
 * class of its own, which V8 keeps in the old generation until a full collection, and through
 * its getter's closure the whole version (10,000 rules) survived every young-generation
 * collection: about 1 MB promoted per keystroke, and full collections every few seconds of typing.
 */
class Analysis implements PolicyAnalysis {
  readonly uri: string;
  readonly version: number;
  readonly registered: ReadonlyMap<string, RegisteredRule>;
  readonly renamed: ReadonlyMap<string, RegisteredRule>;
  readonly replacements: ReadonlyMap<string, readonly RegisteredRule[]>;
  readonly vocabulary: Vocabulary;
  readonly settings: PolicySettings;
  readonly suggester: Suggester;
  readonly memo: FeatureMemo;
  readonly layers: PolicyLayers;
  // Made when first asked for: a keystroke's diagnostics do not need it (`byName` neither, see `winnersOf`).
  private starts: number[] | null = null;

  constructor(
    input: AnalyzeInput,
    readonly file: LoadedFile,
    readonly policy: EffectivePolicy,
    readonly choice: NamespaceChoice,
    registered: Registration,
    readonly options: PolicyOptions,
    caches: DocumentCaches,
  ) {
    this.uri = input.uri;
    this.version = input.version;
    this.registered = registered.byName;
    this.renamed = registered.renamed;
    this.replacements = registered.replacements;
    this.vocabulary = registered.vocabulary;
    this.settings = input.settings;
    this.suggester = caches.suggester;
    this.memo = caches.memo;
    this.layers = input.layers ?? NO_LAYERS;
  }

  get byName(): ReadonlyMap<string, ParsedEntry> {
    return winnersOf(this.file);
  }

  entryAt(offset: number): ParsedEntry | null {
    const entries = this.file.entries;
    const starts = (this.starts ??= entries.map((entry) => entry.entry.span.start));
    // Entries are in document order: binary search the last one starting at or before offset.
    let low = 0;
    let high = starts.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (starts[middle] <= offset) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (found < 0) return null;
    const entry = entries[found];
    return offset <= entry.entry.span.end ? entry : null;
  }
}
