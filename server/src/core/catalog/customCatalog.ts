import type { CompactNamespaceFile, NamespaceCatalog, Operation, RegisteredRule } from './catalogTypes';
import { expandRule } from './catalogTypes';

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
const OPERATION_LINE = /^# ([A-Z]+(?:,[A-Z]+)*) {2}(\S.*)$/;
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
    // The reason runs up to the first blank comment line; the description follows.
    const rest = lines.slice(2);
    const end = rest.indexOf('#');
    const reasonLines = end >= 0 ? rest.slice(0, end) : rest;
    removal = { since: since === 'None' ? null : since, reason: uncomment(reasonLines) || null };
    lines = end >= 0 ? rest.slice(end + 1) : [];
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

/** `# "old":"check" has been deprecated since X in favor of "new":"check".` then the reason. */
function applyDeprecation(rules: RegisteredRule[], block: readonly string[]): void {
  const body = block.slice(1).map((line) => line.replace(/^# ?/, ''));
  const joined = body.join(' ');
  const match = /^"(.+?)":"(.*?)" has been deprecated since (\S+) in favor of "(.+?)":"(.*?)"\./.exec(joined);
  if (!match) return;
  const index = rules.findIndex((rule) => rule.name === match[4]);
  if (index < 0) return;
  // The reason starts on the first line after the one that ends the sentence.
  let consumed = 0;
  let length = 0;
  while (consumed < body.length && length < match[0].length) length += body[consumed++].length + 1;
  const reason = body
    .slice(consumed)
    .filter((line) => !line.startsWith('WARNING') && !line.startsWith('         ') && !/^"[^"]+": "rule:/.test(line))
    .join('\n')
    .trim();
  const rule = rules[index];
  rules[index] = {
    ...rule,
    deprecated_rule: {
      name: match[1],
      check_str: match[2],
      deprecated_reason: reason || null,
      deprecated_since: match[3] === 'None' ? null : match[3],
    },
  };
}
