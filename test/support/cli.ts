import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the bundled CLI (`dist/cli.js`) as a user would, from `cwd` (the repository root by default). */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; input?: string; timeoutMs?: number } = {},
): CliRun {
  const run = spawnSync(process.execPath, [join(repoRoot(), 'dist', 'cli.js'), ...args], {
    cwd: options.cwd ?? repoRoot(),
    input: options.input,
    // A hang then fails the test (status null, killed) instead of stalling the whole run.
    timeout: options.timeoutMs,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
