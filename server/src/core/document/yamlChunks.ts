/**
 * Splits a YAML policy file into top-level pieces: one per rule, starting at a line that begins
 * in column 0, with the comment lines and indented continuation lines that follow. Lines before
 * the first rule, blank lines and comments between rules belong to no piece. Only boundaries are
 * found here: reading a piece (and caching that reading across edits) is `yamlPieces`' job, so a
 * one-character edit of a 10,000-rule file costs one scan of the text, not 10,000 readings.
 */
export interface Chunk {
  readonly start: number;
  readonly end: number;
  /** A piece of one line: it may be simple enough to read without the YAML library. */
  readonly singleLine: boolean;
}

/**
 * The pieces of a text, as parallel arrays (piece `i` is `[starts[i], ends[i])`): the text is
 * chunked again after every keystroke, and 10,000 small objects per keystroke were a good
 * part of what the garbage collector then had to move.
 */
export class Chunks {
  private starts: Int32Array;
  private ends: Int32Array;
  private single: Uint8Array;
  count = 0;

  constructor(capacity: number) {
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.single = new Uint8Array(capacity);
  }

  start(index: number): number {
    return this.starts[index];
  }

  singleLine(index: number): boolean {
    return this.single[index] === 1;
  }

  end(index: number): number {
    return this.ends[index];
  }

  at(index: number): Chunk {
    return { start: this.starts[index], end: this.ends[index], singleLine: this.single[index] === 1 };
  }

  push(start: number, end: number, singleLine: boolean): void {
    if (this.count === this.starts.length) this.grow();
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.single[this.count] = singleLine ? 1 : 0;
    this.count++;
  }

  private grow(): void {
    const capacity = this.starts.length * 2 + 16;
    const starts = new Int32Array(capacity);
    const ends = new Int32Array(capacity);
    const single = new Uint8Array(capacity);
    starts.set(this.starts);
    ends.set(this.ends);
    single.set(this.single);
    this.starts = starts;
    this.ends = ends;
    this.single = single;
  }
}

export interface ChunkedText {
  readonly chunks: Chunks;
  /** Comment lines (outside pieces or inside them), as [start, end) offsets. */
  readonly comments: [number, number][];
  /** True when the text needs the whole-document reading (markers, directives, aliases...). */
  readonly wholeDocument: boolean;
}

const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;

/** Policy lines are rarely shorter than this: a first guess at the number of pieces. */
const TYPICAL_LINE = 32;

export function chunkYaml(text: string): ChunkedText {
  const chunks = new Chunks((text.length / TYPICAL_LINE + 16) | 0);
  const comments: [number, number][] = [];
  let wholeDocument = false;
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let sawContent = false;
  let sawDocumentStart = false;
  // The chunk that indented lines would continue (its start is -1 when none is open).
  let openStart = -1;
  let openEnd = 0;
  let openSingle = true;
  while (position < text.length) {
    let lineEnd = text.indexOf('\n', position);
    if (lineEnd < 0) lineEnd = text.length;
    const contentEnd = lineEnd > position && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    const first = text.charCodeAt(position);
    let firstNonBlank = position;
    while (firstNonBlank < contentEnd) {
      const code = text.charCodeAt(firstNonBlank);
      if (code !== SPACE && code !== TAB) break;
      firstNonBlank++;
    }
    const blank = firstNonBlank === contentEnd;
    const comment = !blank && text.charCodeAt(firstNonBlank) === HASH;
    if (blank || comment) {
      if (comment) comments.push([firstNonBlank, contentEnd]);
    } else if (first === SPACE || first === TAB) {
      // A continuation of the open chunk (or, before any rule, a document that does not start
      // in column 0: leave it to the whole-document reading).
      if (openStart >= 0) {
        openEnd = contentEnd;
        openSingle = false;
      } else {
        wholeDocument = true;
      }
    } else {
      if (openStart >= 0) chunks.push(openStart, openEnd, openSingle);
      openStart = -1;
      if (isDocumentSyntax(text, position, contentEnd, sawContent)) {
        // A leading `---` or `%YAML` header is harmless; anything else needs the whole text (a
        // second `---`, even before any rule, starts a second document).
        const line = text.slice(position, contentEnd);
        const documentStart = /^---\s*(#.*)?$/.test(line);
        if (sawContent || sawDocumentStart || !/^(---|%YAML [0-9.]+)\s*(#.*)?$/.test(line))
          wholeDocument = true;
        if (documentStart) sawDocumentStart = true;
      } else {
        sawContent = true;
        openStart = position;
        openEnd = contentEnd;
        openSingle = true;
      }
    }
    position = lineEnd + 1;
  }
  const lastStart = openStart >= 0 ? openStart : chunks.count > 0 ? chunks.start(chunks.count - 1) : 0;
  if (openStart >= 0) chunks.push(openStart, openEnd, openSingle);
  if (!wholeDocument && blockScalarsReadWhole(text, lastStart)) wholeDocument = true;
  return { chunks, comments, wholeDocument };
}

/** A block scalar header at the end of a line, its indicators captured. */
const BLOCK_HEADER = /(?:^|[:-]) *(?:[!&][^ \n]* +)*[|>]([-+0-9]{0,2})[ \t]*(?:#[^\n]*)?\r?$/gm;
const SPACES_ONLY_LINE = /^ +\r?$/m;
const INDENTED_HASH_LINE = /^[ \t]+#/m;

/**
 * A piece ends at its last non-blank line, and the `yaml` package decodes some block scalars
 * differently from PyYAML: with keep chomping (`|+`) the blank lines after a piece are part of
 * the value, lines of spaces beyond the indentation are content to PyYAML, and an indentation
 * indicator (`|2`) decides which. Such texts are read whole, block scalars decoded as PyYAML
 * does (`"\n"` is not `""` to oslo.policy: a rule of only whitespace denies, an empty one allows).
 * `lastPieceStart` is where the text's last piece starts.
 */
function blockScalarsReadWhole(text: string, lastPieceStart: number): boolean {
  // Most policy files have no block scalar at all: one native scan each.
  if (!text.includes('|') && !text.includes('>')) return false;
  BLOCK_HEADER.lastIndex = 0;
  let sawHeader = false;
  // A block scalar in the last piece of a text with no final line break: PyYAML then has no
  // line break to keep (`a: |` over `x` is 'x'), the `yaml` package adds one.
  const last = text.charCodeAt(text.length - 1);
  const unended = last !== 0x0a && last !== 0x0d;
  for (let match = BLOCK_HEADER.exec(text); match; match = BLOCK_HEADER.exec(text)) {
    if (match[1].length > 0 || (unended && match.index >= lastPieceStart)) return true;
    sawHeader = true;
  }
  // An indented `#` line ends a piece as a comment, but inside a block scalar it is content.
  return sawHeader && (SPACES_ONLY_LINE.test(text) || INDENTED_HASH_LINE.test(text));
}

const DASH = 0x2d;
const DOT = 0x2e;
const PERCENT = 0x25;

function isDocumentSyntax(text: string, start: number, end: number, sawContent: boolean): boolean {
  const first = text.charCodeAt(start);
  if (first === DASH || first === DOT) {
    if (end - start < 3 || text.charCodeAt(start + 1) !== first || text.charCodeAt(start + 2) !== first) {
      return false;
    }
    return end - start === 3 || /\s/.test(text[start + 3]);
  }
  return !sawContent && first === PERCENT;
}

/**
 * Aliases and anchors tie pieces together, and a top level that is not a block mapping
 * (a JSON-like `{...}` with an error in it, a sequence) is one piece: read those whole.
 */
export function pieceNeedsWholeDocument(piece: string): boolean {
  const first = piece[0];
  if (first === '{' || first === '[' || first === '-' || first === '&' || first === '*' || first === '!') {
    return true;
  }
  return /(^|[\s[{,:])[&*][^\s,[\]{}]/.test(piece);
}

/** A `#` line inside a complex piece may be inside a multi-line string: only keep the others. */
export function outsidePieces(comments: [number, number][], pieces: readonly Chunk[]): [number, number][] {
  if (pieces.length === 0) return comments;
  let next = 0;
  return comments.filter(([start]) => {
    while (next < pieces.length && pieces[next].end < start) next++;
    return !(next < pieces.length && pieces[next].start <= start && start < pieces[next].end);
  });
}
