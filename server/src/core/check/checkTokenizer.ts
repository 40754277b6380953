import { isPyWhitespace } from '../python/pyText';
import type { CheckKindClass, CheckNode, CheckProblem, CheckToken, Span } from './checkTypes';

/** Maps an index in the check string to a document offset. */
export type OffsetMap = (index: number) => number;

export const identityOffsets: OffsetMap = (index) => index;

/**
 * oslo.policy's `_parse_check`: one check token to a check. `!` and `@` only as the whole
 * token; otherwise split at the FIRST colon (`rule:a:b` is rule `a:b`); no colon fails closed.
 * Kind lookup is case-sensitive: `Role:admin` is a generic check on a credential `Role`.
 */
export function parseCheckToken(
  text: string,
  start: number,
  toDoc: OffsetMap,
  /** The token's span when the caller has it: the check shares it (one object fewer per check). */
  span: Span = { start: toDoc(start), end: toDoc(start + text.length) },
): CheckNode {
  if (text === '!') return { type: 'never', span, cause: 'bang' };
  if (text === '@') return { type: 'always', span };
  const colon = text.indexOf(':');
  if (colon < 0) return { type: 'never', span, cause: 'no-colon', text };
  const kind = text.slice(0, colon);
  const kindClass = classifyKind(kind);
  return {
    type: 'check',
    span,
    // A known kind is kept as the one string of its name, not as a copy per check.
    kind: kindClass === 'generic' ? kind : kindClass,
    match: text.slice(colon + 1),
    kindClass,
    kindEnd: toDoc(start + colon),
    matchStart: toDoc(start + colon + 1),
  };
}

/** The class of a kind; a known kind comes back as the one string of its name, not as `kind` (a copy per check). */
export function classifyKind(kind: string): CheckKindClass {
  switch (kind) {
    case 'rule':
      return 'rule';
    case 'role':
      return 'role';
    case 'http':
      return 'http';
    case 'https':
      return 'https';
    default:
      return 'generic';
  }
}

export interface Tokenized {
  readonly tokens: CheckToken[];
  readonly problems: CheckProblem[];
}

/**
 * oslo.policy's `_parse_tokenize`, with offsets. The string is split on Python's `\s+`; each
 * piece yields a `(` per leading parenthesis, then the rest without its trailing `)`s as an
 * operator (case-insensitive), a quoted string, or a check, then a `)` per trailing
 * parenthesis. Parentheses inside a piece are part of the check.
 */
export function tokenizeCheckString(text: string, toDoc: OffsetMap = identityOffsets): Tokenized {
  const tokens: CheckToken[] = [];
  const problems: CheckProblem[] = [];
  forEachPiece(text, (start, end) => tokenizePiece(text, start, end, toDoc, tokens, problems));
  return { tokens, problems };
}

/**
 * The tokens of `tokenizeCheckString` that are not checks (parentheses, operators, quoted
 * strings), without parsing the checks: what semantic tokens and the cursor need of a rule, found
 * again when asked (parsed rules do not keep their tokens, see `ParsedRule`).
 */
export function punctuationTokens(text: string, toDoc: OffsetMap): CheckToken[] {
  const tokens: CheckToken[] = [];
  forEachPiece(text, (start, end) => tokenizePiece(text, start, end, toDoc, tokens, null));
  return tokens;
}

/** Calls `visit` with the [start, end) of every piece of `text` between Python whitespace. */
export function forEachPiece(text: string, visit: (start: number, end: number) => void): void {
  const length = text.length;
  let index = 0;
  while (index < length) {
    while (index < length && isPyWhitespace(text.charCodeAt(index))) index++;
    if (index >= length) break;
    const pieceStart = index;
    while (index < length && !isPyWhitespace(text.charCodeAt(index))) index++;
    visit(pieceStart, index);
  }
}

function tokenizePiece(
  text: string,
  start: number,
  end: number,
  toDoc: OffsetMap,
  tokens: CheckToken[],
  /** Null to leave check tokens out. */
  problems: CheckProblem[] | null,
): void {
  let cleanStart = start;
  while (cleanStart < end && text.charCodeAt(cleanStart) === 0x28 /* ( */) {
    tokens.push({ type: '(', span: { start: toDoc(cleanStart), end: toDoc(cleanStart + 1) }, text: '(' });
    cleanStart++;
  }
  if (cleanStart === end) return;
  let cleanEnd = end;
  while (cleanEnd > cleanStart && text.charCodeAt(cleanEnd - 1) === 0x29 /* ) */) cleanEnd--;
  const clean = text.slice(cleanStart, cleanEnd);
  const span = { start: toDoc(cleanStart), end: toDoc(cleanEnd) };
  const lowered = clean.length <= 3 ? clean.toLowerCase() : '';
  if (lowered === 'and' || lowered === 'or' || lowered === 'not') {
    tokens.push({ type: lowered, span, text: clean });
  } else if (clean.length > 0) {
    // The quote test looks at the piece before its trailing parentheses are cut, so `'x')` is
    // a check token (without a colon) while `'x'` is a string token.
    const first = text.charCodeAt(cleanStart);
    const last = text.charCodeAt(end - 1);
    if (end - cleanStart >= 2 && first === last && (first === 0x22 || first === 0x27)) {
      tokens.push({ type: 'string', span, text: text.slice(cleanStart + 1, end - 1) });
    } else if (problems !== null) {
      const check = parseCheckToken(clean, cleanStart, toDoc, span);
      tokens.push({ type: 'check', span, text: clean, check });
      noteCheckTokenProblems(clean, check, problems);
    }
  }
  for (let index = cleanEnd; index < end; index++) {
    tokens.push({ type: ')', span: { start: toDoc(index), end: toDoc(index + 1) }, text: ')' });
  }
}

function noteCheckTokenProblems(clean: string, check: CheckNode, problems: CheckProblem[]): void {
  if (check.type === 'never' && check.cause === 'no-colon') {
    problems.push({
      code: 'no-colon',
      span: check.span,
      message: `'${clean}' is not a check (no ':'): oslo.policy logs an error and treats it as '!' (always deny).`,
    });
  }
  if (
    check.type === 'check' &&
    (clean.includes('(') || clean.includes(')')) &&
    /[()]/.test(clean.replace(/%\([^)]*\)/g, ''))
  ) {
    problems.push({
      code: 'paren-inside-token',
      span: check.span,
      message:
        `Parentheses count only at the edges of a whitespace-separated token: oslo.policy reads ` +
        `'${clean}' as ONE ${check.kind}: check with match '${check.match}'. Put spaces around operators.`,
    });
  }
}
