import type { Span } from '../check/checkTypes';
import type { LoadedFile } from '../engine/loadPolicy';
import type { PolicyAnalysis } from './analysis';

export interface PolicySymbol {
  readonly name: string;
  readonly detail: string;
  readonly span: Span;
  readonly selection: Span;
  /** `policy` for registered names, `rule` for helper rules. */
  readonly kind: 'policy' | 'rule' | 'deprecated';
}

/** The outline: every top-level rule, with its check string as detail. */
export function documentSymbols(analysis: PolicyAnalysis): PolicySymbol[] {
  return analysis.file.entries.flatMap(({ entry }) => {
    if (entry.name === null) return [];
    const value = entry.value;
    const detail =
      value.kind === 'string' ? value.text : value.kind === 'list' ? '[list form]' : value.source;
    const kind = analysis.registered.has(entry.name)
      ? 'policy'
      : analysis.renamed.has(entry.name)
        ? 'deprecated'
        : 'rule';
    return [
      {
        name: entry.name,
        detail: detail.length > 120 ? `${detail.slice(0, 117)}...` : detail,
        span: entry.span,
        selection: entry.keySpan,
        kind,
      },
    ];
  });
}

export interface WorkspaceSymbol {
  readonly name: string;
  readonly span: Span;
  readonly kind: 'policy' | 'rule';
}

/**
 * The rules of one workspace file whose names match `query` as editors match symbols: the
 * query's characters in order, case-insensitively (`srvdel` finds `os_compute_api:servers:delete`).
 */
export function workspaceSymbols(
  file: LoadedFile,
  registered: ReadonlyMap<string, unknown>,
  query: string,
): WorkspaceSymbol[] {
  const wanted = query.toLowerCase();
  const found: WorkspaceSymbol[] = [];
  for (const { entry, wins } of file.entries) {
    if (!wins || entry.name === null || !fuzzyMatches(entry.name.toLowerCase(), wanted)) continue;
    found.push({
      name: entry.name,
      span: entry.keySpan,
      kind: registered.has(entry.name) ? 'policy' : 'rule',
    });
  }
  return found;
}

function fuzzyMatches(name: string, query: string): boolean {
  let at = 0;
  for (let index = 0; index < name.length && at < query.length; index++) if (name[index] === query[at]) at++;
  return at === query.length;
}

/** Foldable regions: multi-line entries and runs of comment lines. */
export function foldingRanges(
  analysis: PolicyAnalysis,
): { startLine: number; endLine: number; kind: 'region' | 'comment' }[] {
  const text = analysis.file.document.text;
  const lineStarts: number[] = [0];
  for (let index = 0; index < text.length; index++)
    if (text.charCodeAt(index) === 10) lineStarts.push(index + 1);
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const ranges: { startLine: number; endLine: number; kind: 'region' | 'comment' }[] = [];
  for (const { entry } of analysis.file.entries) {
    const startLine = lineOf(entry.span.start);
    const endLine = lineOf(entry.span.end);
    if (endLine > startLine) ranges.push({ startLine, endLine, kind: 'region' });
  }
  let runStart = -1;
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const comment = /^\s*#/.test(line);
    if (comment && runStart < 0) runStart = index;
    if (!comment && runStart >= 0) {
      if (index - 1 > runStart) ranges.push({ startLine: runStart, endLine: index - 1, kind: 'comment' });
      runStart = -1;
    }
  });
  if (runStart >= 0 && lines.length - 1 > runStart)
    ranges.push({ startLine: runStart, endLine: lines.length - 1, kind: 'comment' });
  return ranges;
}
