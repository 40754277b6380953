import { formatSample } from '../core/catalog/sampleFormat';
import type { CatalogStore } from '../core/catalog/catalogStore';
import { openBuiltInCatalog } from '../node/catalogFiles';
import { parseArgs, single, UsageError } from './args';

export const CATALOG_USAGE =
  'os-policy catalog list [--format text|json]\n  os-policy catalog show NS [--release R] [--format yaml|json]';

/** `os-policy catalog list|show`: what the built-in catalogs hold, and one namespace as a sample file. */
export function catalogCommand(argv: readonly string[], out: (line: string) => void): number {
  const [sub, ...rest] = argv;
  const catalog = openBuiltInCatalog();
  if (!catalog) throw new UsageError('the built-in catalog is missing');
  if (sub === 'list') return list(catalog, rest, out);
  if (sub === 'show') return show(catalog, rest, out);
  throw new UsageError(CATALOG_USAGE);
}

function list(catalog: CatalogStore, argv: readonly string[], out: (line: string) => void): number {
  const args = parseArgs(argv, { format: { takesValue: true } });
  const format = single(args, 'format') ?? 'text';
  const rows = catalog.index.entries.map(({ namespace, release, count }) => ({ namespace, release, count }));
  if (format === 'json') {
    out(JSON.stringify(rows));
    return 0;
  }
  if (format !== 'text') throw new UsageError(`unknown format '${format}'`);
  const releases = catalog.releases();
  const namespaces = [...new Set(rows.map((row) => row.namespace))].sort();
  const width = Math.max(9, ...namespaces.map((name) => name.length));
  out(`${'namespace'.padEnd(width)}  ${releases.map((release) => release.padStart(8)).join('  ')}`);
  for (const namespace of namespaces) {
    const counts = releases.map((release) => {
      const row = rows.find((r) => r.namespace === namespace && r.release === release);
      return (row ? String(row.count) : '-').padStart(8);
    });
    out(`${namespace.padEnd(width)}  ${counts.join('  ')}`);
  }
  return 0;
}

function show(catalog: CatalogStore, argv: readonly string[], out: (line: string) => void): number {
  const args = parseArgs(argv, { release: { takesValue: true }, format: { takesValue: true } });
  const namespace = args.positionals[0];
  if (!namespace || args.positionals.length > 1) throw new UsageError(CATALOG_USAGE);
  const releaseId = single(args, 'release') ?? catalog.newestReleaseOf(namespace) ?? '';
  const release = catalog.resolveRelease(releaseId);
  if (!release)
    throw new UsageError(`unknown release '${releaseId}' (known: ${catalog.releases().join(', ')})`);
  const found = catalog.get(namespace, release);
  if (!found) throw new UsageError(`namespace '${namespace}' is not in release ${release}`);
  const format = single(args, 'format') ?? 'yaml';
  if (format === 'json') {
    const rules = found.rules.map((rule) => ({
      ...rule,
      scope_types: rule.scope_types.length > 0 ? rule.scope_types : null,
    }));
    out(
      JSON.stringify(
        { namespace: found.namespace, release: found.release, source: found.source, rules },
        null,
        2,
      ),
    );
    return 0;
  }
  if (format !== 'yaml') throw new UsageError(`unknown format '${format}'`);
  const text = formatSample(found);
  out(text.endsWith('\n') ? text.slice(0, -1) : text);
  return 0;
}
