import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent.
 * Left to V8 (a factor up to 4 for a heap this small), keystrokes sent back to back in a
 * 10,000-rule file each promote the previous versions' moved entries, and the heap grew from
 * 25 MB live to 75 MB (RSS 200 MB) before V8 collected it; with 50 % a full collection comes
 * after ~12 MB and the RSS stays under 140 MB. The marking is incremental and concurrent, so
 * the edits barely slow down.
 */
export const HEAP_GROWING_PERCENT = 50;

/** Applies the limit to this process (the server is started by editors, which pass no flags). */
export function limitHeapGrowth(percent = HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
