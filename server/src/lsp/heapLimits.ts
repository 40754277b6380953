import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent.
 * Left to V8 (a factor up to 4 for a heap this small), back-to-back keystrokes in a 10,000-rule
 * file grew the heap from 25 MB live to 75 MB (RSS 200 MB) before V8 collected it; with 50 % a
 * full collection came after ~12 MB and the RSS stayed under 140 MB. That was measured while
 * each keystroke still promoted ~1 MB (a retention fixed since, see `Analysis`); the limit still
 * bounds what opening other files and bursts of edits leave behind. The marking is incremental
 * and concurrent, so edits barely slow down.
 */
export const HEAP_GROWING_PERCENT = 50;

/** Applies the limit to this process (the server is started by editors, which pass no flags). */
export function limitHeapGrowth(percent = HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/**
 * The young generation's size (both semi-spaces) past which it stops growing. Node 22 and later
 * (VS Code's and code-server's runtimes) let it grow to 64 MB, and the pages it leaves behind stay
 * resident: a 10,000-rule file edited back to back took the server to 270 MB. 16 MB is Node 20's
 * own limit, where the same edits stay under 150 MB at the same speed.
 */
export const YOUNG_GENERATION_CAP_BYTES = 16 * 2 ** 20;

/**
 * Caps the young generation at run time, for servers started without `SERVER_NODE_FLAGS` (a
 * Node without `process.execve`, another editor starting `dist/server.js`). Its maximum size is a
 * start-up flag; its growth factor is read at each collection, so it is set to 1 (no growth) while
 * the young generation is at the cap and back to V8's 2 when V8 shrinks it again. Checked between
 * messages, it cannot stop a long analysis (the first open of a big file) growing it past the cap.
 */
export class YoungGenerationCap {
  private growing = true;

  constructor(
    private readonly capBytes = YOUNG_GENERATION_CAP_BYTES,
    private readonly youngSize: () => number = currentYoungSize,
  ) {}

  /** Called after each piece of work (a message, an analysis): a lookup of V8's space sizes. */
  check(): void {
    const grow = this.youngSize() < this.capBytes;
    if (grow === this.growing) return;
    this.growing = grow;
    setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
  }
}

function currentYoungSize(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}
