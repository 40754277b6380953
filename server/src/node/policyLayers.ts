import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { compareCodePoints } from '../core/text/codePointOrder';
import { listPolicyDirectory, specialFileKind, statOrNull } from './policyFiles';

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
  return statOrNull(path)?.isDirectory() ?? false;
}

export interface ExpandedPaths {
  readonly files: string[];
  readonly missing: string[];
  /** Found in a folder but not regular files (a FIFO would block the walk forever), with why. */
  readonly skipped: { readonly path: string; readonly kind: string }[];
}

/**
 * The policy files named on a command line: files as given, folders walked (sorted, dotfiles,
 * `node_modules` and `*.sample` skipped) for `.yaml`, `.yml` and `.json` files. A path named
 * on the command line is read whatever it is (`<(command)` is a pipe); one found in a folder
 * only when it is a regular file.
 */
export function expandPolicyPaths(paths: readonly string[]): ExpandedPaths {
  const files: string[] = [];
  const missing: string[] = [];
  const skipped: { path: string; kind: string }[] = [];
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort(compareCodePoints)) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(folder, name);
      const stats = statOrNull(path);
      if (stats?.isDirectory()) walk(path);
      else if (!/\.(ya?ml|json)$/i.test(name)) continue;
      else if (stats && !stats.isFile()) skipped.push({ path, kind: specialFileKind(stats) });
      else files.push(path);
    }
  };
  for (const path of paths) {
    if (path === '-') files.push(path);
    else if (isDirectory(path)) walk(path);
    else if (existsSync(path)) files.push(path);
    else missing.push(path);
  }
  return { files: [...new Set(files)], missing, skipped };
}
