import type { OffsetMap } from '../check/checkTokenizer';
import type { StringRuleValue } from './documentTypes';

/**
 * A scalar's value with, for every index of the value, the document offset it came from, so a
 * problem inside a check string can be shown exactly where it is written, even through
 * escapes (`\x41`), doubled quotes (`''`) and folded lines.
 */
export interface DecodedScalar {
  readonly text: string;
  readonly toDoc: OffsetMap;
  readonly exact: boolean;
  /** Set when `text` is the document's own characters from this offset on. */
  readonly verbatimFrom?: number;
}

/** A value that is a verbatim slice of the document. */
export function verbatim(text: string, start: number): DecodedScalar {
  return { text, toDoc: (index) => start + index, exact: true, verbatimFrom: start };
}

/** `index + delta` for the small deltas of verbatim values (1 after a quote), one function each. */
const shiftedIndexes: OffsetMap[] = [];

/** The map of a value whose characters are the document's own, `delta` after its start. */
export function verbatimFromStart(delta: number): OffsetMap {
  if (delta < 0 || delta >= 64) return (index) => index + delta;
  return (shiftedIndexes[delta] ??= (index) => index + delta);
}

/** `StringRuleValue.fromStart` of a decoded scalar whose value starts at `spanStart`. */
export function offsetsFromStart(decoded: DecodedScalar, spanStart: number): OffsetMap {
  if (decoded.verbatimFrom !== undefined) return verbatimFromStart(decoded.verbatimFrom - spanStart);
  const toDoc = decoded.toDoc;
  return (index) => toDoc(index) - spanStart;
}

/** Document offsets of a string value's characters. */
export function docOffsets(value: StringRuleValue): OffsetMap {
  const start = value.span.start;
  const fromStart = value.fromStart;
  return (index) => start + fromStart(index);
}

/**
 * A quoted value with nothing to decode, its characters the source's own from `start`: past its
 * end it maps to the closing quote, as `decodeDoubleQuoted` would map it.
 */
export function verbatimQuoted(text: string, start: number): DecodedScalar {
  const end = start + text.length;
  return { text, toDoc: (index) => (index < text.length ? start + index : end), exact: true };
}

class OffsetBuilder {
  readonly chars: string[] = [];
  readonly offsets: number[] = [];

  push(text: string, offset: number): void {
    this.chars.push(text);
    for (let index = 0; index < text.length; index++) this.offsets.push(offset);
  }

  /** `raw[from, to)` copied as it is, each character from its own offset (`base` + its index). */
  pushRun(raw: string, from: number, to: number, base: number): void {
    if (to <= from) return;
    this.chars.push(raw.slice(from, to));
    for (let index = from; index < to; index++) this.offsets.push(base + index);
  }

  finish(end: number): DecodedScalar {
    const text = this.chars.join('');
    const offsets = this.offsets;
    return { text, toDoc: (index) => (index < offsets.length ? offsets[index] : end), exact: true };
  }
}

/** When our decoding disagrees with the YAML library's value, keep its value with coarse offsets. */
export function approximate(text: string, start: number, end: number): DecodedScalar {
  return { text, toDoc: (index) => Math.min(start + index, end), exact: false };
}

const isBlank = (char: string): boolean => char === ' ' || char === '\t';

/**
 * Folding of multi-line flow scalars: a line break and the whitespace around it become one
 * space, or n-1 newlines when n line breaks are in a row.
 */
function foldBreak(raw: string, index: number, builder: OffsetBuilder, base: number): number {
  // `index` is at a line break; trailing blanks before it were already dropped by the caller.
  let breaks = 0;
  let cursor = index;
  while (cursor < raw.length) {
    if (raw[cursor] === '\r' && raw[cursor + 1] === '\n') cursor += 2;
    else if (raw[cursor] === '\n' || raw[cursor] === '\r') cursor += 1;
    else break;
    breaks++;
    while (cursor < raw.length && isBlank(raw[cursor])) cursor++;
  }
  builder.push(breaks === 1 ? ' ' : '\n'.repeat(breaks - 1), base + index);
  return cursor;
}

/** Blanks at the end of the value so far, across pieces: a run's own trailing blanks included. */
function dropTrailingBlanks(builder: OffsetBuilder): void {
  const chars = builder.chars;
  while (chars.length > 0) {
    const last = chars[chars.length - 1];
    let keep = last.length;
    while (keep > 0 && isBlank(last[keep - 1])) keep--;
    builder.offsets.length -= last.length - keep;
    if (keep > 0) {
      if (keep < last.length) chars[chars.length - 1] = last.slice(0, keep);
      return;
    }
    chars.pop();
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '\\': '\\',
  '/': '/',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

/** `raw` includes the quotes; `base` is the document offset of the opening quote. */
export function decodeDoubleQuoted(raw: string, base: number): DecodedScalar | null {
  const builder = new OffsetBuilder();
  const end = raw.length - 1;
  let index = 1;
  while (index < end) {
    const char = raw[index];
    if (char === '\\') {
      const next = raw[index + 1];
      if (next === '\n' || next === '\r') {
        // An escaped line break joins the lines without a space; each empty line after it is
        // still a line feed (PyYAML's scan_flow_scalar_breaks; the `yaml` package folds them).
        index += next === '\r' && raw[index + 2] === '\n' ? 3 : 2;
        for (;;) {
          while (index < end && isBlank(raw[index])) index++;
          if (index >= end || (raw[index] !== '\n' && raw[index] !== '\r')) break;
          builder.push('\n', base + index);
          index += raw[index] === '\r' && raw[index + 1] === '\n' ? 2 : 1;
        }
        continue;
      }
      if (next in SIMPLE_ESCAPES) {
        builder.push(SIMPLE_ESCAPES[next], base + index);
        index += 2;
        continue;
      }
      const width = HEX_ESCAPES[next];
      if (width === undefined) return null;
      const hex = raw.slice(index + 2, index + 2 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return null;
      const code = parseInt(hex, 16);
      // Beyond Unicode (`\U00110000`): PyYAML's chr() raises, the file does not load.
      if (code > 0x10ffff) return null;
      builder.push(String.fromCodePoint(code), base + index);
      index += 2 + width;
    } else if (char === '\n' || char === '\r') {
      dropTrailingBlanks(builder);
      index = foldBreak(raw, index, builder, base);
    } else {
      // A run up to the next escape or line break in one piece: a 1 MB check string has no others.
      let runEnd = index + 1;
      while (runEnd < end && !isSpecialInDoubleQuoted(raw.charCodeAt(runEnd))) runEnd++;
      builder.pushRun(raw, index, runEnd, base);
      index = runEnd;
    }
  }
  return builder.finish(base + raw.length - 1);
}

function isSpecialInDoubleQuoted(code: number): boolean {
  return code === 0x5c /* \ */ || code === 0x0a || code === 0x0d;
}

export function decodeSingleQuoted(raw: string, base: number): DecodedScalar {
  const builder = new OffsetBuilder();
  const end = raw.length - 1;
  let index = 1;
  while (index < end) {
    const char = raw[index];
    if (char === "'" && raw[index + 1] === "'") {
      builder.push("'", base + index);
      index += 2;
    } else if (char === '\n' || char === '\r') {
      dropTrailingBlanks(builder);
      index = foldBreak(raw, index, builder, base);
    } else {
      builder.push(char, base + index);
      index++;
    }
  }
  return builder.finish(base + raw.length - 1);
}

/** A plain scalar's source, without trailing comment; lines fold like quoted ones. */
export function decodePlain(raw: string, base: number): DecodedScalar {
  if (!raw.includes('\n') && !raw.includes('\r')) return verbatim(raw.trimEnd(), base);
  const builder = new OffsetBuilder();
  let index = 0;
  while (index < raw.length) {
    const char = raw[index];
    if (char === '\n' || char === '\r') {
      dropTrailingBlanks(builder);
      index = foldBreak(raw, index, builder, base);
    } else {
      builder.push(char, base + index);
      index++;
    }
  }
  dropTrailingBlanks(builder);
  return builder.finish(base + raw.length);
}

/**
 * Block scalars (`|`, `>`): content lines without their indentation. Folding of `>` has
 * subtle rules (more-indented lines keep their breaks); the result is checked against the
 * YAML library's value by the caller, which falls back to approximate offsets on mismatch.
 */
export function decodeBlock(raw: string, base: number, folded: boolean): DecodedScalar {
  const builder = new OffsetBuilder();
  const headerEnd = raw.indexOf('\n');
  if (headerEnd < 0) return builder.finish(base + raw.length);
  const lines: { start: number; text: string }[] = [];
  let cursor = headerEnd + 1;
  while (cursor <= raw.length) {
    let lineEnd = raw.indexOf('\n', cursor);
    if (lineEnd < 0) lineEnd = raw.length;
    lines.push({ start: cursor, text: raw.slice(cursor, lineEnd).replace(/\r$/, '') });
    cursor = lineEnd + 1;
  }
  const indent = Math.min(
    ...lines
      .filter((line) => line.text.trim().length > 0)
      .map((line) => line.text.length - line.text.trimStart().length),
  );
  lines.forEach((line, number) => {
    const content = line.text.slice(Math.min(indent, line.text.length));
    builder.push(content, 0);
    builder.offsets.splice(builder.offsets.length - content.length, content.length);
    for (let index = 0; index < content.length; index++)
      builder.offsets.push(base + line.start + indent + index);
    if (number < lines.length - 1) {
      const nextBlank = lines[number + 1].text.trim().length === 0;
      builder.push(
        folded && content.length > 0 && !nextBlank ? ' ' : '\n',
        base + line.start + line.text.length,
      );
    }
  });
  return builder.finish(base + raw.length);
}

/** What indentation, chomping and folding of a block scalar may add, drop or turn into another. */
const isBlockSpace = (char: string): boolean =>
  char === ' ' ||
  char === '\t' ||
  char === '\n' ||
  char === '\r' ||
  char === '\x85' ||
  char === '\u2028' ||
  char === '\u2029';

/**
 * A block scalar's offsets when `decodeBlock` does not reproduce its value (chomping, a piece
 * of the document cut before the final line break, subtle folding): those steps only ever add,
 * drop or change whitespace, so the value's other characters are the content's other
 * characters, in order, and map exactly. Whitespace maps just past the character before it,
 * so a check token ends right after its last character. Null when the two do not line up.
 */
export function alignBlock(raw: string, base: number, value: string): DecodedScalar | null {
  const headerEnd = raw.indexOf('\n');
  const contentStart = headerEnd < 0 ? raw.length : headerEnd + 1;
  const offsets = new Array<number>(value.length + 1);
  let cursor = contentStart;
  let after = base + contentStart;
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (isBlockSpace(char)) {
      offsets[index] = after;
      continue;
    }
    while (cursor < raw.length && isBlockSpace(raw[cursor])) cursor++;
    if (raw[cursor] !== char) return null;
    offsets[index] = base + cursor;
    after = base + cursor + 1;
    cursor++;
  }
  while (cursor < raw.length && isBlockSpace(raw[cursor])) cursor++;
  if (cursor < raw.length) return null;
  offsets[value.length] = after;
  return { text: value, toDoc: (index) => offsets[Math.max(0, Math.min(index, value.length))], exact: true };
}
