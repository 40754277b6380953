import type { ListItem, ListRuleValue } from '../document/documentTypes';
import { splitPyWhitespace } from '../python/pyText';
import { pyTypeName } from '../python/pyValue';
import { parseListElement } from './checkParser';
import type { CheckNode, CheckProblem, ParsedRule } from './checkTypes';
import { docOffsets } from '../document/scalarSource';

/** A list-form rule either parses, or makes `Rules.load` raise (a truthy non-iterable element). */
export type ListRuleReading =
  | { readonly ok: true; readonly parsed: ParsedRule }
  | { readonly ok: false; readonly exception: string; readonly message: string; readonly parsed: ParsedRule };

/**
 * oslo.policy's `_parse_list_rule`: the outer list ORs, inner lists AND; a bare string is a
 * one-item AND; falsy inner elements are skipped; an inner element that is not a string
 * (a number, a deeper list) is a check the library cannot split, which fails closed. Inner
 * strings are single checks, never expressions.
 */
export function parseListRule(value: ListRuleValue): ListRuleReading {
  if (value.items.length === 0) {
    // `if not rule: return TrueCheck()`: an empty list (or mapping) allows everyone.
    const tree: CheckNode = { type: 'always', span: value.span };
    return {
      ok: true,
      parsed: { enforced: { type: 'tree', tree }, display: tree, problems: [], failed: false },
    };
  }
  const problems: CheckProblem[] = [];
  const orList: CheckNode[] = [];
  let failure: { exception: string; message: string } | null = null;
  for (const inner of value.items) {
    if (!isTruthyItem(inner)) continue;
    if (inner.kind === 'other') {
      // `for r in 5`: iterating a number or a boolean raises TypeError while loading.
      const message = `'${pyTypeName(inner.value)}' object is not iterable`;
      failure ??= { exception: 'TypeError', message };
      problems.push({
        code: 'not-a-string',
        span: inner.span,
        message: `oslo.policy cannot load this file: ${message} (an element of the list form must be a string or a list).`,
      });
      continue;
    }
    const elements: ListItem[] = inner.kind === 'string' ? [inner] : [...inner.items];
    const andList = elements.map((element) => elementCheck(element, problems));
    if (andList.length === 1) orList.push(andList[0]);
    else
      orList.push({
        type: 'and',
        span: inner.kind === 'list' ? inner.span : andList[0].span,
        operands: andList,
      });
  }
  const tree: CheckNode =
    orList.length === 0
      ? { type: 'never', span: value.span, cause: 'empty-list' }
      : orList.length === 1
        ? orList[0]
        : { type: 'or', span: value.span, operands: orList };
  if (orList.length === 0) {
    problems.push({
      code: 'not-a-string',
      span: value.span,
      message: 'This list holds no checks: oslo.policy denies the rule (an empty inner list is skipped).',
    });
  }
  const parsed: ParsedRule = {
    enforced: { type: 'tree', tree },
    display: tree,
    problems,
    failed: false,
  };
  return failure ? { ok: false, ...failure, parsed } : { ok: true, parsed };
}

function isTruthyItem(item: ListItem): boolean {
  switch (item.kind) {
    case 'string':
      return item.value.text.length > 0;
    case 'list':
      return item.items.length > 0;
    case 'other': {
      const value = item.value;
      if (value.t === 'none') return false;
      if (value.t === 'bool') return value.v;
      if (value.t === 'int') return value.v !== 0n;
      if (value.t === 'float') return value.v !== 0;
      if (value.t === 'list') return value.items.length > 0;
      return true;
    }
  }
}

function elementCheck(element: ListItem, problems: CheckProblem[]): CheckNode {
  if (element.kind === 'string') {
    const check = parseListElement(element.value.text, docOffsets(element.value));
    if (check.type === 'never' && check.cause === 'no-colon') {
      problems.push({
        code: 'no-colon',
        span: check.span,
        message: `'${element.value.text}' is not a check (no colon): oslo.policy logs an error and this check is false.`,
      });
    } else if (splitPyWhitespace(element.value.text).length > 1) {
      // Python's whitespace, as in the tokenizer: JavaScript's `\s` also takes in U+FEFF.
      problems.push({
        code: 'not-a-string',
        span: check.span,
        message:
          'In the list form each string is ONE check, not an expression: oslo.policy reads this whole string ' +
          `as the single check '${element.value.text}'.`,
      });
    }
    return check;
  }
  // `_parse_check` of a non-string: `.split` raises AttributeError, logged, and the check is false.
  const span = element.span;
  problems.push({
    code: 'not-a-string',
    span,
    message:
      'Only strings are checks inside the list form: oslo.policy makes this element a check that is always false.',
  });
  return { type: 'never', span, cause: 'not-a-string' };
}
