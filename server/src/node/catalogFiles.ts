import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CatalogStore } from '../core/catalog/catalogStore';

/**
 * The built-in catalog directory: `catalog/` at the package root, found from the running
 * script (dist/cli.js, dist/server.js, or the compiled sources under out/ in tests).
 */
export function findCatalogDirectory(start: string = __dirname): string | null {
  let directory = start;
  for (let steps = 0; steps < 6; steps++) {
    const candidate = join(directory, 'catalog', 'index.json');
    if (existsSync(candidate)) return join(directory, 'catalog');
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return null;
}

export function openBuiltInCatalog(directory = findCatalogDirectory()): CatalogStore | null {
  if (!directory) return null;
  return new CatalogStore((relativePath) => readFileSync(join(directory, relativePath), 'utf8'));
}
