import { startServer } from '../lsp/server';
import { restartWithServerFlags } from '../node/serverRestart';
import { UsageError } from './args';
import { catalogCommand, CATALOG_USAGE } from './catalogCommand';
import { checkCommand, CHECK_USAGE } from './checkCommand';
import { evalCommand, EVAL_USAGE } from './evalCommand';
import { matrixCommand, MATRIX_USAGE } from './matrixCommand';
import { simulateCommand, SIMULATE_USAGE } from './simulateCommand';
import * as rewrite from './rewriteCommands';

const COMMANDS: Record<string, (argv: readonly string[], out: (line: string) => void) => number> = {
  eval: evalCommand,
  check: checkCommand,
  catalog: catalogCommand,
  simulate: simulateCommand,
  matrix: matrixCommand,
  convert: rewrite.convertCommand,
  upgrade: rewrite.upgradeCommand,
  redundant: rewrite.redundantCommand,
};

const USAGE = [
  'usage:',
  `  ${EVAL_USAGE}`,
  `  ${CHECK_USAGE}`,
  `  ${CATALOG_USAGE}`,
  `  ${SIMULATE_USAGE}`,
  `  ${MATRIX_USAGE}`,
  `  ${rewrite.CONVERT_USAGE}`,
  `  ${rewrite.UPGRADE_USAGE}`,
  `  ${rewrite.REDUNDANT_USAGE}`,
  '  os-policy lsp --stdio',
].join('\n');

function main(argv: readonly string[]): number | null {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === 'lsp') {
    // `os-policy lsp --stdio`: the language server for any editor.
    if (!rest.includes('--stdio')) process.argv.push('--stdio');
    restartWithServerFlags();
    startServer();
    return null;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`os-policy: unknown command '${command}'\n${USAGE}\n`);
    return 2;
  }
  const chunks: string[] = [];
  const out = (line: string): void => {
    chunks.push(line);
    if (chunks.length >= 512) flush();
  };
  const flush = (): void => {
    if (chunks.length > 0) process.stdout.write(`${chunks.join('\n')}\n`);
    chunks.length = 0;
  };
  try {
    const code = run(rest, out);
    flush();
    return code;
  } catch (error) {
    flush();
    if (error instanceof UsageError) {
      process.stderr.write(`os-policy ${command}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

const code = main(process.argv.slice(2));
if (code !== null) process.exitCode = code;
