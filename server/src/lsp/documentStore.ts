import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Connection, InitializeParams, Location, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { NamespaceCatalog } from '../core/catalog/catalogTypes';
import { readCustomCatalog } from '../core/catalog/customCatalog';
import { formatSample } from '../core/catalog/sampleFormat';
import { readPolicyDocument, tooLargeDocument } from '../core/document/policyDocument';
import {
  analyze,
  DEFAULT_SETTINGS,
  type CatalogSources,
  DocumentCaches,
  type PolicyAnalysis,
  type PolicySettings,
} from '../core/features/analysis';
import type { PolicyDiagnostic } from '../core/features/diagnosticTypes';
import type { PolicyLayer, PolicyLayers } from '../core/features/layers';
import { policyDiagnostics } from '../core/features/policyDiagnostics';
import { loadPolicyFile, type LoadedFile } from '../core/engine/loadPolicy';
import { LineIndex } from '../core/text/lineIndex';
import { openBuiltInCatalog } from '../node/catalogFiles';
import { policyLayerPaths } from '../node/policyLayers';
import { readPolicyText } from '../node/policyFiles';
import { readSettings } from './settings';
import { REQUESTS, SETTINGS_SECTION, defaultsUri } from '../shared/protocol';

export interface DocumentState {
  readonly uri: string;
  readonly version: number;
  readonly analysis: PolicyAnalysis;
  readonly lines: LineIndex;
  readonly diagnostics: PolicyDiagnostic[];
}

/** How long a newly opened document waits for its settings before it is analysed anyway. */
const CONFIGURATION_WAIT_MS = 1000;

/**
 * Open documents, their settings and catalogs, and one analysis per version: every request for a
 * version reuses it. Diagnostics are computed once the burst of changes is over (coalesced).
 */
export class DocumentStore {
  private readonly states = new Map<string, DocumentState>();
  private readonly caches = new Map<string, DocumentCaches>();
  private readonly settings = new Map<string, PolicySettings>();
  private readonly listeners: ((state: DocumentState) => void)[] = [];
  private readonly pending = new Set<string>();
  private readonly awaitingSettings = new Set<string>();
  private readonly builtIn = openBuiltInCatalog();
  private custom: NamespaceCatalog[] = [];
  /** Files read from disk, by path, kept while their modification time and size stay the same. */
  private readonly diskFiles = new Map<string, { stamp: string; file: LoadedFile; lines: LineIndex }>();
  private supportsConfiguration = false;
  private workspaceFolders: string[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
  ) {
    documents.onDidOpen((event) => this.schedule(event.document.uri, true));
    documents.onDidChangeContent((event) => this.schedule(event.document.uri, false));
    documents.onDidClose((event) => {
      this.states.delete(event.document.uri);
      this.caches.delete(event.document.uri);
      void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    });
    connection.onDidChangeConfiguration((change) => {
      this.settings.clear();
      const pushed = (change.settings as { osPolicy?: unknown } | undefined)?.osPolicy;
      if (pushed) this.settings.set('*', readSettings(pushed));
      this.reloadCustomCatalogs();
      for (const document of this.documents.all()) this.schedule(document.uri, true);
    });
    connection.onRequest(REQUESTS.defaultsDocument, (params: { uri: string }) =>
      this.defaultsDocument(params.uri),
    );
  }

  /** From the initialize request: what the client supports, its folders and initial settings. */
  configure(params: InitializeParams): void {
    this.supportsConfiguration = params.capabilities.workspace?.configuration === true;
    this.workspaceFolders = (params.workspaceFolders ?? []).map((folder) => folder.uri);
    if (this.workspaceFolders.length === 0 && params.rootUri) this.workspaceFolders = [params.rootUri];
    const initial = (params.initializationOptions as { settings?: unknown } | undefined)?.settings;
    if (initial) this.settings.set('*', readSettings(initial));
  }

  initialized(): void {
    this.reloadCustomCatalogs();
  }

  onAnalysed(listener: (state: DocumentState) => void): void {
    this.listeners.push(listener);
  }

  /** The analysis of the document's current version, computed now if needed. */
  current(uri: string): DocumentState | null {
    const document = this.documents.get(uri);
    if (!document) return null;
    const cached = this.states.get(uri);
    if (cached && cached.version === document.version) return cached;
    let caches = this.caches.get(uri);
    if (!caches) {
      caches = new DocumentCaches();
      this.caches.set(uri, caches);
    }
    const text = document.getText();
    const analysis = analyze({
      uri,
      version: document.version,
      text,
      settings: this.settingsOf(uri),
      catalogs: this.catalogs(),
      caches,
      layers: this.layers(uri),
    });
    const state: DocumentState = {
      uri,
      version: document.version,
      analysis,
      lines: new LineIndex(text),
      diagnostics: policyDiagnostics(analysis),
    };
    this.states.set(uri, state);
    return state;
  }

  /**
   * Analyses a text with `uri`'s settings and catalogs, diagnostics included, keeping and
   * publishing nothing: the keystroke rehearsal (see `EditWarmUp`).
   */
  analyseDetached(uri: string, text: string, version: number, caches: DocumentCaches): void {
    const settings = this.settingsOf(uri);
    policyDiagnostics(analyze({ uri, version, text, settings, catalogs: this.catalogs(), caches }));
  }

  /** The document's own settings once the client sent them, else the folder-wide ones. */
  private settingsOf(uri: string): PolicySettings {
    return this.settings.get(uri) ?? this.settings.get('*') ?? DEFAULT_SETTINGS;
  }

  private catalogs(): CatalogSources {
    return { builtIn: this.builtIn, custom: this.custom };
  }

  private schedule(uri: string, refreshSettings: boolean): void {
    if (refreshSettings && this.supportsConfiguration && !this.settings.has(uri)) {
      // Analyse once, with the document's own settings: diagnostics computed with the defaults
      // and then again would double the work of opening a big file. A client that never
      // answers still gets diagnostics, with the settings known so far.
      let done = false;
      this.awaitingSettings.add(uri);
      const proceed = (settings: PolicySettings | null): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.awaitingSettings.delete(uri);
        if (settings) this.settings.set(uri, settings);
        this.states.delete(uri);
        this.schedule(uri, false);
      };
      const timer = setTimeout(() => proceed(null), CONFIGURATION_WAIT_MS);
      this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then((value) => proceed(readSettings(value)))
        .catch(() => proceed(null));
      return;
    }
    // Opening also fires a content change: it waits for the settings like the open does.
    if (this.pending.has(uri) || this.awaitingSettings.has(uri)) return;
    this.pending.add(uri);
    // Coalesce a burst of changes: analyse once the event loop is free, so superseded versions
    // are never analysed at all.
    setImmediate(() => {
      this.pending.delete(uri);
      try {
        const state = this.current(uri);
        if (state) for (const listener of this.listeners) listener(state);
      } catch (error) {
        this.connection.console.error(
          `os-policy: analysing ${uri} failed: ${(error as Error).stack ?? String(error)}`,
        );
      }
    });
  }

  /** policy.d: the main file before a policy.d file, its siblings in oslo.policy's order around it. */
  private layers(uri: string): PolicyLayers | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      const paths = policyLayerPaths(fileURLToPath(uri));
      if (paths.before.length === 0 && paths.after.length === 0) return undefined;
      return {
        before: paths.before.map((path) => this.layer(path)),
        after: paths.after.map((path) => this.layer(path)),
      };
    } catch {
      return undefined;
    }
  }

  private layer(path: string): PolicyLayer {
    return { uri: pathToFileURL(path).toString(), file: this.loadFile(path) };
  }

  /** Another file, from the editor when it is open there, else from disk. */
  private loadFile(path: string): LoadedFile {
    const open = this.documents.get(pathToFileURL(path).toString());
    if (open) return loadPolicyFile(readPolicyDocument(open.getText()));
    // policy.d siblings are loaded again for every keystroke in the main file: read once.
    return this.diskFile(path).file;
  }

  /**
   * A file on disk, read again only when its modification time or size changed. Read no further
   * than the size limit, and never a FIFO or device (throws, as for a file that is not there):
   * a policy.d file or a workspace file named like a policy must not block or fill the server.
   */
  private diskFile(path: string): { file: LoadedFile; lines: LineIndex } {
    const stats = statSync(path);
    const stamp = `${stats.mtimeMs}:${stats.size}`;
    let cached = this.diskFiles.get(path);
    if (!cached || cached.stamp !== stamp) {
      const read = readPolicyText(path, { regularOnly: true });
      if (!read.ok && read.kind === 'unreadable') throw new Error(read.message);
      const text = read.ok ? read.text : '';
      const document =
        !read.ok && read.kind === 'too-large' ? tooLargeDocument('', read.size) : readPolicyDocument(text);
      cached = { stamp, file: loadPolicyFile(document), lines: new LineIndex(text) };
      this.diskFiles.set(path, cached);
    }
    return cached;
  }

  /** Custom catalogs: `osPolicy.catalogPaths` and `*.sample` policy files in the workspace. Read as data only. */
  private reloadCustomCatalogs(): void {
    const settings = this.settings.get('*') ?? DEFAULT_SETTINGS;
    const paths = [...settings.catalogPaths];
    for (const folder of this.workspaceFolders) {
      if (!folder.startsWith('file:')) continue;
      paths.push(...findSamples(fileURLToPath(folder), 4));
    }
    const catalogs: NamespaceCatalog[] = [];
    for (const path of paths) {
      try {
        const fallback =
          basename(path).replace(/[-_.]?policy\.(ya?ml|json)(\.sample)?$/i, '') || basename(dirname(path));
        // A catalog path is a setting and samples are found by name: capped, never a FIFO.
        const text = readPolicyText(path, { regularOnly: true });
        if (!text.ok) throw new Error(text.message);
        const read = readCustomCatalog(text.text, fallback, path);
        if (read.ok) catalogs.push(read.catalog);
        else this.connection.console.warn(`os-policy: ${path}: ${read.message}`);
      } catch (error) {
        this.connection.console.warn(`os-policy: cannot read catalog ${path}: ${(error as Error).message}`);
      }
    }
    this.custom = catalogs;
    this.states.clear();
  }

  /** Where a registered default is in the read-only sample document of its namespace. */
  defaultsLocation(state: DocumentState, name: string): Location | null {
    const namespace = state.analysis.choice.namespaces.find((ns) => {
      const catalog = this.catalogOf(ns, state.analysis.choice.release);
      return catalog?.rules.some((rule) => rule.name === name);
    });
    if (!namespace) return null;
    const release = state.analysis.choice.sources.get(namespace) ?? 'custom';
    const uri = defaultsUri(namespace, release);
    const text = this.defaultsDocument(uri);
    const line = text.split('\n').findIndex((l) => l.startsWith(`#"${name}":`));
    const position = { line: Math.max(line, 0), character: 0 };
    return { uri, range: { start: position, end: position } };
  }

  private catalogOf(namespace: string, release: string | null): NamespaceCatalog | null {
    return (
      this.custom.find((c) => c.namespace === namespace) ??
      (this.builtIn && release ? this.builtIn.get(namespace, release) : null)
    );
  }

  /** The text of `os-policy-defaults:/<namespace>/<release>/policy.yaml.sample`. */
  defaultsDocument(uri: string): string {
    const match = /^[^:]+:\/([^/]+)\/([^/]+)\//.exec(uri);
    if (!match) return '';
    const namespace = decodeURIComponent(match[1]);
    const release = decodeURIComponent(match[2]);
    const catalog =
      this.custom.find((c) => c.namespace === namespace) ??
      this.builtIn?.get(namespace, this.builtIn.resolveRelease(release) ?? release);
    if (!catalog) return `# No registered defaults for ${namespace} (${release})\n`;
    return `# Registered defaults of ${namespace} (${catalog.release}), from ${catalog.source}\n# Read-only: copy a rule into your policy file to override it.\n\n${formatSample(catalog)}`;
  }

  /**
   * Policy files of the workspace for workspace symbols: the open documents (their current
   * text) and the policy files on disk in the workspace folders, read again only when changed.
   */
  workspaceFiles(): WorkspaceFile[] {
    const files: WorkspaceFile[] = [];
    const open = new Set<string>();
    for (const state of this.all()) {
      open.add(state.uri);
      files.push({
        uri: state.uri,
        label: state.analysis.choice.namespaces[0] ?? basename(state.uri),
        file: state.analysis.file,
        registered: state.analysis.registered,
        lines: state.lines,
      });
    }
    for (const folder of this.workspaceFolders) {
      if (!folder.startsWith('file:')) continue;
      for (const path of findPolicyFiles(fileURLToPath(folder), 4)) {
        const uri = pathToFileURL(path).toString();
        if (open.has(uri)) continue;
        try {
          const cached = this.diskFile(path);
          files.push({
            uri,
            label: basename(dirname(path)),
            file: cached.file,
            registered: new Map(),
            lines: cached.lines,
          });
        } catch {
          continue;
        }
      }
    }
    return files;
  }

  all(): DocumentState[] {
    return this.documents.all().flatMap((document) => this.current(document.uri) ?? []);
  }
}

export interface WorkspaceFile {
  readonly uri: string;
  /** Shown beside each symbol: the service, or the folder. */
  readonly label: string;
  readonly file: LoadedFile;
  readonly registered: ReadonlyMap<string, unknown>;
  readonly lines: LineIndex;
}

function findSamples(root: string, depth: number): string[] {
  return findFiles(root, depth, (name) => /policy\.ya?ml\.sample$/i.test(name));
}

/** Files oslo.policy would read as policy files: `policy.yaml`, `nova-policy.json`, `policy.d/*`. */
function findPolicyFiles(root: string, depth: number): string[] {
  return findFiles(
    root,
    depth,
    (name, folder) =>
      /(^|[-_.])policy\.(ya?ml|json)$/i.test(name) ||
      (basename(folder) === 'policy.d' && /\.(ya?ml|json)$/i.test(name)),
  ).slice(0, 500);
}

function findFiles(root: string, depth: number, wanted: (name: string, folder: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (folder: string, level: number): void => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(folder, name);
      let isDirectory = false;
      try {
        isDirectory = statSync(path).isDirectory();
      } catch {
        continue;
      }
      if (isDirectory) {
        if (level < depth) walk(path, level + 1);
      } else if (wanted(name, folder)) found.push(path);
    }
  };
  walk(root, 0);
  return found;
}
