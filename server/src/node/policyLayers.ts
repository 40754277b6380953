import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { listPolicyDirectory } from './policyFiles';

export interface LayerPaths {
  /** Files oslo.policy loads before this one (the main file, earlier policy.d files). */
  readonly before: readonly string[];
  /** Files loaded after it, each overriding it key by key. */
  readonly after: readonly string[];
}

const MAIN_NAMES = ['policy.yaml', 'policy.yml', 'policy.json'];

/**
 * Where a file sits in oslo.policy's layering: a `policy.yaml` with a `policy.d` beside it is
 * followed by that folder's files; a file inside `policy.d` comes after the main file and its
 * earlier siblings. (The language server applies the same rule to open documents.)
 */
export function policyLayerPaths(path: string): LayerPaths {
  const folder = dirname(path);
  if (basename(folder) === 'policy.d') {
    const root = dirname(folder);
    const main = MAIN_NAMES.map((name) => join(root, name)).find((candidate) => existsSync(candidate));
    const siblings = listPolicyDirectory(folder);
    const index = siblings.indexOf(path);
    return {
      before: [...(main ? [main] : []), ...siblings.slice(0, Math.max(index, 0))],
      after: siblings.slice(index + 1),
    };
  }
  const policyDir = join(folder, 'policy.d');
  if (MAIN_NAMES.includes(basename(path)) && isDirectory(policyDir)) {
    return { before: [], after: listPolicyDirectory(policyDir) };
  }
  return { before: [], after: [] };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The policy files named on a command line: files as given, folders walked (sorted, dotfiles,
 * `node_modules` and `*.sample` skipped) for `.yaml`, `.yml` and `.json` files.
 */
export function expandPolicyPaths(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(folder, name);
      if (isDirectory(path)) walk(path);
      else if (/\.(ya?ml|json)$/i.test(name)) files.push(path);
    }
  };
  for (const path of paths) {
    if (path === '-') files.push(path);
    else if (isDirectory(path)) walk(path);
    else if (existsSync(path)) files.push(path);
    else missing.push(path);
  }
  return { files: [...new Set(files)], missing };
}
