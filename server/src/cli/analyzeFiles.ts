import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CatalogStore } from '../core/catalog/catalogStore';
import { readCustomCatalog } from '../core/catalog/customCatalog';
import type { NamespaceCatalog } from '../core/catalog/catalogTypes';
import type { PolicyDocument } from '../core/document/documentTypes';
import { readPolicyDocument, tooLargeDocument } from '../core/document/policyDocument';
import { loadPolicyFile, type LoadedFile } from '../core/engine/loadPolicy';
import {
  analyze,
  DEFAULT_SETTINGS,
  type PolicyAnalysis,
  type PolicySettings,
} from '../core/features/analysis';
import type { PolicyDiagnostic } from '../core/features/diagnosticTypes';
import { policyDiagnostics } from '../core/features/policyDiagnostics';
import { LineIndex } from '../core/text/lineIndex';
import { openBuiltInCatalog } from '../node/catalogFiles';
import { readPolicyText, type PolicyText } from '../node/policyFiles';
import { policyLayerPaths } from '../node/policyLayers';
import { single, UsageError, type FlagSpec, type ParsedArgs } from './args';
import { policyDirFiles } from './policyInputs';

/** The flags that choose defaults and mode, for every command that analyses a file as the editor does. */
export const ANALYSIS_FLAGS: Record<string, FlagSpec> = {
  service: { takesValue: true },
  namespace: { takesValue: true },
  release: { takesValue: true },
  'default-rule': { takesValue: true },
  'enforce-new-defaults': { takesValue: false },
  'enforce-scope': { takesValue: false },
  'policy-dir': { takesValue: true, repeatable: true },
  catalog: { takesValue: true, repeatable: true },
};

export const ANALYSIS_USAGE =
  '[--service NS] [--release R] [--default-rule NAME] [--enforce-new-defaults] [--enforce-scope] [--policy-dir DIR]... [--catalog FILE]...';

/** A file analysed exactly as the language server analyses an open document. */
export interface AnalysedFile {
  readonly path: string;
  readonly text: string;
  readonly analysis: PolicyAnalysis;
  readonly lines: LineIndex;
  readonly diagnostics: readonly PolicyDiagnostic[];
  /** Why the file could not be read, or null. Its text is then empty: never to be written back. */
  readonly readFailure: string | null;
}

export interface Analyser {
  readonly settings: PolicySettings;
  analyseFile(path: string): AnalysedFile;
}

/** Settings from the flags (`--namespace` is the older spelling of `--service`), checked against the catalog. */
export function createAnalyser(args: ParsedArgs): Analyser {
  const builtIn = openBuiltInCatalog();
  const service = single(args, 'service') ?? single(args, 'namespace');
  if (single(args, 'service') && single(args, 'namespace'))
    throw new UsageError('--service and --namespace are the same option: give one');
  const release = single(args, 'release');
  const custom = (args.values.get('catalog') ?? []).map(readCatalogFile);
  checkCatalogChoice(builtIn, custom.some((c) => c.namespace === service) ? undefined : service, release);
  const settings: PolicySettings = {
    ...DEFAULT_SETTINGS,
    service: service ?? 'auto',
    release: release ?? 'newest',
    enforceNewDefaults: args.switches.has('enforce-new-defaults'),
    enforceScope: args.switches.has('enforce-scope'),
    defaultRule: single(args, 'default-rule') ?? DEFAULT_SETTINGS.defaultRule,
  };
  const extraLayers = policyDirFiles(args);
  const loaded = new Map<string, LoadedFile>();
  const load = (path: string): LoadedFile => {
    let file = loaded.get(path);
    if (!file) {
      const text = readPolicyText(path);
      file = loadPolicyFile(layerDocument(text));
      loaded.set(path, file);
    }
    return file;
  };
  return {
    settings,
    analyseFile(path: string): AnalysedFile {
      const read = readPolicyText(path);
      const text = read.ok ? read.text : '';
      const absolute = path === '-' ? null : resolve(path);
      const layers = absolute ? policyLayerPaths(absolute) : { before: [], after: [] };
      const after = [...layers.after, ...extraLayers];
      const analysis = analyze({
        uri: absolute ? pathToFileURL(absolute).toString() : 'untitled:stdin',
        version: 1,
        text,
        settings,
        catalogs: { builtIn, custom },
        layers: {
          before: layers.before.map((layerPath) => ({
            uri: pathToFileURL(layerPath).toString(),
            file: load(layerPath),
          })),
          after: after.map((layerPath) => ({
            uri: pathToFileURL(layerPath).toString(),
            file: load(layerPath),
          })),
        },
      });
      const diagnostics = [...policyDiagnostics(analysis)];
      if (!read.ok) diagnostics.unshift(readFailureDiagnostic(read));
      diagnostics.sort((a, b) => a.span.start - b.span.start);
      const readFailure = read.ok ? null : read.message;
      return { path, text, analysis, lines: new LineIndex(text), diagnostics, readFailure };
    },
  };
}

/** A layer under or over the file; one read only up to the size limit is not analysed. */
function layerDocument(read: PolicyText): PolicyDocument {
  if (read.ok) return readPolicyDocument(read.text);
  return read.kind === 'too-large' ? tooLargeDocument('', read.size) : readPolicyDocument('');
}

/**
 * A file the service cannot read (not UTF-8, not there): loading it raises, every request fails.
 * One too large was read only up to the limit: the core's own warning, as the editor shows it.
 */
function readFailureDiagnostic(read: Exclude<PolicyText, { ok: true }>): PolicyDiagnostic {
  if (read.kind === 'too-large') return tooLargeDocument('', read.size).problems[0];
  const message = read.message;
  return {
    span: { start: 0, end: 0 },
    severity: 'error',
    code: 'load-failure',
    message: `oslo.policy cannot load this file (${message}): every request the service checks fails.`,
  };
}

function checkCatalogChoice(builtIn: CatalogStore | null, service?: string, release?: string): void {
  if (!builtIn) {
    if (service || release)
      throw new UsageError('the built-in catalog is missing: cannot use --service/--release');
    return;
  }
  const resolved = release ? builtIn.resolveRelease(release) : builtIn.newestRelease();
  if (release && !resolved)
    throw new UsageError(`unknown release '${release}' (known: ${builtIn.releases().join(', ')})`);
  if (service && resolved && !builtIn.namespaces(resolved).includes(service)) {
    throw new UsageError(
      `namespace '${service}' is not in release ${resolved} (known: ${builtIn.namespaces(resolved).join(', ')})`,
    );
  }
}

/** A custom catalog (sample file or JSON catalog), read as data only. */
function readCatalogFile(path: string): NamespaceCatalog {
  const read = readPolicyText(path);
  if (!read.ok) throw new UsageError(`cannot read catalog ${path}: ${read.message}`);
  const fallback = path.replace(/^.*[\\/]/, '').replace(/[-_.]?policy\.(ya?ml|json)(\.sample)?$/i, '');
  const catalog = readCustomCatalog(read.text, fallback || 'custom', path);
  if (!catalog.ok) throw new UsageError(`${path}: ${catalog.message}`);
  return catalog.catalog;
}
