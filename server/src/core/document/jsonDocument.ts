import type { Span } from '../check/checkTypes';
import { jsonToPy, type JsonNode } from '../python/pyJson';
import { pyStr } from '../python/pyValue';
import type { ListItem, PolicyEntry, RuleValue, StringRuleValue } from './documentTypes';
import { approximate, decodeDoubleQuoted, offsetsFromStart, verbatimQuoted } from './scalarSource';

/** The entries of a policy file that Python's `json.loads` accepted, with their source ranges. */
export function jsonEntries(text: string, root: JsonNode): PolicyEntry[] {
  if (root.kind !== 'object') return [];
  return root.members.map((member) => {
    const keySpan = { start: member.keyStart, end: member.keyEnd };
    const value = ruleValue(text, member.value);
    return {
      name: member.key,
      key: pyStr(member.key),
      keySpan,
      value,
      span: { start: keySpan.start, end: value.span.end },
    };
  });
}

function spanOf(node: JsonNode): Span {
  return { start: node.start, end: node.end };
}

function stringValue(text: string, node: JsonNode & { kind: 'string' }): StringRuleValue {
  // Without a backslash the value is the source between the quotes (JSON strings hold no line
  // breaks): nothing to decode, which for a 1 MB check string was most of the analysis.
  const decoded = hasBackslash(text, node.start + 1, node.end - 1)
    ? decodeDoubleQuoted(text.slice(node.start, node.end), node.start)
    : verbatimQuoted(node.value, node.start + 1);
  const exact = decoded !== null && decoded.text === node.value;
  const source = exact ? decoded : approximate(node.value, node.start + 1, node.end - 1);
  const span = spanOf(node);
  return {
    kind: 'string',
    text: node.value,
    fromStart: offsetsFromStart(source, span.start),
    span,
    style: 'json',
    exact,
  };
}

function hasBackslash(text: string, from: number, to: number): boolean {
  for (let index = from; index < to; index++) if (text.charCodeAt(index) === 0x5c) return true;
  return false;
}

function ruleValue(text: string, node: JsonNode): RuleValue {
  if (node.kind === 'string') return stringValue(text, node);
  if (node.kind === 'array' || node.kind === 'object')
    return { kind: 'list', items: listItems(text, node, 1), span: spanOf(node) };
  return {
    kind: 'other',
    value: jsonToPy(node),
    span: spanOf(node),
    source: text.slice(node.start, node.end),
  };
}

/** The old list form; an object is iterated by its keys, as Python iterates a dict. */
function listItems(text: string, node: JsonNode, depth: number): ListItem[] {
  const children: JsonNode[] =
    node.kind === 'array' ? [...node.items] : node.kind === 'object' ? keyNodes(node) : [];
  return children.map((child): ListItem => {
    if (child.kind === 'string') return { kind: 'string', value: stringValue(text, child) };
    if (child.kind === 'array' || child.kind === 'object') {
      // oslo.policy only looks two levels deep: deeper collections are single failing checks.
      return depth < 2
        ? { kind: 'list', items: listItems(text, child, depth + 1), span: spanOf(child) }
        : { kind: 'other', value: { t: 'list', items: [] }, span: spanOf(child) };
    }
    return { kind: 'other', value: jsonToPy(child), span: spanOf(child) };
  });
}

/** A dict's keys, deduplicated as Python's dict does (first position kept). */
function keyNodes(node: JsonNode & { kind: 'object' }): JsonNode[] {
  const seen = new Set<string>();
  const keys: JsonNode[] = [];
  for (const member of node.members) {
    if (seen.has(member.key)) continue;
    seen.add(member.key);
    keys.push({ kind: 'string', value: member.key, start: member.keyStart, end: member.keyEnd });
  }
  return keys;
}
