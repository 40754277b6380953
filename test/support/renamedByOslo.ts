import { isDeepStrictEqual } from 'node:util';
import { rulesByOslo, type OsloKey, type OsloTree } from './oracle';

export interface RenamedText {
  readonly label: string;
  readonly before: string;
  readonly after: string;
  readonly from: string;
  readonly to: string;
}

/**
 * What real oslo.policy finds wrong with each rename, in one Python run: the text after must
 * load, with the same keys in the same order (the renamed ones as the new `str`), every rule
 * the same check tree with `rule:from` now `rule:to`, and every reference resolving exactly
 * when it did before. An empty list when all are right.
 */
export function renameProblemsByOslo(renames: readonly RenamedText[]): string[] {
  if (renames.length === 0) return [];
  const read = rulesByOslo(renames.flatMap((r) => [r.before, r.after]));
  const problems: string[] = [];
  renames.forEach((rename, index) => {
    const before = read[2 * index];
    const after = read[2 * index + 1];
    const say = (what: string): void => {
      problems.push(
        `${rename.label}: ${what}\n--- before\n${rename.before}\n--- after\n${rename.after}\n--- ${rename.from} -> ${rename.to}`,
      );
    };
    if ('error' in before) return say(`the text before does not load: ${before.error}`);
    if ('error' in after) return say(`the text after does not load: ${after.error}`);
    const renameKey = (key: OsloKey): OsloKey =>
      key[0] === 'str' && key[1] === rename.from ? ['str', rename.to] : key;
    const expected = before.rules.map(([key, tree]) => [renameKey(key), renameTree(tree, rename)]);
    if (!isDeepStrictEqual(after.rules, expected))
      return say(`oslo.policy reads\n${JSON.stringify(after.rules)}\nnot\n${JSON.stringify(expected)}`);
    const names = (rules: typeof before.rules): Set<string> =>
      new Set(rules.flatMap(([key]) => (key[0] === 'str' ? [key[1]] : [])));
    const resolved = (rules: typeof before.rules, map: (name: string) => string): string[] => {
      const defined = names(rules);
      return rules.flatMap(([, tree]) => references(tree).map((name) => `${map(name)}=${defined.has(name)}`));
    };
    const renamed = (name: string): string => (name === rename.from ? rename.to : name);
    if (
      !isDeepStrictEqual(
        resolved(after.rules, (n) => n),
        resolved(before.rules, renamed),
      )
    )
      say('a reference resolves differently');
  });
  return problems;
}

function renameTree(tree: OsloTree, rename: { from: string; to: string }): OsloTree {
  if (tree[0] === 'RuleCheck' && tree[2] === rename.from) return [tree[0], tree[1], rename.to];
  if (tree[0] === 'and' || tree[0] === 'or')
    return [tree[0], (tree[1] as OsloTree[]).map((t) => renameTree(t, rename))];
  if (tree[0] === 'not') return [tree[0], renameTree(tree[1] as OsloTree, rename)];
  return tree;
}

function references(tree: OsloTree): string[] {
  if (tree[0] === 'RuleCheck') return [tree[2] as string];
  if (tree[0] === 'and' || tree[0] === 'or') return (tree[1] as OsloTree[]).flatMap(references);
  if (tree[0] === 'not') return references(tree[1] as OsloTree);
  return [];
}
