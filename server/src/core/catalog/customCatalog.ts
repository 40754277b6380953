import type { CompactNamespaceFile, NamespaceCatalog, Operation, RegisteredRule } from './catalogTypes';
import { expandRule } from './catalogTypes';
import { formatHelpText } from './sampleFormat';

/**
 * Catalogs users already have: `oslopolicy-sample-generator` output (`policy.yaml.sample`:
 * commented defaults with descriptions, `# METHOD  /path`, `# Intended scope(s):` and DEPRECATED
 * blocks), or JSON in this product's catalog format (compact, or `catalog show --format json`).
 * Read as data only; nothing in them is executed.
 */
export type CustomCatalogResult = { ok: true; catalog: NamespaceCatalog } | { ok: false; message: string };

export function readCustomCatalog(text: string, fallbackNamespace: string, source: string): CustomCatalogResult {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return readJsonCatalog(trimmed, fallbackNamespace, source);
  const rules = readSample(text);
  if (rules.length === 0) return { ok: false, message: 'no rules found (expected #"name": "check" lines)' };
  return { ok: true, catalog: { namespace: fallbackNamespace, release: 'custom', source, rules } };
}

function readJsonCatalog(text: string, fallbackNamespace: string, source: string): CustomCatalogResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { rules?: unknown }).rules)) {
    return { ok: false, message: 'a JSON catalog needs a "rules" array' };
  }
  const file = data as Partial<CompactNamespaceFile> & { rules: unknown[] };
  const rules: RegisteredRule[] = [];
  for (const item of file.rules) {
    if (typeof item !== 'object' || item === null) continue;
    const record = item as unknown as Record<string, unknown>;
    if (typeof record.n === 'string' && typeof record.c === 'string') rules.push(expandRule(record as never));
    else if (typeof record.name === 'string' && typeof record.check_str === 'string') rules.push(fromExpanded(record));
  }
  const namespace = typeof file.namespace === 'string' ? file.namespace : fallbackNamespace;
  return { ok: true, catalog: { namespace, release: 'custom', source, rules } };
}

function fromExpanded(record: Record<string, unknown>): RegisteredRule {
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  const operations = Array.isArray(record.operations)
    ? record.operations
        .filter((op): op is Operation => typeof op === 'object' && op !== null && 'method' in op && 'path' in op)
        .map((op) => ({ method: String(op.method), path: String(op.path) }))
    : [];
  const deprecated = record.deprecated_rule as Record<string, unknown> | null | undefined;
  return {
    name: record.name as string,
    check_str: record.check_str as string,
    description: text(record.description),
    operations,
    scope_types: Array.isArray(record.scope_types) ? record.scope_types.map(String) : [],
    deprecated_rule:
      deprecated && typeof deprecated.name === 'string'
        ? {
            name: deprecated.name,
            check_str: text(deprecated.check_str) ?? '',
            deprecated_reason: text(deprecated.deprecated_reason),
            deprecated_since: text(deprecated.deprecated_since),
          }
        : null,
    deprecated_for_removal: record.deprecated_for_removal === true,
    deprecated_reason: text(record.deprecated_reason),
    deprecated_since: text(record.deprecated_since),
  };
}

const RULE_LINE = /^#?\s*"(.+?)":\s*"(.*)"\s*$/;
const OPERATION_LINE = /^# ([A-Z]+(?:,[A-Z]+)*) {2}(.+)$/;
const SCOPE_LINE = /^# Intended scope\(s\): ?(.*)$/;

/** Reads a sample file's blocks: the comments before each rule line belong to it. */
function readSample(text: string): RegisteredRule[] {
  const lines = text.split(/\r?\n/);
  const rules: RegisteredRule[] = [];
  let pending: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const rule = RULE_LINE.exec(line);
    if (rule && !line.startsWith('# "') && !line.startsWith('#  ')) {
      rules.push(ruleFromBlock(rule[1], rule[2], pending));
      pending = [];
      continue;
    }
    if (line.trim() === '') {
      // A blank line ends a DEPRECATED block that follows its rule.
      if (pending[0] === '# DEPRECATED' && rules.length > 0 && !isRemovalBlock(pending)) {
        applyDeprecation(rules, pending);
        pending = [];
      } else if (pending.length > 0 && pending[0] !== '# DEPRECATED') {
        pending.push('#');
      }
      continue;
    }
    if (line.startsWith('#')) pending.push(line);
  }
  return rules;
}

function isRemovalBlock(block: readonly string[]): boolean {
  return /^# "[^"]+" has been deprecated since /.test(block[1] ?? '');
}

function uncomment(lines: readonly string[]): string {
  return lines
    .map((line) => (line === '#' ? '' : line.replace(/^# ?/, '')))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function ruleFromBlock(name: string, checkStr: string, block: string[]): RegisteredRule {
  let lines = block;
  let removal: { since: string | null; reason: string | null } | null = null;
  if (lines[0] === '# DEPRECATED' && isRemovalBlock(lines)) {
    const since = /deprecated since (.*)\.$/.exec(lines[1])?.[1] ?? null;
    // The reason runs up to the first blank comment line and the description follows; without
    // that line the two cannot be told apart, and the text is all taken as the reason.
    const rest = lines.slice(2);
    const end = rest.indexOf('#');
    const text = rest.filter((line) => !OPERATION_LINE.test(line) && !SCOPE_LINE.test(line));
    const reasonLines = end >= 0 ? rest.slice(0, end) : text;
    removal = { since: since === 'None' ? null : since, reason: uncomment(reasonLines) || null };
    lines = end >= 0 ? rest.slice(end + 1) : rest.filter((line) => OPERATION_LINE.test(line) || SCOPE_LINE.test(line));
  }
  const operations: Operation[] = [];
  const scopes: string[] = [];
  const description: string[] = [];
  for (const line of lines) {
    const operation = OPERATION_LINE.exec(line);
    const scope = SCOPE_LINE.exec(line);
    if (operation) for (const method of operation[1].split(',')) operations.push({ method, path: operation[2] });
    else if (scope) scopes.push(...scope[1].split(',').map((s) => s.trim()).filter(Boolean));
    else description.push(line);
  }
  return {
    name,
    check_str: checkStr,
    description: uncomment(description) || null,
    operations,
    scope_types: scopes,
    deprecated_rule: null,
    deprecated_for_removal: removal !== null,
    deprecated_reason: removal?.reason ?? null,
    deprecated_since: removal?.since ?? null,
  };
}

/**
 * `# "old":"check" has been deprecated since X in favor of "new":"check".` then the reason. The
 * block follows its rule, so the end of the sentence is known; textwrap may have broken the
 * start inside a word, so each line break there is a space or nothing, and the right choice is
 * the one that wraps back to the same lines.
 */
function applyDeprecation(rules: RegisteredRule[], block: readonly string[]): void {
  const rule = rules[rules.length - 1];
  const lines = block.slice(1);
  const body = lines.map((line) => line.replace(/^# ?/, ''));
  const tail = ` in favor of "${rule.name}":"${rule.check_str}".`;
  const tailLetters = tail.replace(/ /g, '');
  for (let count = 1; count <= body.length; count++) {
    const pieces = body.slice(0, count);
    const letters = pieces.join('').replace(/ /g, '');
    if (!letters.endsWith(tailLetters)) continue;
    const headLetters = letters.length - tailLetters.length;
    const head = headPieces(pieces, headLetters);
    const sentence = head && unwrapHead(head, tail, lines.slice(0, count).join('\n'));
    const match = sentence ? /^"(.+?)":"(.*?)" has been deprecated since (\S+)$/s.exec(sentence.slice(0, -tail.length)) : null;
    if (!match) return;
    const reason = uncomment(lines.slice(count).filter((line) => !/^# (WARNING|\s{9}|"[^"]+": "rule:)/.test(line)));
    rules[rules.length - 1] = {
      ...rule,
      deprecated_rule: {
        name: match[1],
        check_str: match[2],
        deprecated_reason: reason || null,
        deprecated_since: match[3] === 'None' ? null : match[3],
      },
    };
    return;
  }
}

/** The lines' text up to `letters` non-space characters, still split at the line breaks. */
function headPieces(pieces: readonly string[], letters: number): string[] | null {
  const out: string[] = [];
  let seen = 0;
  for (const piece of pieces) {
    if (seen >= letters) break;
    let taken = '';
    for (const char of piece) {
      if (seen >= letters) break;
      taken += char;
      if (char !== ' ') seen++;
    }
    out.push(taken);
  }
  return seen === letters ? out : null;
}

/** Joins the head pieces (a space or nothing at each break) so that head + tail wraps to `expected`. */
function unwrapHead(pieces: readonly string[], tail: string, expected: string): string | null {
  const breaks = pieces.length - 1;
  if (breaks > 12) return null;
  // Several joins may wrap back alike: a line filled to the width was most likely cut inside a
  // word (textwrap cuts long words exactly there), so that reading comes first.
  const lines = expected.split('\n');
  let preferred = 0;
  for (let index = 1; index < pieces.length; index++) if ((lines[index - 1] ?? '').length === 70) preferred |= 1 << (index - 1);
  for (let attempt = 0; attempt < 1 << breaks; attempt++) {
    const mask = attempt ^ preferred;
    let text = pieces[0];
    for (let index = 1; index < pieces.length; index++) text += (mask & (1 << (index - 1)) ? '' : ' ') + pieces[index];
    const sentence = `${text}${tail}`;
    if (/" has been deprecated since \S+ in favor of /.test(sentence) && formatHelpText(sentence) === expected) return sentence;
  }
  return null;
}
