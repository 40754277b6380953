// The test tiers, cheapest first. Each tier is a mocha run over compiled tests in out/test/<dir>.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './ensure.mjs';

function mocha(dir, extra = []) {
  return () =>
    execFileSync(
      join(root, 'node_modules', '.bin', 'mocha'),
      ['--recursive', '--reporter', 'dot', ...extra, join(root, 'out', 'test', dir)],
      { cwd: root, stdio: 'inherit' },
    );
}

export const tiers = [
  { name: 'unit', needsServices: true, run: mocha('unit') },
  // TextMate grammar assertions and snapshots (vscode-tmgrammar-test).
  { name: 'grammar', run: async () => (await import('./grammar-test.mjs')).grammarTests() },
  { name: 'lsp', needsServices: true, run: mocha('lsp', ['--timeout', '120000']) },
  // The packaged .vsix in code-server + headless Chromium (installed once, ~/.cache/os-policy).
  { name: 'vscode', run: async () => (await import('../test/vscode/run.mjs')).vscodeTier() },
  { name: 'differential', needsServices: true, run: mocha('differential', ['--timeout', '600000']) },
  { name: 'cli', needsServices: true, run: mocha('cli', ['--timeout', '120000']) },
  { name: 'robustness', run: mocha('robustness', ['--timeout', '300000']) },
  { name: 'fuzz', needsServices: true, run: mocha('fuzz', ['--timeout', '600000']) },
];
