import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found from the running test (compiled under out/ or run from sources). */
export function repoRoot(start: string = __dirname): string {
  let directory = start;
  while (!existsSync(join(directory, 'package.json')) || !existsSync(join(directory, 'server'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no repository root above ${start}`);
    directory = parent;
  }
  return directory;
}

export const PYTHON = '/usr/bin/python3';
