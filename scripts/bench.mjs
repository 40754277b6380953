// `npm run bench`: builds, then prints every benchmark side by side with its reference.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNpmDependencies, ensureOracle, root } from './ensure.mjs';
import { codeServerPaths } from './vscode/codeServerEnv.mjs';

ensureNpmDependencies();
ensureOracle();
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
const benchDir = join(root, 'out', 'test', 'bench');
// `node scripts/bench.mjs matrix engine`: only the benchmarks whose names start with these.
const only = process.argv.slice(2);
for (const name of readdirSync(benchDir)
  .filter((file) => file.endsWith('Bench.js'))
  .filter((file) => only.length === 0 || only.some((prefix) => file.startsWith(prefix)))
  .sort()) {
  process.stdout.write(`\n== ${name.replace(/\.js$/, '')} ==\n`);
  execFileSync(process.execPath, ['--expose-gc', join(benchDir, name)], { cwd: root, stdio: 'inherit' });
  // Editors run the server on their own Node (VS Code's is 22 and later), and the figures differ
  // by runtime. Node 24 is here when the VS Code tier has installed it.
  if (name.startsWith('lsp')) {
    const { node24 } = codeServerPaths();
    if (existsSync(node24)) {
      process.stdout.write(`\n== ${name.replace(/\.js$/, '')} on Node 24 (code-server's runtime) ==\n`);
      execFileSync(node24, ['--expose-gc', join(benchDir, name)], { cwd: root, stdio: 'inherit' });
    } else process.stdout.write(`(not run on Node 24: ${node24} is installed by the VS Code test tier)\n`);
  }
}
