/** Small timing helpers shared by the benchmarks. */

/** The value below which `p` per cent of `values` lie (the higher one of two). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Collects garbage first when node runs with --expose-gc (as `npm run bench` does), for steadier figures. */
export function timeMs(run: () => void): number {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
