import { readFastLine, type FastLine } from './yamlFastLine';

/**
 * Splits a YAML policy file into top-level pieces: one per rule, starting at a line that begins
 * in column 0, with the comment lines and indented continuation lines that follow. A piece is
 * `fast` when it is a single simple line (read without the YAML library) and `complex`
 * otherwise. Lines before the first rule, blank lines and comments between rules are `gap`s.
 */
export type Chunk =
  | { readonly kind: 'fast'; readonly start: number; readonly end: number; readonly line: FastLine }
  | { readonly kind: 'complex'; readonly start: number; readonly end: number };

export interface ChunkedText {
  readonly chunks: Chunk[];
  /** Comment lines outside complex chunks, as [start, end) offsets. */
  readonly comments: [number, number][];
  /** True when the text needs the whole-document reading (markers, directives, aliases...). */
  readonly wholeDocument: boolean;
}

const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;

export function chunkYaml(text: string): ChunkedText {
  const chunks: Chunk[] = [];
  const comments: [number, number][] = [];
  let wholeDocument = false;
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let sawContent = false;
  // The chunk that indented lines would continue, and where its last line ends.
  let open: { start: number; end: number; fast: FastLine | null } | null = null;
  const close = () => {
    if (!open) return;
    chunks.push(
      open.fast
        ? { kind: 'fast', start: open.start, end: open.end, line: open.fast }
        : { kind: 'complex', start: open.start, end: open.end },
    );
    open = null;
  };
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
      if (open) {
        open.end = contentEnd;
        open.fast = null;
      } else {
        wholeDocument = true;
      }
    } else {
      close();
      const line = text.slice(position, contentEnd);
      if (isDocumentSyntax(line, sawContent)) {
        // A leading `---` or `%YAML` header is harmless; anything else needs the whole text.
        if (sawContent || !/^(---|%YAML [0-9.]+)\s*(#.*)?$/.test(line)) wholeDocument = true;
      } else {
        sawContent = true;
        open = { start: position, end: contentEnd, fast: readFastLine(text, position, contentEnd) };
      }
    }
    position = lineEnd + 1;
  }
  close();
  if (!wholeDocument) wholeDocument = needsWholeDocument(text, chunks);
  return { chunks, comments: wholeDocument ? [] : outsideComplexChunks(comments, chunks), wholeDocument };
}

function isDocumentSyntax(line: string, sawContent: boolean): boolean {
  if (line.startsWith('---') || line.startsWith('...')) return /^(---|\.\.\.)(\s|$)/.test(line);
  return !sawContent && line.startsWith('%');
}

/**
 * Aliases and anchors tie pieces together, and a top level that is not a block mapping
 * (a JSON-like `{...}` with an error in it, a sequence) is one piece: read those whole.
 */
function needsWholeDocument(text: string, chunks: readonly Chunk[]): boolean {
  for (const chunk of chunks) {
    if (chunk.kind === 'fast') continue;
    const first = text[chunk.start];
    if (first === '{' || first === '[' || first === '-' || first === '&' || first === '*' || first === '!') {
      return true;
    }
    const piece = text.slice(chunk.start, chunk.end);
    if (/(^|[\s[{,:])[&*][^\s,[\]{}]/.test(piece)) return true;
  }
  return false;
}

/** A `#` line inside a complex chunk may be inside a multi-line string: only keep the others. */
function outsideComplexChunks(comments: [number, number][], chunks: readonly Chunk[]): [number, number][] {
  const complex = chunks.filter((chunk) => chunk.kind === 'complex');
  if (complex.length === 0) return comments;
  let next = 0;
  return comments.filter(([start]) => {
    while (next < complex.length && complex[next].end < start) next++;
    return !(next < complex.length && complex[next].start <= start && start < complex[next].end);
  });
}
