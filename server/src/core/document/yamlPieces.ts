import { isMap, parseAllDocuments, type Document } from 'yaml';
import type { LoadBehaviour, PolicyEntry } from './documentTypes';
import { GenerationMap } from './generations';
import { entryIdentity, shiftEntry, shiftLoad } from './shiftEntry';
import { outsidePieces, pieceNeedsWholeDocument, type Chunk, type Chunks } from './yamlChunks';
import { mayNestDeeply } from './yamlDepth';
import { readFastEntry } from './yamlFastEntry';
import { YamlNodeReader } from './yamlNodes';

export const PARSE_OPTIONS = {
  schema: 'failsafe',
  uniqueKeys: false,
  strict: false,
  stringKeys: false,
} as const;

/** What one top-level piece of a YAML file holds, at the offset it was read at. */
interface PieceReading {
  readonly start: number;
  readonly end: number;
  /**
   * The entries of a piece the YAML library read; null when the piece needs the whole-document
   * reading (an error, an alias...) or holds one line read without the library (`entry`).
   */
  readonly entries: readonly PolicyEntry[] | null;
  /** The entry of a one-line piece read without the library: no array for each of 10,000 lines. */
  readonly entry: PolicyEntry | null;
  readonly load: LoadBehaviour;
  /** Read by the YAML library: comment lines inside it may be part of a string. */
  readonly complex: boolean;
}

/**
 * Readings of pieces, kept across the versions of one document: a piece whose text did not
 * change is not read again, only moved when an edit above it shifted it. Pieces before and
 * after the edit are found by their index (a text diff tells which they are); others by their
 * text. A reading stays as it was first read: where it is now is a delta beside it, and only
 * its entries are moved (lazily, see `shiftEntry`).
 */
export class YamlPieceCache {
  private readonly pieces = new GenerationMap<PieceReading>();
  private previousText: string | null = null;
  /** The previous reading, piece by piece (empty when it did not read them all). */
  private previous: PlacedPieces = EMPTY_PLACED;
  private placed: PlacedPieces = EMPTY_PLACED;
  /** The new text equals the previous one before `prefix` and from `suffixFrom` on (shifted by `delta`). */
  private prefix = 0;
  private suffixFrom = 0;
  private delta = 0;
  /** Whether the previous text had no character PyYAML's scanner refuses, and no tab (see `readYaml`). */
  scannerClean = false;
  /** The previous text had nothing `streamQuirk` looks at (no directive, no line starting `:`/`?`). */
  quirkFree = false;

  /** Compares the text with the previous reading's once, then reading starts. */
  beginReading(text: string): void {
    const old = this.previousText;
    if (old === null) {
      this.prefix = 0;
      this.suffixFrom = text.length + 1;
      this.delta = 0;
      return;
    }
    const limit = Math.min(old.length, text.length);
    // Blocks compared natively first, then characters inside the first block that differs.
    let prefix = 0;
    while (
      prefix + BLOCK <= limit &&
      old.slice(prefix, prefix + BLOCK) === text.slice(prefix, prefix + BLOCK)
    )
      prefix += BLOCK;
    while (prefix < limit && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    const suffixLimit = limit - prefix;
    while (
      suffix + BLOCK <= suffixLimit &&
      old.slice(old.length - suffix - BLOCK, old.length - suffix) ===
        text.slice(text.length - suffix - BLOCK, text.length - suffix)
    )
      suffix += BLOCK;
    while (
      suffix < suffixLimit &&
      old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)
    )
      suffix++;
    this.prefix = prefix;
    this.suffixFrom = text.length - suffix;
    this.delta = text.length - old.length;
  }

  /**
   * What changed since the previous reading, as [start, end) of the new text (one character of
   * margin each side, so that a split surrogate pair shows), or null without a previous reading.
   */
  changedRegion(text: string): [number, number] | null {
    if (this.previousText === null) return null;
    return [Math.max(0, this.prefix - 1), Math.min(text.length, this.suffixFrom + 1)];
  }

  /** How far the piece `read` returned last has moved since it was read. */
  lastDelta = 0;

  /**
   * Reads `chunks[index]` (in order) and adds its entries, at their place, to `entries`. Returns
   * the reading (as first read), how far it moved in `lastDelta` (no pair object per piece, 10,000
   * of them per keystroke), or null when the piece needs the whole-document reading.
   */
  read(text: string, chunks: Chunks, index: number, entries: PolicyEntry[]): PieceReading | null {
    const start = chunks.start(index);
    const end = chunks.end(index);
    if (index === 0) this.placed = newPlaced(chunks.count);
    const placed = this.placed;
    placed.first[index] = entries.length;
    const previous = this.previous;
    const previousCount = previous.readings.length;
    let reading: PieceReading | null = null;
    // A reading-less piece's entry as first read (see `PlacedPieces.readings`).
    let lineEntry: PolicyEntry | null = null;
    let delta = 0;
    if (previousCount > 0 && end <= this.prefix && index < previousCount) {
      const same = previous.readings[index];
      delta = previous.deltas[index];
      if (previous.starts[index] + delta === start && previous.ends[index] + delta === end) {
        // Same place: the entries placed last time, as they were.
        const first = previous.first[index];
        const count = same === null || same.entry !== null ? 1 : (same.entries?.length ?? 0);
        for (let at = first; at < first + count; at++) entries.push(previous.entries[at]);
        this.place(index, same, previous.starts[index], previous.ends[index], delta);
        return same ?? ONE_LINE;
      }
    } else if (previousCount > 0 && start >= this.suffixFrom) {
      const at = previousCount - (chunks.count - index);
      if (at >= 0) {
        delta = previous.deltas[at] + this.delta;
        if (previous.starts[at] + delta === start && previous.ends[at] + delta === end) {
          reading = previous.readings[at];
          if (reading === null) lineEntry = entryIdentity(previous.entries[previous.first[at]]);
          this.place(index, reading, previous.starts[at], previous.ends[at], delta);
        }
      }
    }
    if (!reading && !lineEntry) {
      if (this.previousText === null) lineEntry = this.firstReadingLine(text, chunks, index);
      if (lineEntry) {
        delta = 0;
        this.place(index, null, start, end, 0);
      } else {
        reading = this.byText(text, chunks, index);
        delta = start - reading.start;
        this.place(index, reading, reading.start, reading.end, delta);
      }
    }
    if (lineEntry) {
      entries.push(delta === 0 ? lineEntry : shiftEntry(lineEntry, delta));
      return ONE_LINE;
    }
    reading = reading!;
    if (reading.entry !== null) entries.push(delta === 0 ? reading.entry : shiftEntry(reading.entry, delta));
    else if (reading.entries === null) return null;
    else for (const entry of reading.entries) entries.push(delta === 0 ? entry : shiftEntry(entry, delta));
    return reading;
  }

  /** Records where piece `index` came from: its reading (null: none), where that was read, how far it moved. */
  private place(
    index: number,
    reading: PieceReading | null,
    start: number,
    end: number,
    delta: number,
  ): void {
    const placed = this.placed;
    placed.readings[index] = reading;
    placed.starts[index] = start;
    placed.ends[index] = end;
    placed.deltas[index] = delta;
    this.lastDelta = delta;
  }

  /**
   * On a first reading, the entry of a one-line piece that loads, read without the library and
   * kept without a reading object (10,000 of them in a big file); null for any other piece.
   */
  private firstReadingLine(text: string, chunks: Chunks, index: number): PolicyEntry | null {
    if (!chunks.singleLine(index)) return null;
    const fast = readFastEntry(text, chunks.start(index), chunks.end(index));
    return fast !== null && fast.failure === null ? fast.entry : null;
  }

  private byText(text: string, chunks: Chunks, index: number): PieceReading {
    // A first reading keeps no pieces by text: the next one finds them by their index, but
    // for the few an edit changes (found by text only when read since). Keeping 10,000 of
    // them cost a first reading 3-6 ms; dropping them, the first edit 6-8 ms more.
    if (this.previousText === null) return readPiece(text, chunks, index);
    const piece = text.slice(chunks.start(index), chunks.end(index));
    const cached = this.pieces.get(piece);
    if (cached) return cached;
    const reading = readPiece(text, chunks, index, piece);
    this.pieces.set(piece, reading);
    return reading;
  }

  /** Forgets pieces not used since the previous reading; `entries` is what this reading produced. */
  endReading(text: string, entries: readonly PolicyEntry[] | null): void {
    this.pieces.endReading();
    this.previousText = text;
    // Entries come back only when every piece was read.
    this.previous = entries !== null ? { ...this.placed, entries } : EMPTY_PLACED;
    this.placed = EMPTY_PLACED;
  }
}

/**
 * The pieces of one reading: each as first read (and where), how far it moved, and its first
 * entry in `entries`; filled in order, sized for the reading's pieces.
 */
interface PlacedPieces {
  /**
   * Each piece's reading, or null for a one-line piece that loads, read on a document's first
   * reading: its one entry is `entries[first[index]]` (moved, maybe: see `entryIdentity`).
   */
  readonly readings: (PieceReading | null)[];
  /** Where each piece's reading was read (before `deltas` moved it). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly deltas: Int32Array;
  readonly first: Int32Array;
  readonly entries: readonly PolicyEntry[];
}

function newPlaced(count: number): PlacedPieces {
  return {
    readings: new Array<PieceReading | null>(count),
    starts: new Int32Array(count),
    ends: new Int32Array(count),
    deltas: new Int32Array(count),
    first: new Int32Array(count),
    entries: [],
  };
}

const EMPTY_PLACED: PlacedPieces = newPlaced(0);

const LOADS: LoadBehaviour = { kind: 'loads' };

/** What `read` returns for a piece kept without a reading (see `PlacedPieces.readings`). */
const ONE_LINE: PieceReading = { start: 0, end: 0, entries: null, entry: null, load: LOADS, complex: false };

/** Characters compared at once when finding what an edit changed. */
const BLOCK = 4096;

/** Reads `chunks[index]`; `given` is the piece's text, when the caller has it. */
function readPiece(text: string, chunks: Chunks, index: number, given?: string): PieceReading {
  const start = chunks.start(index);
  const end = chunks.end(index);
  const fast = chunks.singleLine(index) ? readFastEntry(text, start, end) : null;
  if (fast)
    return { start, end, entries: null, entry: fast.entry, load: fast.failure ?? LOADS, complex: false };
  const whole = { start, end, entries: null, entry: null, load: LOADS, complex: true };
  const piece = given ?? text.slice(start, end);
  // A deep piece is judged (and maybe not composed at all) by the whole-document reading.
  if (pieceNeedsWholeDocument(piece) || mayNestDeeply(piece)) return whole;
  // No document at all (a lone BOM): the whole text is read instead.
  const doc = parseAllDocuments(closedInput(piece), PARSE_OPTIONS)[0] as Document | undefined;
  if (!doc || doc.errors.length > 0 || !isMap(doc.contents) || doc.contents.items.length === 0) return whole;
  const reader = new YamlNodeReader(piece, start, doc);
  return {
    start,
    end,
    entries: reader.entriesOf(doc.contents),
    entry: null,
    load: readerLoad(reader),
    complex: true,
  };
}

/**
 * The `yaml` package takes a quoted scalar cut off by the end of its input (`'x''`, `"x\"`) as
 * closed, where PyYAML finds the end of the stream inside it: given a line break after it, the
 * `yaml` package sees the missing quote too. Offsets are unchanged.
 */
export function closedInput(source: string): string {
  const last = source.charCodeAt(source.length - 1);
  return last === 0x27 /* ' */ || last === 0x22 /* " */ ? `${source}\n` : source;
}

export interface PiecesReading {
  readonly entries: PolicyEntry[];
  readonly load: LoadBehaviour;
  readonly comments: [number, number][];
}

/** Null when a piece has a problem: the caller then reads the whole text. */
export function readPieces(
  text: string,
  chunks: Chunks,
  comments: [number, number][],
  cache: YamlPieceCache,
): PiecesReading | null {
  const entries: PolicyEntry[] = [];
  const complex: Chunk[] = [];
  let load: LoadBehaviour = LOADS;
  for (let index = 0; index < chunks.count; index++) {
    const reading = cache.read(text, chunks, index, entries);
    if (reading === null) return null;
    if (reading.complex) complex.push(chunks.at(index));
    if (load.kind === 'loads' && reading.load.kind !== 'loads')
      load = shiftLoad(reading.load, cache.lastDelta);
  }
  return { entries, load, comments: outsidePieces(comments, complex) };
}

export function readerLoad(reader: YamlNodeReader): LoadBehaviour {
  if (reader.failure) {
    const { exception, message, span } = reader.failure;
    return { kind: 'raises', exception: exception === 'KeyError' ? 'KeyError' : 'ValueError', message, span };
  }
  if (reader.unpredictable) return { kind: 'unpredictable', ...reader.unpredictable };
  return LOADS;
}
