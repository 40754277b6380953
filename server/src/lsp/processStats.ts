import type { Connection } from 'vscode-languageserver/node';

/** The custom request by which a benchmark reads the server's own CPU time and memory. */
export const PROCESS_STATS_METHOD = 'osPolicy/processStats';

export interface ProcessStats {
  /** User + system CPU time of the server process so far, in milliseconds. */
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
}

/**
 * CPU time is what a benchmark on a shared machine can trust: wall-clock figures grow with
 * the load of other processes, the server's own CPU time per operation does not.
 */
export function registerProcessStats(connection: Connection): void {
  connection.onRequest(PROCESS_STATS_METHOD, (): ProcessStats => {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    return {
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssMb: memory.rss / 2 ** 20,
      heapUsedMb: memory.heapUsed / 2 ** 20,
    };
  });
}
