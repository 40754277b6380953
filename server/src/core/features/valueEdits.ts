import { parseCheckString } from '../check/checkParser';
import { matchSpanOf, type LeafCheckNode, type Span } from '../check/checkTypes';
import type { ListItem, RuleValue, StringRuleValue } from '../document/documentTypes';
import { isPyWhitespace } from '../python/pyText';
import { yamlDoubleQuoted } from '../document/scalarWriting';
import type { TextEdit } from './entryEdits';
import { ruleReferences } from './ruleGraph';
import { docOffsets } from '../document/scalarSource';

/**
 * Edits that change the name of one `rule:` reference inside a rule's value, written so that
 * oslo.policy reads the new name: escaped for a double-quoted or JSON string, `''` for a
 * single-quoted one, as is in a plain or block scalar when that style can hold it. Otherwise
 * the whole string is rewritten double-quoted from its decoded text (a plain scalar cannot
 * hold `, [ ] { } ?` in a flow mapping or a trailing `:`, no unquoted style can hold a
 * character PyYAML refuses to read).
 */
export function renameReference(
  text: string,
  value: RuleValue,
  reference: LeafCheckNode,
  name: string,
  json: boolean,
): TextEdit | null {
  const found = stringHolding(value, reference.matchStart);
  if (!found) return null;
  const { string, listElement } = found;
  // A string of the list form is one check, never split: any name reads back there.
  if (!listElement && !referenceable(name)) return null;
  const range = listElement ? elementMatch(string) : decodedMatch(string, value, reference);
  if (!range || string.text.slice(range.start, range.end) !== reference.match) return null;
  const inPlace = string.exact ? inStyle(string.style, name) : null;
  if (inPlace !== null) return { span: matchSpanOf(reference), newText: inPlace };
  const source = text.slice(string.span.start, string.span.end);
  if (!rewritable(text, string, source)) return null;
  const decoded = string.text.slice(0, range.start) + name + string.text.slice(range.end);
  // A block scalar's span may take the line break after it, which the next key needs.
  const trailing = /[ \t\r\n]*$/.exec(source)![0];
  return {
    span: string.span,
    newText: (json ? JSON.stringify(decoded) : yamlDoubleQuoted(decoded)) + trailing,
  };
}

/**
 * Whether `rule:NAME` in a check string reads back as a reference to NAME: oslo.policy splits
 * the string on Python whitespace and strips the `)`s ending a word.
 */
export function referenceable(name: string): boolean {
  if (name.length === 0 || name.endsWith(')')) return false;
  for (let index = 0; index < name.length; index++) if (isPyWhitespace(name.charCodeAt(index))) return false;
  return true;
}

/** What PyYAML's reader accepts in a stream; a lone surrogate cannot be written in UTF-8 at all. */
const YAML_UNREADABLE = /[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/**
 * Ends a plain scalar, in a flow collection too (PyYAML's `scan_plain`); blanks are refused as
 * well, so that no ` #` or `: ` can form (only the list form's names may hold them).
 */
const PLAIN_UNSAFE = /[\0 \t\r\n\x85\u2028\u2029,?[\]{}]|:$/;

/** The name as written inside the scalar's own style, or null when that style cannot hold it. */
export function inStyle(style: StringRuleValue['style'], name: string): string | null {
  if (style === 'json') return JSON.stringify(name).slice(1, -1);
  if (style === 'double') return yamlDoubleQuoted(name).slice(1, -1);
  if (YAML_UNREADABLE.test(name) || /[\n\r\x85\u2028\u2029]/.test(name)) return null;
  if (style === 'single') return name.replace(/'/g, "''");
  if (style === 'block') return name;
  return PLAIN_UNSAFE.test(name) ? null : name;
}

/**
 * Whether the span really holds the whole scalar in its style, so that a double-quoted string
 * may replace it: a block scalar read through a shortcut may span only its content.
 */
function rewritable(text: string, string: StringRuleValue, source: string): boolean {
  switch (string.style) {
    case 'json':
    case 'double':
      return source.startsWith('"');
    case 'single':
      return source.startsWith("'");
    case 'block':
      return /^[|>]/.test(source);
    case 'plain': {
      if (/^["'|>]/.test(source)) return false;
      const before = text.slice(Math.max(0, string.span.start - 200), string.span.start);
      return !/[|>][-+0-9]*[ \t]*(#[^\n]*)?\r?\n\s*$/.test(before);
    }
  }
}

/** The string value (the whole value, or one string of the old list form) holding `offset`. */
function stringHolding(
  value: RuleValue,
  offset: number,
): { string: StringRuleValue; listElement: boolean } | null {
  if (value.kind === 'string') return { string: value, listElement: false };
  if (value.kind !== 'list') return null;
  const pending: ListItem[] = [...value.items];
  while (pending.length > 0) {
    const item = pending.pop()!;
    if (item.kind === 'list') pending.push(...item.items);
    else if (item.kind === 'string' && item.value.span.start <= offset && offset <= item.value.span.end)
      return { string: item.value, listElement: true };
  }
  return null;
}

/** In the list form a string is one check: the match is everything after the first colon. */
function elementMatch(string: StringRuleValue): Span | null {
  const colon = string.text.indexOf(':');
  return colon < 0 ? null : { start: colon + 1, end: string.text.length };
}

/**
 * The reference's place in the decoded text: the same parse over the decoded text, without
 * document offsets (which an escape or a surrogate pair makes ambiguous), gives the same
 * references in the same order.
 */
function decodedMatch(string: StringRuleValue, value: RuleValue, reference: LeafCheckNode): Span | null {
  if (value !== string) return null;
  const inDocument = ruleReferences(parseCheckString(string.text, docOffsets(string)).display);
  const index = inDocument.findIndex((r) => r.matchStart === reference.matchStart);
  const decoded = ruleReferences(parseCheckString(string.text).display)[index];
  return index < 0 || !decoded ? null : matchSpanOf(decoded);
}
