import { SERVER_NODE_FLAGS } from '../shared/serverFlags';

/**
 * Replaces this process with the same command under `SERVER_NODE_FLAGS`, when it was started
 * without them and Node can (`process.execve`, Node 23.11 and later, not on Windows): the same
 * process id, the same standard streams, nothing read from them yet. Returns when it cannot,
 * and the server runs with the flags it has (its run-time cap on the young generation still
 * applies, see `YoungGenerationCap`).
 */
export function restartWithServerFlags(): void {
  const execve = (process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never })
    .execve;
  if (typeof execve !== 'function' || process.platform === 'win32') return;
  if (process.env.OS_POLICY_NO_RESTART === '1') return;
  const missing = SERVER_NODE_FLAGS.filter(
    (flag) => !process.execArgv.some((given) => given.split('=')[0] === flag.split('=')[0]),
  );
  if (missing.length === 0) return;
  try {
    execve.call(
      process,
      process.execPath,
      [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)],
      {
        ...process.env,
        // A second start never restarts again, whatever its flags.
        OS_POLICY_NO_RESTART: '1',
      },
    );
  } catch {
    // Not allowed here (a permission model, a sandbox): run as started.
  }
}
