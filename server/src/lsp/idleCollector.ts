import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's `gc()`: a full collection without options, a young-generation one with `{ type: 'minor' }`. */
export type Collect = (options?: { type: 'minor' }) => void;

let exposed: Collect | null | undefined;

/** V8's `gc()`, exposed at run time (the server is started by editors, which pass no flags). */
export function exposedCollector(): Collect | null {
  if (exposed === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      exposed = runInNewContext('gc') as Collect;
    } catch {
      exposed = null;
    }
  }
  return exposed;
}

export interface IdleCollectorOptions {
  /** Quiet time after which the young generation is collected. */
  readonly minorDelayMs?: number;
  /** Quiet time after which everything is collected. */
  readonly majorDelayMs?: number;
  /** Heap growth since the last full collection that makes the next pause collect everything. */
  readonly growthLimitBytes?: number;
  readonly collect?: Collect | null;
  readonly heapUsed?: () => number;
}

/**
 * Collects garbage while the user is not typing. After each keystroke the previous version's
 * analysis of a big file is garbage (megabytes of it); left to V8, it is collected in the
 * middle of a later keystroke's analysis, which made some re-diagnoses several times slower
 * than the others, and the heap of a 10,000-rule file grew past 200 MB between full
 * collections. A young-generation collection in the pause after an edit takes a few
 * milliseconds; a full one follows a longer pause, or the first pause after the heap has
 * grown by `growthLimitBytes`.
 */
export class IdleCollector {
  private minorTimer: NodeJS.Timeout | null = null;
  private majorTimer: NodeJS.Timeout | null = null;
  private usedAfterMajor: number;
  private readonly minorDelayMs: number;
  private readonly majorDelayMs: number;
  private readonly growthLimitBytes: number;
  private readonly collect: Collect | null;
  private readonly heapUsed: () => number;

  constructor(options: IdleCollectorOptions = {}) {
    this.minorDelayMs = options.minorDelayMs ?? 20;
    this.majorDelayMs = options.majorDelayMs ?? 1500;
    this.growthLimitBytes = options.growthLimitBytes ?? 32 * 2 ** 20;
    this.collect = options.collect === undefined ? exposedCollector() : options.collect;
    this.heapUsed = options.heapUsed ?? (() => getHeapStatistics().used_heap_size);
    this.usedAfterMajor = this.heapUsed();
  }

  /** Something happened (a message came, an analysis finished): wait for the next pause. */
  busy(): void {
    if (!this.collect) return;
    if (this.minorTimer) clearTimeout(this.minorTimer);
    this.minorTimer = setTimeout(() => this.pause(), this.minorDelayMs);
    this.minorTimer.unref();
  }

  private pause(): void {
    this.minorTimer = null;
    this.collect!({ type: 'minor' });
    if (this.heapUsed() - this.usedAfterMajor > this.growthLimitBytes) {
      this.major();
      return;
    }
    if (this.majorTimer) clearTimeout(this.majorTimer);
    this.majorTimer = setTimeout(() => this.major(), this.majorDelayMs);
    this.majorTimer.unref();
  }

  private major(): void {
    if (this.majorTimer) clearTimeout(this.majorTimer);
    this.majorTimer = null;
    this.collect!();
    this.usedAfterMajor = this.heapUsed();
  }
}
