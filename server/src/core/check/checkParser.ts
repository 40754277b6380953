import { recoverParse } from './checkRecovery';
import type { CheckNode, CheckProblem, EnforcedRule, ParsedRule, Span } from './checkTypes';
import {
  classifyKind,
  forEachPiece,
  identityOffsets,
  parseCheckToken,
  tokenizeCheckString,
  type OffsetMap,
} from './checkTokenizer';
import { OsloReducer, reduceLikeOslo } from './osloReducer';

/**
 * Parses a rule's check string as oslo.policy's `_parse_text_rule` does, and reports every
 * problem with its place. `toDoc` maps indexes in `text` to document offsets.
 */
export function parseCheckString(text: string, toDoc: OffsetMap = identityOffsets): ParsedRule {
  // Only the empty string allows without parsing; whitespace alone fails to parse.
  if (text.length === 0) {
    const whole: Span = { start: toDoc(0), end: toDoc(0) };
    const tree: CheckNode = { type: 'always', span: whole };
    return { enforced: { type: 'tree', tree }, display: tree, problems: [], failed: false };
  }
  const { tokens, problems } = tokenizeCheckString(text, toDoc);
  const { rule: enforced, deepestChain } = reduceLikeOslo(tokens);
  if (enforced?.type === 'tree') {
    // Most rules have none: one shared empty list instead of one per parse that a file keeps.
    const found = problems.length > 0 ? problems : NO_PROBLEMS;
    return { enforced, display: enforced.tree, problems: found, failed: false, deepestChain };
  }
  const whole: Span = { start: toDoc(0), end: toDoc(text.length) };
  if (enforced?.type === 'plain-string') {
    const problem: CheckProblem = {
      code: 'plain-string-rule',
      span: whole,
      message:
        `oslo.policy stores this rule as the plain string '${enforced.value}', not a check: ` +
        `enforcing it (or any rule that refers to it) raises an error.`,
    };
    return { enforced, display: null, problems: [...problems, problem], failed: false, deepestChain };
  }
  const recovered = recoverParse(tokens, whole);
  const failure: CheckNode = { type: 'never', span: whole, cause: 'parse-failure' };
  const recoveredProblems =
    recovered.problems.length > 0
      ? recovered.problems
      : [
          {
            code: 'parse-failure' as const,
            span: whole,
            message: 'oslo.policy cannot parse this rule and will deny it entirely.',
          },
        ];
  return {
    enforced: { type: 'tree', tree: failure },
    display: recovered.tree,
    problems: [...problems, ...recoveredProblems],
    failed: true,
    deepestChain,
  };
}

/**
 * Only what oslo.policy enforces, for bulk decisions (`os-policy eval`, simulation, defaults):
 * no problem reports and no tolerant re-parse of broken rules, which only the editor needs.
 */
export function parseEnforcedRule(text: string): EnforcedRule {
  if (text.length === 0) return { type: 'tree', tree: { type: 'always', span: NO_SPAN } };
  const reducer = new OsloReducer();
  forEachPiece(text, (start, end) => shiftPiece(reducer, text, start, end));
  return (
    reducer.finish().rule ?? { type: 'tree', tree: { type: 'never', span: NO_SPAN, cause: 'parse-failure' } }
  );
}

/** Above this many remembered check strings the memo starts again: a bound on memory. */
const REGISTERED_LIMIT = 8192;
const registeredParses = new Map<string, EnforcedRule>();

/**
 * `parseEnforcedRule` of a registered default's check string, remembered by its text: the same
 * few hundred strings are parsed for the vocabulary, the effective policy and the redundancy
 * check of every document, and opening Neutron's file parsed each of them twice. The trees carry
 * no positions and are never changed, so every caller can share them.
 */
export function parseRegisteredRule(text: string): EnforcedRule {
  let rule = registeredParses.get(text);
  if (!rule) {
    if (registeredParses.size >= REGISTERED_LIMIT) registeredParses.clear();
    rule = parseEnforcedRule(text);
    registeredParses.set(text, rule);
  }
  return rule;
}

const NO_PROBLEMS: readonly CheckProblem[] = [];

/** Bulk-parsed trees carry no source positions. */
const NO_SPAN: Span = { start: 0, end: 0 };

/** The tokenizer's per-piece step (see `tokenizeCheckString`), shifting straight into the reducer. */
function shiftPiece(reducer: OsloReducer, text: string, start: number, end: number): void {
  let cleanStart = start;
  while (cleanStart < end && text.charCodeAt(cleanStart) === 0x28) {
    reducer.shift('(', '(', NO_SPAN);
    cleanStart++;
  }
  if (cleanStart === end) return;
  let cleanEnd = end;
  while (cleanEnd > cleanStart && text.charCodeAt(cleanEnd - 1) === 0x29) cleanEnd--;
  const clean = text.slice(cleanStart, cleanEnd);
  const lowered = clean.length <= 3 ? clean.toLowerCase() : '';
  if (lowered === 'and' || lowered === 'or' || lowered === 'not') reducer.shift(lowered, clean, NO_SPAN);
  else if (clean.length > 0) {
    const first = text.charCodeAt(cleanStart);
    if (end - cleanStart >= 2 && first === text.charCodeAt(end - 1) && (first === 0x22 || first === 0x27)) {
      reducer.shift('string', text.slice(cleanStart + 1, end - 1), NO_SPAN);
    } else reducer.shift('check', bareCheck(clean), NO_SPAN);
  }
  for (let index = cleanEnd; index < end; index++) reducer.shift(')', ')', NO_SPAN);
}

/** `_parse_check` without positions. */
function bareCheck(token: string): CheckNode {
  if (token === '!') return { type: 'never', span: NO_SPAN, cause: 'bang' };
  if (token === '@') return { type: 'always', span: NO_SPAN };
  const colon = token.indexOf(':');
  if (colon < 0) return { type: 'never', span: NO_SPAN, cause: 'no-colon', text: token };
  const kind = token.slice(0, colon);
  return {
    type: 'check',
    span: NO_SPAN,
    kind,
    match: token.slice(colon + 1),
    kindClass: classifyKind(kind),
    kindEnd: 0,
    matchStart: 0,
  };
}

/** One element of the old list form: a single check, NOT an expression (oslo's `_parse_check`). */
export function parseListElement(text: string, toDoc: OffsetMap = identityOffsets): CheckNode {
  return parseCheckToken(text, 0, toDoc);
}
