import { readFileSync } from 'node:fs';

/** The built-in catalog's table of contents (catalog/index.json, shipped in the package). */
export interface CatalogIndex {
  /** Release names, oldest first. */
  readonly releases: readonly string[];
  /** Namespace → the releases that have it, oldest first. */
  readonly namespaces: ReadonlyMap<string, readonly string[]>;
}

export function readCatalogIndex(path: string): CatalogIndex {
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as {
      releases: { name: string }[];
      entries: { namespace: string; release: string }[];
    };
    const releases = raw.releases.map((r) => r.name);
    const namespaces = new Map<string, string[]>();
    for (const entry of raw.entries) {
      const list = namespaces.get(entry.namespace) ?? [];
      list.push(entry.release);
      namespaces.set(entry.namespace, list);
    }
    for (const list of namespaces.values()) list.sort((a, b) => releases.indexOf(a) - releases.indexOf(b));
    return { releases, namespaces: new Map([...namespaces].sort(([a], [b]) => a.localeCompare(b))) };
  } catch {
    // A damaged installation still gets a working extension, with empty pickers.
    return { releases: [], namespaces: new Map() };
  }
}

/** The release a setting names (`newest`, a name or a year alias resolved by the server) for a namespace. */
export function releaseFor(index: CatalogIndex, namespace: string, setting: string): string {
  const available = index.namespaces.get(namespace) ?? [];
  if (setting === 'newest' || setting === '') return available.at(-1) ?? index.releases.at(-1) ?? 'newest';
  return setting;
}
