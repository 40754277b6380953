import { isMap, parseAllDocuments, type Document } from 'yaml';
import { pyStr, type PyValue } from '../python/pyValue';
import type { LoadBehaviour, PolicyEntry, RuleValue } from './documentTypes';
import { GenerationMap } from './generations';
import { readPlainScalar } from './pyyamlScalars';
import { shiftEntry, shiftLoad } from './shiftEntry';
import { outsidePieces, pieceNeedsWholeDocument, type Chunk } from './yamlChunks';
import { readFastLine, type FastLine, type FastScalar } from './yamlFastLine';
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
  /** Null when the piece needs the whole-document reading (an error, an alias...). */
  readonly entries: readonly PolicyEntry[] | null;
  readonly load: LoadBehaviour;
  /** Read by the YAML library: comment lines inside it may be part of a string. */
  readonly complex: boolean;
}

/**
 * Readings of pieces keyed by their text, kept across the versions of one document: a piece
 * whose text did not change is not read again, only moved when an edit above it shifted it.
 * A piece not seen in the last reading is forgotten.
 */
export class YamlPieceCache {
  private readonly pieces = new GenerationMap<PieceReading>();
  /** The last reading's text and its pieces by start offset. */
  private previousText: string | null = null;
  /** The previous reading's pieces in order (empty when it did not read them all), and this one's. */
  private previousPieces: PieceReading[] = [];
  private pieceReadings: PieceReading[] = [];
  private chunkCount = 0;
  /** The new text equals the previous one before `prefix` and from `suffixFrom` on (shifted by `delta`). */
  private prefix = 0;
  private suffixFrom = 0;
  private delta = 0;

  /**
   * Compares the text with the previous reading's once: a piece inside the unchanged head or
   * tail is the previous reading (moved), found by its offset without hashing its text.
   */
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

  /** The reading of `chunks[index]`, read in order. */
  read(text: string, chunks: readonly Chunk[], index: number): PieceReading {
    const chunk = chunks[index];
    this.chunkCount = chunks.length;
    const reading = this.unchanged(chunk, index, chunks.length) ?? this.byText(text, chunk);
    this.pieceReadings.push(reading);
    return reading;
  }

  /** Pieces before the edit keep their index; pieces after it keep their index from the end. */
  private unchanged(chunk: Chunk, index: number, count: number): PieceReading | null {
    const previous = this.previousPieces;
    if (previous.length === 0) return null;
    if (chunk.end <= this.prefix) {
      const same = previous[index] as PieceReading | undefined;
      if (same && same.start === chunk.start && same.end === chunk.end) return same;
    } else if (chunk.start >= this.suffixFrom) {
      const moved = previous[previous.length - (count - index)] as PieceReading | undefined;
      if (moved && moved.start === chunk.start - this.delta && moved.end === chunk.end - this.delta)
        return shiftReading(moved, this.delta);
    }
    return null;
  }

  private byText(text: string, chunk: Chunk): PieceReading {
    const piece = text.slice(chunk.start, chunk.end);
    const cached = this.pieces.get(piece);
    if (cached && cached.start === chunk.start) return cached;
    const reading = cached ? shiftReading(cached, chunk.start - cached.start) : readPiece(text, piece, chunk);
    this.pieces.set(piece, reading);
    return reading;
  }

  /** Whether the previous text had no character PyYAML's scanner refuses (see `readYaml`). */
  scannerClean = false;

  /** Forget pieces not used since the previous reading. */
  endReading(text: string): void {
    this.pieces.endReading();
    this.previousText = text;
    this.previousPieces = this.pieceReadings.length === this.chunkCount ? this.pieceReadings : [];
    this.pieceReadings = [];
    this.chunkCount = 0;
  }
}

function shiftReading(reading: PieceReading, delta: number): PieceReading {
  return {
    start: reading.start + delta,
    end: reading.end + delta,
    entries: reading.entries?.map((entry) => shiftEntry(entry, delta)) ?? null,
    load: shiftLoad(reading.load, delta),
    complex: reading.complex,
  };
}

const LOADS: LoadBehaviour = { kind: 'loads' };

/** Characters compared at once when finding what an edit changed. */
const BLOCK = 4096;

function readPiece(text: string, piece: string, chunk: Chunk): PieceReading {
  const line = chunk.singleLine ? readFastLine(text, chunk.start, chunk.end) : null;
  if (line) {
    const fast = fastEntry(line);
    return {
      start: chunk.start,
      end: chunk.end,
      entries: [fast.entry],
      load: fast.failure ?? LOADS,
      complex: false,
    };
  }
  const whole = { start: chunk.start, end: chunk.end, entries: null, load: LOADS, complex: true };
  if (pieceNeedsWholeDocument(piece)) return whole;
  // No document at all (a lone BOM): the whole text is read instead.
  const doc = parseAllDocuments(piece, PARSE_OPTIONS)[0] as Document | undefined;
  if (!doc || doc.errors.length > 0 || !isMap(doc.contents) || doc.contents.items.length === 0) return whole;
  const reader = new YamlNodeReader(piece, chunk.start, doc);
  return {
    start: chunk.start,
    end: chunk.end,
    entries: reader.entriesOf(doc.contents),
    load: readerLoad(reader),
    complex: true,
  };
}

export interface PiecesReading {
  readonly entries: PolicyEntry[];
  readonly load: LoadBehaviour;
  readonly comments: [number, number][];
}

/** Null when a piece has a problem: the caller then reads the whole text. */
export function readPieces(
  text: string,
  chunks: readonly Chunk[],
  comments: [number, number][],
  cache: YamlPieceCache,
): PiecesReading | null {
  const entries: PolicyEntry[] = [];
  const complex: Chunk[] = [];
  let load: LoadBehaviour = LOADS;
  for (let index = 0; index < chunks.length; index++) {
    const chunk = chunks[index];
    const reading = cache.read(text, chunks, index);
    if (reading.entries === null) return null;
    if (reading.complex) complex.push(chunk);
    for (const entry of reading.entries) entries.push(entry);
    if (load.kind === 'loads') load = reading.load;
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

function fastScalarValue(scalar: FastScalar): { value: PyValue; failure: LoadBehaviour | null } {
  if (scalar.style !== 'plain') return { value: pyStr(scalar.decoded.text), failure: null };
  const reading = readPlainScalar(scalar.decoded.text);
  if (reading.ok) return { value: reading.value, failure: null };
  return {
    value: pyStr(scalar.decoded.text),
    failure: { kind: 'raises', exception: 'ValueError', message: reading.message, span: scalar.span },
  };
}

function fastEntry(line: FastLine): { entry: PolicyEntry; failure: LoadBehaviour | null } {
  const key = fastScalarValue(line.key);
  let value: RuleValue;
  let failure = key.failure;
  if (line.value === null) {
    const at = { start: line.key.span.end + 1, end: line.key.span.end + 1 };
    value = { kind: 'other', value: { t: 'none' }, span: at, source: '' };
  } else {
    const read = fastScalarValue(line.value);
    failure ??= read.failure;
    value =
      read.value.t === 'str'
        ? {
            kind: 'string',
            text: read.value.v,
            toDoc: line.value.decoded.toDoc,
            span: line.value.span,
            style: line.value.style,
            exact: line.value.decoded.exact,
          }
        : { kind: 'other', value: read.value, span: line.value.span, source: line.value.decoded.text };
  }
  const keyValue = key.value;
  const entry: PolicyEntry = {
    name: keyValue.t === 'str' ? keyValue.v : null,
    key: keyValue,
    keySpan: line.key.span,
    value,
    span: { start: line.key.span.start, end: Math.max(line.end, value.span.end) },
  };
  return { entry, failure };
}
