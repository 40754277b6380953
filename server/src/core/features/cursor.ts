import {
  kindSpanOf,
  type AlwaysNode,
  type CheckNode,
  type CheckToken,
  type LeafCheckNode,
  type NeverNode,
  type Span,
} from '../check/checkTypes';
import { punctuationTokens } from '../check/checkTokenizer';
import type { PolicyEntry } from '../document/documentTypes';
import type { ParsedEntry } from '../engine/loadPolicy';
import type { PolicyAnalysis } from './analysis';
import { docOffsets } from '../document/scalarSource';

/** What is under the cursor in a policy file. */
export type CursorTarget =
  | { readonly kind: 'key'; readonly entry: ParsedEntry }
  | {
      readonly kind: 'leaf';
      readonly entry: ParsedEntry;
      readonly leaf: LeafCheckNode;
      readonly part: 'kind' | 'match';
      readonly attribute: AttributeAt | null;
    }
  /** `@`, `!`, or a word without a colon (which oslo.policy reads as `!`). */
  | { readonly kind: 'constant'; readonly entry: ParsedEntry; readonly node: AlwaysNode | NeverNode }
  | { readonly kind: 'token'; readonly entry: ParsedEntry; readonly token: CheckToken }
  | { readonly kind: 'value'; readonly entry: ParsedEntry }
  | { readonly kind: 'none' };

export interface AttributeAt {
  readonly name: string;
  readonly span: Span;
}

const within = (span: Span, offset: number): boolean => span.start <= offset && offset <= span.end;

/**
 * The parentheses, `and`/`or`/`not` and quoted strings of an entry's check string, in document
 * offsets. None for the list form, whose elements are all checks.
 */
export function punctuationOf(entry: PolicyEntry): CheckToken[] {
  const value = entry.value;
  return value.kind === 'string' ? punctuationTokens(value.text, docOffsets(value)) : [];
}

export function cursorTarget(analysis: PolicyAnalysis, offset: number): CursorTarget {
  const entry = analysis.entryAt(offset);
  if (!entry) return { kind: 'none' };
  if (within(entry.entry.keySpan, offset)) return { kind: 'key', entry };
  const check = checkAt(entry.parsed.display, offset);
  if (check && check.type !== 'check') return { kind: 'constant', entry, node: check };
  const leaf = check;
  if (leaf) {
    const part = within(kindSpanOf(leaf), offset) && offset < leaf.matchStart ? 'kind' : 'match';
    return {
      kind: 'leaf',
      entry,
      leaf,
      part,
      attribute: part === 'match' ? attributeAt(analysis, leaf, offset) : null,
    };
  }
  const token = punctuationOf(entry.entry).find((t) => within(t.span, offset));
  if (token) return { kind: 'token', entry, token };
  return { kind: 'value', entry };
}

/** The check at `offset`: a `kind:match` leaf, or `@`, `!` or a word without a colon. */
function checkAt(root: CheckNode | null, offset: number): LeafCheckNode | AlwaysNode | NeverNode | null {
  let node = root;
  while (node) {
    if (node.type === 'check' || node.type === 'always') return within(node.span, offset) ? node : null;
    if (node.type === 'never')
      return (node.cause === 'bang' || node.cause === 'no-colon') && within(node.span, offset) ? node : null;
    if (node.type === 'not') node = within(node.operand.span, offset) ? node.operand : null;
    else if (node.type === 'and' || node.type === 'or')
      node = node.operands.find((o) => within(o.span, offset)) ?? null;
    else return null;
  }
  return null;
}

/** The `%(name)s` around `offset` in a leaf's match, with its document span. */
function attributeAt(analysis: PolicyAnalysis, leaf: LeafCheckNode, offset: number): AttributeAt | null {
  const text = analysis.file.document.text;
  const source = text.slice(leaf.matchStart, leaf.span.end);
  // Offsets inside an escaped scalar are approximate; the raw source is what the user sees.
  for (const match of source.matchAll(/%\(([^)]*)\)[a-z]?/g)) {
    const start = leaf.matchStart + match.index;
    const span = { start, end: start + match[0].length };
    if (within(span, offset)) return { name: match[1], span };
  }
  return null;
}
