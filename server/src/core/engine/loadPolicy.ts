import { parseCheckString } from '../check/checkParser';
import { weightedDepth } from '../check/checkPrint';
import type { CheckNode, ParsedRule } from '../check/checkTypes';
import { parseListRule } from '../check/listRule';
import type { RegisteredRule } from '../catalog/catalogTypes';
import type { PolicyDocument, PolicyEntry } from '../document/documentTypes';
import { pyTruthy } from '../python/pyTruth';
import { pyTypeName } from '../python/pyValue';
import {
  buildEffectivePolicy,
  DefaultsParser,
  type EffectivePolicy,
  type FileRule,
  type PolicyOptions,
} from './effectivePolicy';
import { raises, unknown, type RaisesOutcome, type UnknownOutcome } from './outcome';
import { checkRulesDepth } from './referenceGraph';
import type { ParsedRuleCache } from './ruleCache';
import {
  CHECK_RULES_UNITS_PER_STEP,
  judgeDepth,
  PARSE_UNITS_PER_REDUCTION,
  RECURSION_MESSAGE,
  STR_UNITS_PER_JUNCTION,
  STR_UNITS_PER_NOT,
  unpredictableDepthReason,
} from './recursionLimit';

export type LoadFailure = RaisesOutcome | UnknownOutcome;

/** A policy file entry with the rule oslo.policy makes of its value. */
export interface ParsedEntry {
  readonly entry: PolicyEntry;
  readonly parsed: ParsedRule;
  /** False for an entry a later duplicate of the same key replaces. */
  readonly wins: boolean;
}

/** One file as `Rules.load` reads it. */
export interface LoadedFile {
  readonly document: PolicyDocument;
  readonly entries: readonly ParsedEntry[];
  /** Why loading this file raises (or may raise), if it does. */
  readonly failure: LoadFailure | null;
}

const EMPTY_RULE: ParsedRule = {
  enforced: { type: 'tree', tree: { type: 'always', span: { start: 0, end: 0 } } },
  display: null,
  tokens: [],
  problems: [],
  failed: false,
};

/** `Rules.load(data)`: `parse_file_contents`, then `parse_rule` of every (winning) value. */
export function loadPolicyFile(document: PolicyDocument, cache?: ParsedRuleCache): LoadedFile {
  let failure: LoadFailure | null = loadBehaviourFailure(document);
  const winners = winningIndexes(document.entries);
  const entries: ParsedEntry[] = document.entries.map((entry, index) => {
    const wins = winners.has(index);
    const { parsed, error } = cache ? cache.parse(document.text, entry, parseValue) : parseValue(entry);
    // Only the winning value of a duplicated key is ever parsed by the library.
    if (wins && error && failure === null) failure = error;
    return { entry, parsed, wins };
  });
  cache?.endReading();
  return { document, entries, failure };
}

function loadBehaviourFailure(document: PolicyDocument): LoadFailure | null {
  const load = document.load;
  if (load.kind === 'raises') return raises(load.exception, load.message, load.span);
  if (load.kind === 'unpredictable') return unknown(load.reason, load.span);
  return null;
}

/** Python dicts keep the first position of a key and its last value. */
function winningIndexes(entries: readonly PolicyEntry[]): Set<number> {
  const last = new Map<string, number>();
  entries.forEach((entry, index) => last.set(keyIdentity(entry), index));
  return new Set(last.values());
}

function keyIdentity(entry: PolicyEntry): string {
  const key = entry.key;
  switch (key.t) {
    case 'str':
      return `s:${key.v}`;
    case 'int':
      return `n:${key.v}`;
    // True == 1 and False == 0 as dict keys.
    case 'bool':
      return `n:${key.v ? 1 : 0}`;
    case 'float':
      return Number.isInteger(key.v) ? `n:${key.v}` : `f:${key.v}`;
    case 'none':
      return 'none';
    default:
      return `other:${entry.keySpan.start}`;
  }
}

function parseValue(entry: PolicyEntry): { parsed: ParsedRule; error: LoadFailure | null } {
  const value = entry.value;
  if (value.kind === 'string') {
    const parsed = parseCheckString(value.text, value.toDoc);
    return { parsed, error: parseDepthFailure(parsed, value.span) };
  }
  if (value.kind === 'list') {
    const reading = parseListRule(value);
    return {
      parsed: reading.parsed,
      error: reading.ok ? null : raises(reading.exception, reading.message, value.span),
    };
  }
  const always: ParsedRule = {
    ...EMPTY_RULE,
    enforced: { type: 'tree', tree: { type: 'always', span: value.span } },
    display: { type: 'always', span: value.span },
  };
  if (!pyTruthy(value.value)) return { parsed: always, error: null };
  // `_parse_list_rule` iterates any non-string value: numbers, booleans, dates are not iterable.
  const message = `'${pyTypeName(value.value)}' object is not iterable`;
  const never: ParsedRule = {
    ...EMPTY_RULE,
    enforced: { type: 'tree', tree: { type: 'never', span: value.span, cause: 'not-a-string' } },
    display: null,
    problems: [
      {
        code: 'not-a-string',
        span: value.span,
        message: `oslo.policy cannot load this file: the value ${value.source || pyTypeName(value.value)} is a ${pyTypeName(value.value)}, not a check string (TypeError: ${message}).`,
      },
    ],
  };
  return { parsed: never, error: raises('TypeError', message, value.span) };
}

function parseDepthFailure(parsed: ParsedRule, span: { start: number; end: number }): LoadFailure | null {
  const units = (parsed.deepestChain ?? 0) * PARSE_UNITS_PER_REDUCTION;
  switch (judgeDepth(units)) {
    case 'safe':
      return null;
    case 'raises':
      return raises('RecursionError', `${RECURSION_MESSAGE} (while parsing this rule)`, span);
    case 'unpredictable':
      return unknown(unpredictableDepthReason('Parsing this rule'), span);
  }
}

/** `str(check)` costs, as `_record_file_rules` compares file rules with registered ones. */
export function strUnits(node: CheckNode): number {
  return weightedDepth(node, (n) =>
    n.type === 'and' || n.type === 'or' ? STR_UNITS_PER_JUNCTION : n.type === 'not' ? STR_UNITS_PER_NOT : 0,
  );
}

export interface PolicyInput {
  /** The main file first, then the files of policy.d folders in load order. */
  readonly files: readonly LoadedFile[];
  readonly registered: readonly RegisteredRule[];
  readonly options: PolicyOptions;
}

/**
 * `Enforcer.load_rules()`: the files' rules (later files override earlier ones key by key),
 * the registered defaults with deprecated-rule handling, and `check_rules`, any of which may
 * raise; a failure makes every enforcement raise.
 */
export function loadEffectivePolicy(input: PolicyInput, defaults = new DefaultsParser()): EffectivePolicy {
  const fileRules: FileRule[] = [];
  let loadFailure: LoadFailure | null = null;
  const registeredNames = new Set(input.registered.map((rule) => rule.name));
  input.files.forEach((file, layer) => {
    loadFailure ??= file.failure;
    for (const { entry, parsed, wins } of file.entries) {
      if (!wins || entry.name === null) continue;
      fileRules.push({ name: entry.name, rule: parsed.enforced, layer });
      if (loadFailure === null && registeredNames.has(entry.name) && parsed.enforced.type === 'tree') {
        loadFailure = strDepthFailure(parsed.enforced.tree, entry.value.span);
      }
    }
  });
  const policy = buildEffectivePolicy(
    { fileRules, registered: input.registered, options: input.options, loadFailure },
    defaults,
  );
  if (policy.loadFailure) return policy;
  const checkRulesFailure = checkRulesDepthFailure(policy);
  return checkRulesFailure ? policy.withLoadFailure(checkRulesFailure) : policy;
}

function strDepthFailure(tree: CheckNode, span: { start: number; end: number }): LoadFailure | null {
  switch (judgeDepth(strUnits(tree))) {
    case 'safe':
      return null;
    case 'raises':
      return raises(
        'RecursionError',
        `${RECURSION_MESSAGE} (comparing this rule with its registered default)`,
        span,
      );
    case 'unpredictable':
      return unknown(unpredictableDepthReason('Comparing this rule with its registered default'), span);
  }
}

/**
 * `check_rules` walks every rule through `rule:` hops and and/or levels recursively (not into
 * `not`). The deepest walk (cycles cut) is its recursion depth; a 10,000-rule chain raises.
 */
function checkRulesDepthFailure(policy: EffectivePolicy): LoadFailure | null {
  const deepest = checkRulesDepth(policy);
  switch (judgeDepth(deepest * CHECK_RULES_UNITS_PER_STEP)) {
    case 'safe':
      return null;
    case 'raises':
      return raises(
        'RecursionError',
        `${RECURSION_MESSAGE} (in check_rules: rules refer to each other ${deepest} deep)`,
      );
    case 'unpredictable':
      return unknown(unpredictableDepthReason(`A chain of rule references ${deepest} deep`));
  }
}
