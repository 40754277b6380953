// Grammar snapshot tests: vscode-tmgrammar-test over test/grammar with the three grammars.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './ensure.mjs';

const grammars = ['openstack-policy', 'openstack-policy-json', 'openstack-policy-check'].flatMap((name) => [
  '-g',
  join(root, 'syntaxes', `${name}.tmLanguage.json`),
]);
execFileSync(
  join(root, 'node_modules', '.bin', 'vscode-tmgrammar-test'),
  [...grammars, 'test/grammar/*.test.policy.*'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
