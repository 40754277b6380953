import { tokenizeCheckString } from '../check/checkTokenizer';
import { parseListElement } from '../check/checkParser';
import {
  matchSpanOf,
  type CheckNode,
  type ParsedRule,
  type Span,
  type LeafCheckNode,
} from '../check/checkTypes';
import type {
  ListItem,
  PolicyDocument,
  PolicyEntry,
  RuleValue,
  StringRuleValue,
} from '../document/documentTypes';
import { readPolicyDocument } from '../document/policyDocument';
import {
  allYamlPrintable,
  fitsInsidePlainScalar,
  hasLoneSurrogate,
  isPlainYamlKey,
  jsonStringBody,
  yamlDoubleQuoted,
  yamlDoubleQuotedBody,
  yamlSingleQuotedBody,
} from '../document/scalarWriting';
import { loadPolicyFile, type LoadedFile } from '../engine/loadPolicy';
import { isPyWhitespace } from '../python/pyText';
import type { PolicyAnalysis } from './analysis';
import { layerLabel, layersUsing } from './layers';
import { ruleNameAt } from './references';
import { docOffsets } from '../document/scalarSource';

export interface RenameEdit {
  readonly span: Span;
  readonly newText: string;
}

/** The edits of a rename in another file of a policy.d folder (spans in that file's text). */
export interface LayerRenameEdits {
  readonly uri: string;
  readonly text: string;
  readonly edits: readonly RenameEdit[];
}

/** A rename either edits the file (and the other files of its policy.d folder) or says why it will not. */
export type RenameAnswer =
  | {
      readonly ok: true;
      readonly edits: readonly RenameEdit[];
      readonly elsewhere: readonly LayerRenameEdits[];
    }
  | { readonly ok: false; readonly message: string };

export type PrepareAnswer =
  | { readonly ok: true; readonly span: Span; readonly placeholder: string }
  | { readonly ok: false; readonly message: string };

/**
 * What can be renamed at the cursor: the name without the key's quotes, or why not. Null when
 * the cursor is on no rule name.
 */
export function prepareRename(analysis: PolicyAnalysis, offset: number): PrepareAnswer | null {
  const at = ruleNameAt(analysis, offset);
  if (!at) return null;
  const refusal = whyNotRename(analysis, at.name);
  if (refusal) return { ok: false, message: refusal };
  const raw = analysis.file.document.text.slice(at.span.start, at.span.end);
  const quoted = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.endsWith(raw[0]);
  const span = quoted ? { start: at.span.start + 1, end: at.span.end - 1 } : at.span;
  return { ok: true, span, placeholder: at.name };
}

/**
 * Renames the rule at the cursor in its keys and every `rule:` reference of the file. The
 * edits are checked by reading the edited text again: unless every rule comes back with the
 * same meaning (the renamed one under its new name), the rename is refused rather than
 * written. Null when the cursor is on no rule name.
 */
export function renameRule(analysis: PolicyAnalysis, offset: number, newName: string): RenameAnswer | null {
  const at = ruleNameAt(analysis, offset);
  if (!at) return null;
  const oldName = at.name;
  if (newName === oldName) return { ok: true, edits: [], elsewhere: [] };
  const refusal = whyNotRename(analysis, oldName) ?? whyNotNewName(analysis, oldName, newName);
  if (refusal) return { ok: false, message: refusal };
  const rename = { from: oldName, to: newName };
  const here = renameIn(analysis.file, rename);
  if (typeof here === 'string')
    return { ok: false, message: `Cannot rename '${oldName}' to '${newName}' safely: ${here}.` };
  // policy.d: the other files that define or use the name are renamed with this one, so that
  // the merged policy keeps every rule's meaning (and the same file wins each name).
  const elsewhere: LayerRenameEdits[] = [];
  for (const layer of layersUsing(analysis.layers, oldName)) {
    const edits = renameIn(layer.file, rename);
    if (typeof edits === 'string') {
      const where = layerLabel(analysis.uri, layer.uri);
      return {
        ok: false,
        message: `Cannot rename '${oldName}' to '${newName}' safely in ${where}: ${edits}.`,
      };
    }
    elsewhere.push({ uri: layer.uri, text: layer.file.document.text, edits });
  }
  return { ok: true, edits: here, elsewhere };
}

/** One file's edits, checked by reading the edited text again; or why they cannot be made. */
function renameIn(file: LoadedFile, rename: Rename): RenameEdit[] | string {
  let reason = '';
  // First in the file's own styles; then every key and every touched value double-quoted,
  // the one spelling with escapes for everything.
  for (const requote of [false, true]) {
    const planned = planEdits(file.document, rename, requote);
    if (typeof planned === 'string') {
      reason = planned;
      continue;
    }
    const problem = checkRenamed(file, applyEdits(file.document.text, planned), rename);
    if (problem === null) return planned;
    reason = problem;
  }
  return reason;
}

/**
 * Names the service knows are refused: oslo.policy looks a registered policy up by its name,
 * so a renamed override silently stops applying (and the registered default comes back);
 * an override of a deprecated name still applies to its replacement; `default_rule` is found
 * by name too. A registered default referenced but not defined here has no key to rename.
 */
function whyNotRename(analysis: PolicyAnalysis, name: string): string | null {
  const namespaces = analysis.choice.namespaces.join(', ');
  if (analysis.registered.has(name)) {
    return analysis.byName.has(name)
      ? `'${name}' is a policy registered by ${namespaces}: the service enforces it by this name, so renaming the override would silently drop it. Rename only rules of your own.`
      : `'${name}' is a registered default of ${namespaces}, not a rule of this file: there is nothing here to rename.`;
  }
  const replacement = analysis.renamed.get(name);
  if (replacement) {
    return `'${name}' is the deprecated name of '${replacement.name}': oslo.policy still applies an override of it there, so renaming it would silently drop the override. Use the quick fix that upgrades the name instead.`;
  }
  if (name === analysis.settings.defaultRule) {
    return `'${name}' is the default rule (osPolicy.defaultRule): oslo.policy uses it by this name for checks without a rule of their own.`;
  }
  return null;
}

function whyNotNewName(analysis: PolicyAnalysis, oldName: string, newName: string): string | null {
  if (newName.length === 0) return 'A rule name cannot be empty.';
  if (hasLoneSurrogate(newName)) return `'${newName}' is not valid Unicode text.`;
  // oslo.policy splits a check string on whitespace (Python's, `str.split()`) and cuts the
  // parentheses off each piece, so `rule:` can name no rule with whitespace or a parenthesis
  // at its end; one inside stays in the name but reads as a misplaced parenthesis.
  for (const char of newName) {
    if (isPyWhitespace(char.codePointAt(0)!))
      return `'${newName}' cannot be referenced as rule:${newName}: oslo.policy ends a rule name at whitespace.`;
  }
  if (/[()]/.test(newName))
    return `'${newName}' cannot be referenced as rule:${newName}: oslo.policy cuts parentheses off the ends of a check, and one inside reads as a misplaced parenthesis.`;
  if (analysis.file.document.entries.some((entry) => entry.name === newName))
    return `'${newName}' is already defined in this file.`;
  if (analysis.registered.has(newName) || analysis.renamed.has(newName))
    return `'${newName}' is a policy registered by ${analysis.choice.namespaces.join(', ')}: the renamed rule would become an override of it.`;
  if (analysis.policy.rules.has(newName)) return `'${newName}' is already a rule of the effective policy.`;
  if (newName === analysis.settings.defaultRule)
    return `'${newName}' is the default rule (osPolicy.defaultRule): the renamed rule would start deciding every check without a rule of its own.`;
  const referenced = analysis.file.document.entries.some((entry) =>
    stringValues(entry.value).some((value) => referencesIn(value.value, value.list, newName).length > 0),
  );
  if (referenced)
    return `rule:${newName} is already used in this file: those references would start to mean the renamed '${oldName}'.`;
  return null;
}

interface Rename {
  readonly from: string;
  readonly to: string;
}

/** A string of the file that is one rule (`list` false) or one check of the old list form. */
interface StringValue {
  readonly value: StringRuleValue;
  readonly list: boolean;
}

function stringValues(value: RuleValue): StringValue[] {
  if (value.kind === 'string') return [{ value, list: false }];
  if (value.kind !== 'list') return [];
  const found: StringValue[] = [];
  const visit = (items: readonly ListItem[]): void => {
    for (const item of items) {
      if (item.kind === 'string') found.push({ value: item.value, list: true });
      else if (item.kind === 'list') visit(item.items);
    }
  };
  visit(value.items);
  return found;
}

/** The `rule:name` matches in a value, as spans of its decoded text. */
function referencesIn(value: StringRuleValue, list: boolean, name: string): Span[] {
  const isReference = (check: CheckNode | undefined): check is LeafCheckNode =>
    check?.type === 'check' && check.kindClass === 'rule' && check.match === name;
  if (list) {
    const check = parseListElement(value.text);
    return isReference(check) ? [matchSpanOf(check)] : [];
  }
  const spans: Span[] = [];
  for (const token of tokenizeCheckString(value.text).tokens)
    if (isReference(token.check)) spans.push(matchSpanOf(token.check));
  return spans;
}

/** The edits of a rename, or why they cannot be made. */
function planEdits(document: PolicyDocument, rename: Rename, requote: boolean): RenameEdit[] | string {
  const edits: RenameEdit[] = [];
  for (const entry of document.entries) {
    if (entry.name === rename.from) {
      const key = keyText(document, entry, rename.to, requote);
      if (key === null) return `a key of '${rename.from}' is written as an alias`;
      edits.push({ span: entry.keySpan, newText: key });
    }
    for (const { value, list } of stringValues(entry.value)) {
      const references = referencesIn(value, list, rename.from);
      if (references.length === 0) continue;
      const planned = valueEdits(document, value, references, rename.to, requote);
      if (typeof planned === 'string') return planned;
      edits.push(...planned);
    }
  }
  return distinctEdits(edits);
}

function keyText(
  document: PolicyDocument,
  entry: PolicyEntry,
  name: string,
  requote: boolean,
): string | null {
  if (document.format === 'json') return JSON.stringify(name);
  const first = document.text[entry.keySpan.start];
  if (first === '*') return null;
  const single = yamlSingleQuotedBody(name);
  if (requote || first === '"' || single === null) return yamlDoubleQuoted(name);
  if (first === "'") return `'${single}'`;
  // A plain key stays plain when PyYAML reads it back as this string (not `yes`, `1.5`, `~`).
  return isPlainYamlKey(name) ? name : `'${single}'`;
}

/**
 * Edits of the references inside one value: the new name written in the value's own style
 * where that style can carry it and the offsets are exact; else the whole value written
 * again, double-quoted. A block scalar has no escapes and is never rewritten whole (its
 * layout is the user's): it takes the name as is, or the rename is refused.
 */
function valueEdits(
  document: PolicyDocument,
  value: StringRuleValue,
  references: readonly Span[],
  name: string,
  requote: boolean,
): RenameEdit[] | string {
  const inline = inlineName(value, name);
  const keepStyle = value.style === 'block' || value.style === 'json' || value.style === 'double' || !requote;
  if (value.exact && inline !== null && keepStyle) {
    return references.map((reference) => ({ span: sourceSpan(value, reference), newText: inline }));
  }
  if (value.style === 'block') {
    return value.exact
      ? `a block scalar (| or >) has no escapes for the new name`
      : `the offsets inside the block scalar at offset ${value.span.start} are not exactly known`;
  }
  const source = document.text[value.span.start];
  if (source === '*' || source === '&' || source === '!')
    return 'a value to re-quote has an alias, anchor or tag';
  let renamed = '';
  let from = 0;
  for (const reference of references) {
    renamed += value.text.slice(from, reference.start) + name;
    from = reference.end;
  }
  renamed += value.text.slice(from);
  const newText = document.format === 'json' ? JSON.stringify(renamed) : yamlDoubleQuoted(renamed);
  return [{ span: value.span, newText }];
}

/** The new name as written inside a scalar of the value's style, or null when it cannot be. */
function inlineName(value: StringRuleValue, name: string): string | null {
  switch (value.style) {
    case 'json':
      return jsonStringBody(name);
    case 'double':
      return yamlDoubleQuotedBody(name);
    case 'single':
      return yamlSingleQuotedBody(name);
    case 'plain':
      return fitsInsidePlainScalar(name) ? name : null;
    case 'block':
      return allYamlPrintable(name) ? name : null;
  }
}

/**
 * Where a decoded reference is written. Plain and block scalars hold a name's characters one
 * for one, so the end is just past its last character (not at whatever follows, which may be
 * a folded line break). In quoted styles the end is where the next character's source starts,
 * which takes in a trailing escape like `\x61`.
 */
function sourceSpan(value: StringRuleValue, reference: Span): Span {
  const toDoc = docOffsets(value);
  const start = toDoc(reference.start);
  const verbatim = value.style === 'plain' || value.style === 'block';
  const end = verbatim ? toDoc(reference.end - 1) + 1 : toDoc(reference.end);
  return { start, end };
}

/** Sorted, the same edit once (an alias repeats its anchor's spans); null on an overlap. */
function distinctEdits(edits: RenameEdit[]): RenameEdit[] | string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const kept: RenameEdit[] = [];
  for (const edit of sorted) {
    const last = kept[kept.length - 1];
    if (last && last.span.start === edit.span.start && last.span.end === edit.span.end) {
      if (last.newText !== edit.newText) return 'two edits of one place disagree';
      continue;
    }
    if (last && edit.span.start < last.span.end) return 'edits overlap';
    kept.push(edit);
  }
  return kept;
}

export function applyEdits(text: string, edits: readonly RenameEdit[]): string {
  let result = '';
  let from = 0;
  for (const edit of [...edits].sort((a, b) => a.span.start - b.span.start)) {
    result += text.slice(from, edit.span.start) + edit.newText;
    from = edit.span.end;
  }
  return result + text.slice(from);
}

/**
 * Null when `text` reads as the same file with the rule renamed: the same entries in the same
 * order, the renamed keys under the new name, every rule parsing to the same checks (with
 * `rule:` references to the old name now to the new one), the same syntax problems.
 */
function checkRenamed(before: LoadedFile, text: string, rename: Rename): string | null {
  const after = loadPolicyFile(readPolicyDocument(text));
  const was = before.document;
  const now = after.document;
  if (now.format !== was.format) return `the file would no longer read as ${was.format}`;
  if (now.load.kind !== was.load.kind) return 'the file would no longer load the same way';
  const codes = (document: PolicyDocument): string => document.problems.map((p) => p.code).join();
  if (codes(now) !== codes(was)) return 'the edited file would have other syntax problems';
  if (now.entries.length !== was.entries.length) return 'the edited file would have other keys';
  for (let index = 0; index < was.entries.length; index++) {
    const old = before.entries[index];
    const renamed = after.entries[index];
    const expected = old.entry.name === rename.from ? rename.to : old.entry.name;
    if (renamed.entry.name !== expected || shape(renamed.entry.key) !== shape(old.entry.key, rename))
      return `the key at offset ${old.entry.keySpan.start} would read differently`;
    if (shape(renamed.parsed) !== shape(old.parsed, rename))
      return `the rule '${old.entry.name ?? ''}' would read differently`;
  }
  return null;
}

/** A parse or a key without its offsets; with `rename`, as it reads after the rename. */
function shape(value: ParsedRule | PolicyEntry['key'], rename?: Rename): string {
  const parsed =
    'enforced' in value
      ? {
          enforced: value.enforced,
          display: value.display,
          failed: value.failed,
          problems: value.problems.map((p) => p.code),
        }
      : value;
  return JSON.stringify(parsed, (key, part: unknown) => {
    if (key === 'span' || key === 'kindEnd' || key === 'matchStart') return undefined;
    if (typeof part === 'bigint') return `${part}n`;
    if (rename && isNamedCheck(part) && part.kindClass === 'rule' && part.match === rename.from)
      return { ...part, match: rename.to };
    if (rename && isStr(part) && part.v === rename.from) return { ...part, v: rename.to };
    return part;
  });
}

const isNamedCheck = (part: unknown): part is { type: 'check'; kindClass: string; match: string } =>
  typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'check';

const isStr = (part: unknown): part is { t: 'str'; v: string } =>
  typeof part === 'object' && part !== null && (part as { t?: unknown }).t === 'str';
