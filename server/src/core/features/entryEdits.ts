import type { Span } from '../check/checkTypes';
import type { PolicyEntry } from '../document/documentTypes';
import type { PolicyAnalysis } from './analysis';

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

/**
 * Edits deleting the top-level entries that start at `spans`, never overlapping: LSP clients
 * (and `TextDocument.applyEdits`) refuse overlapping edits. Block YAML loses whole lines; in
 * JSON and YAML flow mappings each run of consecutive entries is removed as one, with exactly
 * one comma, so that the rest stays a valid mapping.
 */
export function removeEntries(analysis: PolicyAnalysis, spans: readonly Span[]): TextEdit[] {
  const text = analysis.file.document.text;
  const entries = analysis.file.document.entries;
  // Each span's entry: the last one starting at or before it (one pass, both sorted).
  const removed = new Set<number>();
  let index = -1;
  for (const start of spans.map((span) => span.start).sort((a, b) => a - b)) {
    while (index + 1 < entries.length && entries[index + 1].span.start <= start) index++;
    if (index >= 0) removed.add(index);
  }
  const indices = [...removed].sort((a, b) => a - b);
  if (indices.length === 0) return [];
  if (!isFlowMapping(analysis)) return indices.map((index) => wholeLines(text, entries[index].span));
  const edits: TextEdit[] = [];
  for (let first = 0; first < indices.length;) {
    let last = first;
    while (last + 1 < indices.length && indices[last + 1] === indices[last] + 1) last++;
    const edit = removeRun(text, entries, indices[first], indices[last]);
    if (!edit) return [];
    edits.push(edit);
    first = last + 1;
  }
  return edits;
}

/**
 * An edit adding `key: value` (both written as they must appear) as the last entry of the
 * top-level mapping: after the last entry, at its indentation in block YAML, with a comma in
 * JSON and YAML flow mappings. Appending at the end of the text would land after a `...`
 * document end or outside a `{...}`, and at column 0 below an indented mapping, all of which
 * PyYAML refuses. Null where the structure is too unusual to place it safely.
 */
export function insertEntry(analysis: PolicyAnalysis, key: string, value: string): TextEdit | null {
  const { text, entries } = analysis.file.document;
  const last = entries[entries.length - 1];
  const flow = isFlowMapping(analysis);
  if (!last) {
    if (analysis.file.document.format === 'json') {
      const open = text.indexOf('{');
      return open < 0 ? null : { span: { start: open + 1, end: open + 1 }, newText: `${key}: ${value}` };
    }
    // An empty YAML document (comments, a `---` at most): the entry is the whole mapping.
    if (!/^\s*(---\s*)?$/.test(text.replace(/#[^\n]*/g, ''))) return null;
    const end = text.length;
    const gap = text.length === 0 || text.endsWith('\n') ? '' : '\n';
    return { span: { start: end, end }, newText: `${gap}${key}: ${value}\n` };
  }
  const ownLine = startsLine(text, last.span.start);
  const indent = text.slice(lineStart(text, last.span.start), last.span.start);
  if (flow) {
    const at = last.span.end;
    return {
      span: { start: at, end: at },
      newText: ownLine ? `,\n${indent}${key}: ${value}` : `, ${key}: ${value}`,
    };
  }
  // Block YAML: a line of its own after the last entry's value, which goes on over blank lines
  // and lines indented deeper than its key (block scalars); a comment after it stays after it.
  if (!ownLine) return null;
  const end =
    last.span.end > last.span.start && text[last.span.end - 1] === '\n' ? last.span.end - 1 : last.span.end;
  let at = text.indexOf('\n', end);
  while (at >= 0) {
    const line = /^[^\n]*/.exec(text.slice(at + 1))![0];
    if (line.trim() !== '' && /^[ \t]*/.exec(line)![0].length <= indent.length) break;
    at = text.indexOf('\n', at + 1);
  }
  if (at < 0) {
    const gap = text.endsWith('\n') ? '' : '\n';
    return { span: { start: text.length, end: text.length }, newText: `${gap}${indent}${key}: ${value}\n` };
  }
  return { span: { start: at + 1, end: at + 1 }, newText: `${indent}${key}: ${value}\n` };
}

/** The top-level mapping is written `{...}`: JSON always, YAML when the first entry follows a `{`. */
export function isFlowMapping(analysis: PolicyAnalysis): boolean {
  const document = analysis.file.document;
  if (document.format === 'json') return true;
  const first = document.entries[0];
  if (!first) return false;
  const before = document.text.slice(0, first.span.start).replace(/#[^\n]*/g, '');
  return /\{\s*$/.test(before);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Nothing but spaces before the offset on its line. */
function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

function wholeLines(text: string, span: Span): TextEdit {
  const start = startsLine(text, span.start) ? lineStart(text, span.start) : span.start;
  const end = text.indexOf('\n', span.end);
  return { span: { start, end: end < 0 ? text.length : end + 1 }, newText: '' };
}

/** The entries `first..last` of a flow mapping, with the comma that separates them from the rest. */
function removeRun(
  text: string,
  entries: readonly PolicyEntry[],
  first: number,
  last: number,
): TextEdit | null {
  const runStart = entries[first].span.start;
  const runEnd = entries[last].span.end;
  if (last + 1 < entries.length) {
    // A kept entry follows: take the comma after the run (and the rest of its line).
    const comma = /^\s*,/.exec(text.slice(runEnd));
    if (!comma) return null;
    let end = runEnd + comma[0].length;
    if (startsLine(text, runStart)) {
      const rest = /^[ \t]*\n/.exec(text.slice(end));
      if (rest) end += rest[0].length;
      return { span: { start: lineStart(text, runStart), end }, newText: '' };
    }
    end += /^[ \t]*/.exec(text.slice(end))![0].length;
    return { span: { start: runStart, end }, newText: '' };
  }
  if (first > 0) {
    // The run ends the mapping: take the comma after the last kept entry.
    const keptEnd = entries[first - 1].span.end;
    const comma = /^\s*,/.exec(text.slice(keptEnd));
    if (!comma) return null;
    return { span: { start: keptEnd + comma[0].length - 1, end: runEnd }, newText: '' };
  }
  // Every entry goes (with a YAML trailing comma): `{}`, or `{` and `}` on their own lines.
  const start = startsLine(text, runStart) ? Math.max(lineStart(text, runStart) - 1, 0) : runStart;
  const trailing = /^\s*,/.exec(text.slice(runEnd));
  return { span: { start, end: runEnd + (trailing ? trailing[0].length : 0) }, newText: '' };
}
