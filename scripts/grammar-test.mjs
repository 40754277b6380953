// The `grammar` tier: TextMate grammar tests with vscode-tmgrammar-test.
// - test/grammar/*.test.policy.{yaml,json}: hand-written scope assertions (`^^^ scope`);
// - test/grammar/snapshots/*: realistic files whose full tokenization is compared with the
//   reviewed `.snap` beside them (`node scripts/grammar-test.mjs --update` rewrites them).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './ensure.mjs';

const bin = (name) => join(root, 'node_modules', '.bin', name);
const grammars = ['openstack-policy', 'openstack-policy-json', 'openstack-policy-check'].flatMap((name) => [
  '-g',
  join('syntaxes', `${name}.tmLanguage.json`),
]);
const run = (tool, args) => execFileSync(bin(tool), [...grammars, ...args], { cwd: root, stdio: 'inherit' });
const update = process.argv.includes('--update') ? ['--updateSnapshot'] : [];

export function grammarTests() {
  run('vscode-tmgrammar-test', ['test/grammar/*.test.policy.*']);
  run('vscode-tmgrammar-snap', [...update, '-s', 'source.openstack-policy', 'test/grammar/snapshots/*.yaml']);
  run('vscode-tmgrammar-snap', [
    ...update,
    '-s',
    'source.openstack-policy-json',
    'test/grammar/snapshots/*.json',
  ]);
}

if (process.argv[1]?.endsWith('grammar-test.mjs')) grammarTests();
