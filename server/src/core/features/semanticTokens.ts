import { kindSpanOf, matchSpanOf, type CheckNode, type Span } from '../check/checkTypes';
import type { PolicyAnalysis } from './analysis';
import { punctuationOf } from './cursor';

/** Token types, in the order the server's legend declares them. */
export const SEMANTIC_TOKEN_TYPES = [
  'keyword',
  'operator',
  'function',
  'variable',
  'parameter',
  'string',
  'number',
  'property',
  'macro',
] as const;
export type SemanticTokenType = (typeof SEMANTIC_TOKEN_TYPES)[number];
export const SEMANTIC_TOKEN_MODIFIERS = ['deprecated', 'defaultLibrary'] as const;

export interface SemanticToken {
  readonly span: Span;
  readonly type: SemanticTokenType;
  readonly modifiers: readonly (typeof SEMANTIC_TOKEN_MODIFIERS)[number][];
}

/**
 * The parts of every check string: operators, kinds (`rule`, `role` as keywords, credential
 * keys as properties), rule names as functions, roles as variables, `%(attr)s` as parameters,
 * literals, `@`/`!` as macros. Sorted by position, never overlapping.
 */
export function semanticTokens(analysis: PolicyAnalysis): SemanticToken[] {
  const tokens: SemanticToken[] = [];
  const text = analysis.file.document.text;
  for (const { entry, parsed } of analysis.file.entries) {
    if (entry.name !== null) {
      const deprecated =
        analysis.renamed.has(entry.name) ||
        analysis.registered.get(entry.name)?.deprecated_for_removal === true;
      tokens.push({ span: entry.keySpan, type: 'property', modifiers: deprecated ? ['deprecated'] : [] });
    }
    for (const token of punctuationOf(entry)) {
      if (token.type === 'and' || token.type === 'or' || token.type === 'not')
        tokens.push({ span: token.span, type: 'operator', modifiers: [] });
      else if (token.type === 'string') tokens.push({ span: token.span, type: 'string', modifiers: [] });
    }
    forEachLeaf(parsed.display, (node) => {
      if (node.type === 'always' || node.type === 'never') {
        if (node.span.end - node.span.start === 1)
          tokens.push({ span: node.span, type: 'macro', modifiers: [] });
        return;
      }
      if (node.type !== 'check') return;
      const kindType: SemanticTokenType =
        node.kindClass === 'generic' ? (/^['"0-9TFN(-]/.test(node.kind) ? 'string' : 'property') : 'keyword';
      if (node.kindEnd > node.span.start)
        tokens.push({ span: kindSpanOf(node), type: kindType, modifiers: [] });
      const match = matchSpanOf(node);
      if (match.end <= match.start) return;
      if (node.kindClass === 'rule') {
        const registered =
          analysis.policy.rules.get(node.match)?.origin.kind !== 'file' &&
          analysis.policy.rules.has(node.match);
        tokens.push({ span: match, type: 'function', modifiers: registered ? ['defaultLibrary'] : [] });
        return;
      }
      // Split the match around `%(attr)s` placeholders.
      const source = text.slice(match.start, match.end);
      let last = 0;
      for (const placeholder of source.matchAll(/%\([^)]*\)[a-zA-Z]?/g)) {
        if (placeholder.index > last)
          tokens.push({
            span: { start: match.start + last, end: match.start + placeholder.index },
            type: node.kindClass === 'role' ? 'variable' : 'string',
            modifiers: [],
          });
        tokens.push({
          span: {
            start: match.start + placeholder.index,
            end: match.start + placeholder.index + placeholder[0].length,
          },
          type: 'parameter',
          modifiers: [],
        });
        last = placeholder.index + placeholder[0].length;
      }
      if (last < source.length)
        tokens.push({
          span: { start: match.start + last, end: match.end },
          type: node.kindClass === 'role' ? 'variable' : 'string',
          modifiers: [],
        });
    });
  }
  tokens.sort((a, b) => a.span.start - b.span.start);
  // Drop overlaps (approximate offsets in escaped scalars could produce them).
  const out: SemanticToken[] = [];
  let end = -1;
  for (const token of tokens) {
    if (token.span.start < end || token.span.end <= token.span.start) continue;
    out.push(token);
    end = token.span.end;
  }
  return out;
}

function forEachLeaf(root: CheckNode | null, visit: (node: CheckNode) => void): void {
  if (!root) return;
  const pending: CheckNode[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'not') pending.push(node.operand);
    else if (node.type === 'and' || node.type === 'or') pending.push(...node.operands);
    else visit(node);
  }
}
