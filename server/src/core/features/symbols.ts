import type { Span } from '../check/checkTypes';
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
