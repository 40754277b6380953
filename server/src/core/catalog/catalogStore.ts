import {
  expandRule,
  type CatalogIndex,
  type CompactNamespaceFile,
  type NamespaceCatalog,
} from './catalogTypes';

/** Reads a file of the catalog directory by its relative path (`index.json`, `zed/nova.json`). */
export type CatalogFileReader = (relativePath: string) => string;

/**
 * The built-in catalogs: an index read at once, namespace files read and expanded on first use,
 * so start-up costs one small file whatever the number of releases.
 */
export class CatalogStore {
  private readonly loaded = new Map<string, NamespaceCatalog>();
  readonly index: CatalogIndex;

  constructor(private readonly read: CatalogFileReader) {
    this.index = JSON.parse(read('index.json')) as CatalogIndex;
  }

  /** Release names, oldest first. */
  releases(): string[] {
    return this.index.releases.map((release) => release.name);
  }

  newestRelease(): string | null {
    const releases = this.releases();
    return releases.length > 0 ? releases[releases.length - 1] : null;
  }

  /** The newest release that has this namespace (the default when none is named). */
  newestReleaseOf(namespace: string): string | null {
    const releases = this.releases().filter((release) =>
      this.index.entries.some((entry) => entry.namespace === namespace && entry.release === release),
    );
    return releases.length > 0 ? releases[releases.length - 1] : this.newestRelease();
  }

  /** A series name (`zed`) or year alias (`2022.2`) to the series name, or null if unknown. */
  resolveRelease(id: string): string | null {
    const lowered = id.toLowerCase();
    const release = this.index.releases.find((entry) => entry.name === lowered || entry.alias === lowered);
    return release ? release.name : null;
  }

  namespaces(release: string): string[] {
    return this.index.entries.filter((entry) => entry.release === release).map((entry) => entry.namespace);
  }

  /**
   * The rule names of a namespace, without expanding its rules when it is not loaded yet:
   * detecting a file's service by its content needs every namespace's names, and most of
   * those namespaces are then never used.
   */
  ruleNames(namespace: string, release: string): readonly string[] {
    const loaded = this.loaded.get(`${release}/${namespace}`);
    if (loaded) return loaded.rules.map((rule) => rule.name);
    const names = this.releaseNames(release);
    if (names) return names[namespace] ?? [];
    const entry = this.index.entries.find((e) => e.namespace === namespace && e.release === release);
    if (!entry) return [];
    return (JSON.parse(this.read(entry.file)) as CompactNamespaceFile).rules.map((rule) => rule.n);
  }

  private readonly namesByRelease = new Map<string, Readonly<Record<string, readonly string[]>> | null>();

  /** The release's file of rule names by namespace, read once; null when the index names none. */
  private releaseNames(release: string): Readonly<Record<string, readonly string[]>> | null {
    let names = this.namesByRelease.get(release);
    if (names === undefined) {
      const file = this.index.releases.find((entry) => entry.name === release)?.names;
      names = file ? (JSON.parse(this.read(file)) as Record<string, readonly string[]>) : null;
      this.namesByRelease.set(release, names);
    }
    return names;
  }

  get(namespace: string, release: string): NamespaceCatalog | null {
    const key = `${release}/${namespace}`;
    const cached = this.loaded.get(key);
    if (cached) return cached;
    const entry = this.index.entries.find((e) => e.namespace === namespace && e.release === release);
    if (!entry) return null;
    const file = JSON.parse(this.read(entry.file)) as CompactNamespaceFile;
    const catalog: NamespaceCatalog = {
      namespace: file.namespace,
      release: file.release,
      source: file.source,
      rules: file.rules.map(expandRule),
    };
    this.loaded.set(key, catalog);
    return catalog;
  }
}
