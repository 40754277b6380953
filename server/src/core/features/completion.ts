import type { Span } from '../check/checkTypes';
import { CREDENTIAL_KEYS, describeAttribute, KEYSTONE_ROLES } from '../catalog/vocabulary';
import type { PolicyAnalysis } from './analysis';
import { yamlDoubleQuoted } from '../document/scalarWriting';
import type { StringRuleValue } from '../document/documentTypes';
import type { TextEdit } from './entryEdits';
import { inStyle, referenceable } from './valueEdits';
import { flowMappingStart, flowPosition, placeKey } from './keyCompletion';

export type CompletionKind = 'policy' | 'rule' | 'role' | 'attribute' | 'kind' | 'operator' | 'credential';

export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionKind;
  /** Text replacing `range`; a snippet when `snippet` is true. */
  readonly insertText: string;
  readonly snippet: boolean;
  readonly range: Span;
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  readonly sortText?: string;
  /** What the editor filters on when the range starts with a quote the label lacks. */
  readonly filterText?: string;
  /** Edits elsewhere that the insertion needs: the comma after the previous entry of a `{...}`. */
  readonly additionalEdits?: readonly TextEdit[];
}

/**
 * Completion at `offset`, decided from the text before the cursor on its line (the file is
 * often half-typed, so the parse tree cannot be trusted here): a policy name at the start of a
 * line, else inside a value the piece being typed: `rule:`, `role:`, `%(`, a kind or an operator.
 */
export function complete(analysis: PolicyAnalysis, offset: number): CompletionItem[] {
  const text = analysis.file.document.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  // JSON being typed is often not JSON yet (a trailing comma): `{` decides, as for YAML `{...}`.
  const json = analysis.file.document.format === 'json';
  const flowStart = flowMappingStart(text);
  const flow = flowStart >= 0 || json;
  if (flow && offset <= flowStart) return [];
  const position = flow ? flowPosition(before) : null;
  const valueStart = position
    ? 'valueStart' in position
      ? position.valueStart
      : -1
    : findValueStart(before, false);
  if (valueStart < 0) {
    const typed = position && 'key' in position ? position.key : /["']?[^"':\s]*$/.exec(before)![0];
    return policyNames(analysis, offset, typed, flow, json);
  }
  const value = before.slice(valueStart);
  const attribute = /%\(([^)\s]*)$/.exec(value);
  if (attribute) return attributes(analysis, { start: offset - attribute[1].length, end: offset });
  const piece = /[^\s"'(]*$/.exec(value)![0];
  const pieceStart = offset - piece.length;
  if (piece.startsWith('rule:')) {
    const style =
      scalarStyleAt(analysis, offset) ?? typedStyle(json, valueStart > 0 ? before[valueStart - 1] : '');
    return rules(analysis, { start: pieceStart + 5, end: offset }, style);
  }
  if (piece.startsWith('role:')) return roles(analysis, { start: pieceStart + 5, end: offset });
  if (piece.includes(':')) return [];
  return [
    ...kinds({ start: pieceStart, end: offset }, value.trim().length > 0),
    ...credentialKeys({ start: pieceStart, end: offset }),
  ];
}

/** Where the value starts on this line, or -1 when the cursor is still in the key. */
function findValueStart(before: string, json: boolean): number {
  if (json) {
    // `"name": "value` — the value starts after the third quote.
    const match = /^\s*"(?:[^"\\]|\\.)*"\s*:\s*"/.exec(before);
    return match ? match[0].length : -1;
  }
  if (/^\s+/.test(before) && !/^\s*-/.test(before)) return 0;
  const match = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#]*?):(?:\s+|$)/.exec(before);
  if (!match || match[0].length > before.length) return -1;
  if (!/:\s+$/.test(match[0]) && match[0].length === before.length) return -1;
  const rest = before.slice(match[0].length);
  return match[0].length + (/^["']/.test(rest) ? 1 : 0);
}

function policyNames(
  analysis: PolicyAnalysis,
  offset: number,
  typed: string,
  flow: boolean,
  json: boolean,
): CompletionItem[] {
  const place = placeKey(analysis.file.document.text, offset, typed, flow);
  const quoted = json ? JSON.stringify : yamlDoubleQuoted;
  const additionalEdits =
    place.commaBefore === null
      ? undefined
      : [{ span: { start: place.commaBefore, end: place.commaBefore }, newText: ',' }];
  const items: CompletionItem[] = [];
  for (const rule of analysis.registered.values()) {
    if (analysis.byName.has(rule.name)) continue;
    const key = snippetText(quoted(rule.name));
    const insertText = place.existingKey
      ? key
      : `${key}: "\${1:${snippetText(quoted(rule.check_str).slice(1, -1))}}"${place.commaAfter ? ',' : ''}`;
    const operations = rule.operations.map((op) => `${op.method} ${op.path}`).join('\n');
    items.push({
      label: rule.name,
      kind: 'policy',
      insertText,
      snippet: true,
      range: place.range,
      detail: rule.check_str || '"" (allows everyone)',
      documentation: [rule.description?.trim() ?? '', operations ? `\`\`\`\n${operations}\n\`\`\`` : '']
        .filter(Boolean)
        .join('\n\n'),
      sortText: rule.deprecated_for_removal ? `z${rule.name}` : rule.name,
      filterText: place.quote ? `${place.quote}${rule.name}` : undefined,
      additionalEdits,
    });
  }
  return items;
}

/** Text a snippet inserts literally: `$`, `}` and `\\` are its own syntax. */
const snippetText = (text: string): string => text.replace(/[$}\\]/g, '\\$&');

/** The style of the string value being typed in, when the parse has one there. */
function scalarStyleAt(analysis: PolicyAnalysis, offset: number): StringRuleValue['style'] | null {
  const value = analysis.entryAt(offset)?.entry.value;
  if (value?.kind !== 'string' || offset < value.span.start || offset > value.span.end) return null;
  return value.style;
}

/** Without a parse, the quote that opened the value on this line tells. */
function typedStyle(json: boolean, quote: string): StringRuleValue['style'] {
  if (json) return 'json';
  return quote === '"' ? 'double' : quote === "'" ? 'single' : 'plain';
}

/**
 * Rule names, each written as the scalar's style needs (`\"` in a double-quoted string, `''`
 * in a single-quoted one); names oslo.policy cannot reference from a check string (with
 * whitespace, ending in `)`) or the style cannot hold are not offered.
 */
function rules(analysis: PolicyAnalysis, range: Span, style: StringRuleValue['style']): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const [name, effective] of analysis.policy.rules) {
    const written = referenceable(name) ? inStyle(style, name) : null;
    if (written === null) continue;
    const fromFile = effective.origin.kind === 'file';
    items.push({
      label: name,
      kind: 'rule',
      insertText: written,
      snippet: false,
      range,
      filterText: written === name ? undefined : written,
      detail: fromFile ? 'defined in this file' : 'registered default',
      sortText: `${fromFile ? '0' : '1'}${name}`,
    });
  }
  return items;
}

function roles(analysis: PolicyAnalysis, range: Span): CompletionItem[] {
  const items: CompletionItem[] = [];
  const keystone = new Map(KEYSTONE_ROLES.map((role) => [role.name, role.description]));
  const seen = new Set<string>();
  const add = (role: string, detail: string, sortText: string): void => {
    seen.add(role);
    items.push({ label: role, kind: 'role', insertText: role, snippet: false, range, detail, sortText });
  };
  for (const [role, users] of analysis.vocabulary.roles) {
    add(
      role,
      keystone.get(role) ?? `used by ${users.length} default(s)`,
      `${keystone.has(role) ? '0' : '1'}${role}`,
    );
  }
  // Roles the file itself uses (oslo.policy compares roles lowercased).
  for (const match of analysis.file.document.text.matchAll(/role:([A-Za-z0-9_.-]+)/g)) {
    const role = match[1].toLowerCase();
    if (!seen.has(role)) add(role, 'used in this file', `2${role}`);
  }
  return items;
}

function attributes(analysis: PolicyAnalysis, range: Span): CompletionItem[] {
  return [...analysis.vocabulary.attributes].map(([name, users]) => ({
    label: name,
    kind: 'attribute' as const,
    insertText: `${name})s`,
    snippet: false,
    range,
    detail: describeAttribute(name) ?? `used by ${users.length} default(s)`,
    documentation: `Used by ${users
      .slice(0, 8)
      .map((u) => `\`${u}\``)
      .join(', ')}${users.length > 8 ? ', ...' : ''}.`,
  }));
}

const KIND_ITEMS: readonly [string, string, string][] = [
  ['role:', 'role:${1:reader}', 'The token holds this role (case-insensitive).'],
  ['rule:', 'rule:${1}', 'Another rule of this file or of the registered defaults.'],
  ['project_id:%(project_id)s', 'project_id:%(${1:project_id})s', "The token's project owns the target."],
  ['user_id:%(user_id)s', 'user_id:%(${1:user_id})s', 'The user owns the target.'],
  ['domain_id:%(domain_id)s', 'domain_id:%(${1:domain_id})s', "The token's domain is the target's."],
  ['system_scope:all', 'system_scope:all', 'A system-scoped token.'],
  ['is_admin:True', 'is_admin:True', 'The context is admin (set by some services).'],
  ['@', '@', 'Always allows.'],
  ['!', '!', 'Always denies.'],
];

function kinds(range: Span, afterSomething: boolean): CompletionItem[] {
  const items: CompletionItem[] = KIND_ITEMS.map(([label, insertText, detail], index) => ({
    label,
    kind: 'kind' as const,
    insertText,
    snippet: true,
    range,
    detail,
    sortText: `0${index}`,
  }));
  const operators = afterSomething ? ['and', 'or', 'not'] : ['not'];
  for (const operator of operators) {
    items.push({
      label: operator,
      kind: 'operator',
      insertText: `${operator} `,
      snippet: false,
      range,
      sortText: `1${operator}`,
    });
  }
  return items;
}

function credentialKeys(range: Span): CompletionItem[] {
  return CREDENTIAL_KEYS.map((key) => ({
    label: `${key.name}:`,
    kind: 'credential' as const,
    insertText: `${key.name}:`,
    snippet: false,
    range,
    detail: key.description,
    sortText: `2${key.name}`,
  }));
}
