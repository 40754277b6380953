import { DocumentCaches, type PolicyAnalysis } from '../core/features/analysis';

/**
 * Documents with at least this many entries get a rehearsed keystroke path after they are first
 * analysed. Real files need it too: Neutron's 341 rules, typed a second after opening, had the
 * slowest of the first ten keystrokes at 27-40 ms without it, 15-20 ms with it (budget 20).
 */
export const WARM_UP_MIN_ENTRIES = 100;
/**
 * The rehearsal edits the document's first quarter, at most this many entries: each step then
 * takes a few ms, and a real keystroke arriving during one waits little (a whole 341-rule file
 * per step made the keystrokes typed right after opening slower: 29-34 → 34-58 ms).
 */
const REHEARSAL_ENTRIES = 500;
/** Edits rehearsed (each typed character is then deleted again): what made the first real one fast. */
const REHEARSED_EDITS = 30;
/** A step waits until the server has had nothing else to do for this long. */
const QUIET_MS = 20;

/** The texts a rehearsal analyses in turn: a slice of the document, then that slice edited. */
export interface Rehearsal {
  readonly texts: readonly string[];
}

/**
 * A rehearsal on the document's own first entries, so that V8 sees the same shapes of keys and
 * values as the real keystrokes will (quoted or plain, the same kinds of checks). Keystrokes go
 * where people type: inside check strings in the middle of the slice, and now and then inside a
 * name (a different path: the names change). Null for JSON (rarely big, and deprecated) and for
 * documents too small to need it.
 */
export function rehearsalOf(analysis: PolicyAnalysis): Rehearsal | null {
  const document = analysis.file.document;
  const entries = document.entries;
  if (document.format !== 'yaml' || entries.length < WARM_UP_MIN_ENTRIES) return null;
  const sliced = entries.slice(0, Math.min(REHEARSAL_ENTRIES, Math.ceil(entries.length / 4)));
  const lineEnd = document.text.indexOf('\n', sliced[sliced.length - 1].span.end);
  const slice = document.text.slice(0, lineEnd < 0 ? document.text.length : lineEnd + 1);
  const places: number[] = [];
  for (let index = Math.floor(sliced.length / 2); index < sliced.length && places.length < 4; index++) {
    const entry = sliced[index];
    if (entry.value.kind === 'string' && entry.value.span.end - entry.value.span.start > 2)
      places.push(entry.value.span.start + 1);
  }
  const key = sliced[Math.floor(sliced.length / 3)];
  if (places.length === 0 || key.keySpan.end - key.keySpan.start < 2) return null;
  const texts = [slice];
  for (let edit = 0; edit < REHEARSED_EDITS; edit += 2) {
    // Every fifth pair types in a name, the others in check strings.
    const at = edit % 10 === 8 ? key.keySpan.start + 1 : places[(edit / 2) % places.length];
    texts.push(`${slice.slice(0, at)}x${slice.slice(at)}`, slice);
  }
  return { texts };
}

/**
 * Rehearses keystrokes once, after the first big document is analysed, while the server is idle.
 * The first keystrokes in a 10,000-rule file took 26-47 ms (later ones 5): V8 had not compiled
 * the edit path yet (moving entries, reusing parses and graphs). A rehearsal of 30 edits on 500
 * of the document's own entries, one edit per step between messages, brings the first real one
 * closer to the speed of the later ones (typed a second after opening: slowest 25-38 → 10-20 ms).
 * Nothing of it is published; its caches are dropped at the end.
 */
export class EditWarmUp {
  private started = false;
  private lastBusy = -Infinity;

  constructor(
    /** Analyses `text` as version `version` of `uri` without keeping or publishing anything. */
    private readonly analyse: (uri: string, text: string, version: number, caches: DocumentCaches) => void,
    /** Done first: what the first real edit of `uri` would otherwise do once (its line offsets). */
    private readonly prepare: (uri: string) => void = () => undefined,
    private readonly schedule: (run: () => void, delayMs: number) => void = (run, delayMs) =>
      setTimeout(run, delayMs).unref(),
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** After a document's analysis: the first big one starts the (single) rehearsal. */
  analysed(analysis: PolicyAnalysis): void {
    if (this.started) return;
    const rehearsal = rehearsalOf(analysis);
    if (!rehearsal) return;
    this.started = true;
    const caches = new DocumentCaches();
    let next = -1;
    const step = (): void => {
      const quietFor = this.now() - this.lastBusy;
      if (quietFor < QUIET_MS) {
        this.schedule(step, QUIET_MS - quietFor);
        return;
      }
      try {
        if (next < 0) this.prepare(analysis.uri);
        else this.analyse(analysis.uri, rehearsal.texts[next], next + 1, caches);
      } catch {
        // A rehearsal only speeds things up: a failure in it must not stop anything else.
        return;
      }
      next++;
      if (next < rehearsal.texts.length) this.schedule(step, 0);
    };
    this.schedule(step, 0);
  }

  /** Real work happened (a message, an analysis): the next step waits for a quiet moment. */
  busy(): void {
    this.lastBusy = this.now();
  }
}
