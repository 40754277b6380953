import { recoverParse } from './checkRecovery';
import type { CheckNode, CheckProblem, ParsedRule, Span } from './checkTypes';
import { identityOffsets, parseCheckToken, tokenizeCheckString, type OffsetMap } from './checkTokenizer';
import { reduceLikeOslo } from './osloReducer';

/**
 * Parses a rule's check string as oslo.policy's `_parse_text_rule` does, and reports every
 * problem with its place. `toDoc` maps indexes in `text` to document offsets.
 */
export function parseCheckString(text: string, toDoc: OffsetMap = identityOffsets): ParsedRule {
  const whole: Span = { start: toDoc(0), end: toDoc(text.length) };
  // Only the empty string allows without parsing; whitespace alone fails to parse.
  if (text.length === 0) {
    const tree: CheckNode = { type: 'always', span: whole };
    return { enforced: { type: 'tree', tree }, display: tree, tokens: [], problems: [], failed: false };
  }
  const { tokens, problems } = tokenizeCheckString(text, toDoc);
  const { rule: enforced, deepestChain } = reduceLikeOslo(tokens);
  if (enforced?.type === 'tree') {
    return { enforced, display: enforced.tree, tokens, problems, failed: false, deepestChain };
  }
  if (enforced?.type === 'plain-string') {
    const problem: CheckProblem = {
      code: 'plain-string-rule',
      span: whole,
      message:
        `oslo.policy stores this rule as the plain string '${enforced.value}', not a check: ` +
        `enforcing it (or any rule that refers to it) raises an error.`,
    };
    return { enforced, display: null, tokens, problems: [...problems, problem], failed: false, deepestChain };
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
    tokens,
    problems: [...problems, ...recoveredProblems],
    failed: true,
    deepestChain,
  };
}

/** One element of the old list form: a single check, NOT an expression (oslo's `_parse_check`). */
export function parseListElement(text: string, toDoc: OffsetMap = identityOffsets): CheckNode {
  return parseCheckToken(text, 0, toDoc);
}
