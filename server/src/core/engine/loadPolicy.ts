import { parseCheckString } from '../check/checkParser';
import { weightedDepth } from '../check/checkPrint';
import type { CheckNode, EnforcedRule, LeafCheckNode, ParsedRule, Span } from '../check/checkTypes';
import { parseListRule } from '../check/listRule';
import { shiftParsedRule } from '../check/shiftRule';
import type { RegisteredRule } from '../catalog/catalogTypes';
import type { PolicyDocument, PolicyEntry } from '../document/documentTypes';
import { entryIdentity, shiftSpan } from '../document/shiftEntry';
import { pyTruthy } from '../python/pyTruth';
import { pyTypeName } from '../python/pyValue';
import {
  buildEffectivePolicy,
  type EffectivePolicy,
  type EffectiveRule,
  type FileRule,
  type PolicyOptions,
  type RuleOrigin,
} from './effectivePolicy';
import { raises, unknown, type RaisesOutcome, type UnknownOutcome } from './outcome';
import { checkRulesDepth } from './checkRulesWalk';
import { collectReferences, reuseReferenceGraph } from './referenceGraph';
import type { ParsedRuleCache, RelativeParse } from './ruleCache';
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
  /** The rule, spans in document offsets. */
  readonly parsed: ParsedRule;
  /**
   * The same rule with spans counting from the value's start (add `base`): shared by every
   * entry with the same value text and kept across edits. For passes over the whole file
   * that look at the rule's shape and need a place only for what they report.
   */
  readonly relative: ParsedRule;
  /** Where `relative`'s offsets start in the document: the value's start. */
  readonly base: number;
  /** The `rule:` checks of `relative.display` (relative spans too). */
  readonly references: readonly LeafCheckNode[];
  /** False for an entry a later duplicate of the same key replaces. */
  readonly wins: boolean;
  /** A winning entry with a name as the rule it defines, in the files and in the effective policy. */
  asRule(): FileRule & EffectiveRule;
}

/**
 * A loaded entry, and for a winning entry with a name also the rule it defines in the files and
 * in the effective policy: one object per rule, not two, for every rule of a first reading. Its
 * document-offset parse is made from the shared one the first time it is asked for.
 */
class LoadedEntry implements ParsedEntry, FileRule, EffectiveRule {
  private absolute: ParsedRule | null = null;
  private fileOrigin: RuleOrigin | null = null;
  /**
   * The entry's name ('' for a key that is not a string, see `named`), kept here: passes over
   * every entry then touch one object per entry.
   */
  readonly name: string;
  readonly named: boolean;
  /** `relative`'s enforced rule, kept here for the passes over every rule after each keystroke. */
  readonly structure: EnforcedRule;

  constructor(
    readonly entry: PolicyEntry,
    readonly relative: ParsedRule,
    readonly references: readonly LeafCheckNode[],
    readonly wins: boolean,
    /** Why loading fails because of this value, spans relative like `relative`'s. */
    readonly error: LoadFailure | null,
  ) {
    this.name = entry.name ?? '';
    this.named = entry.name !== null;
    this.structure = relative.enforced;
  }

  get base(): number {
    return this.entry.value.span.start;
  }

  get parsed(): ParsedRule {
    return (this.absolute ??= shiftParsedRule(this.relative, this.base));
  }

  asRule(): FileRule & EffectiveRule {
    return this;
  }

  get rule(): EnforcedRule {
    return this.parsed.enforced;
  }

  get effective(): EffectiveRule {
    return this;
  }

  get origin(): RuleOrigin {
    return (this.fileOrigin ??= { kind: 'file', fileRule: this });
  }

  /** What a feature sees: the document-offset parse, as a plain entry. */
  toJSON(): { entry: PolicyEntry; parsed: ParsedRule; wins: boolean } {
    return { entry: this.entry, parsed: this.parsed, wins: this.wins };
  }
}

/** One file as `Rules.load` reads it. */
export interface LoadedFile {
  readonly document: PolicyDocument;
  readonly entries: readonly ParsedEntry[];
  /** Why loading this file raises (or may raise), if it does. */
  readonly failure: LoadFailure | null;
  /** Numbers the versions loaded with a cache, so that passes over them can remember answers. */
  readonly generation?: number;
  /** What this version kept of the previous one loaded with the same cache. */
  readonly reuse?: EntryReuse | null;
}

/**
 * The entries an edit did not touch: the first `prefix` have the same text (the same reading,
 * so the same parse) and the same winning as the previous version's at the same index, the last
 * `suffix` as the previous version's at the same index from the end (moved by the edit). A pass
 * whose answer for an entry depends on the entry alone, not on its place, then only visits the
 * entries in between.
 */
export interface EntryReuse {
  readonly previousGeneration: number;
  readonly previousCount: number;
  readonly prefix: number;
  readonly suffix: number;
  /**
   * Every entry has the name and the winning of the previous version's at its index: typing
   * inside a check string. Passes keyed by the names (the namespace choice, the policy's
   * layout) then skip comparing 10,000 names.
   */
  readonly sameNames: boolean;
}

let generations = 0;

const EMPTY_RULE: ParsedRule = {
  enforced: { type: 'tree', tree: { type: 'always', span: { start: 0, end: 0 } } },
  display: null,
  problems: [],
  failed: false,
};

/** `Rules.load(data)`: `parse_file_contents`, then `parse_rule` of every (winning) value. */
export function loadPolicyFile(document: PolicyDocument, cache?: ParsedRuleCache): LoadedFile {
  let failure: LoadFailure | null = loadBehaviourFailure(document);
  const winners = cachedWinners(document.entries, cache);
  // Entries before an edit are the same objects at the same index as in the previous version.
  const previous = (cache?.loaded ?? []) as readonly LoadedEntry[];
  // Entries after an edit are the previous version's at the same index from the end, moved.
  const shift = document.entries.length - previous.length;
  // What `LoadedFile.reuse` reports, found on the way: the leading entries taken from the
  // previous version at their index, and where the trailing run taken from its end begins.
  let prefix = 0;
  let tailFrom = 0;
  let sameNames = shift === 0 && previous.length > 0;
  const entries: LoadedEntry[] = document.entries.map((entry, index) => {
    const wins = winners[index] === 1;
    // Read only inside the array: `previous[-3]` is a lookup of the property "-3" (a number
    // turned into a string for each of a first reading's 10,000 entries).
    const old = index < previous.length ? previous[index] : undefined;
    const movedAt = index - shift;
    const moved = movedAt >= 0 && movedAt < previous.length ? previous[movedAt] : undefined;
    let loaded: LoadedEntry;
    let fromSameIndex = false;
    let fromEnd = false;
    if (old !== undefined && old.entry === entry && old.wins === wins) {
      loaded = old;
      fromSameIndex = true;
      fromEnd = shift === 0;
    } else if (moved !== undefined && moved.wins === wins && sameText(moved.entry, entry)) {
      loaded = new LoadedEntry(entry, moved.relative, moved.references, wins, moved.error);
      fromEnd = true;
      fromSameIndex = shift === 0;
    } else {
      const { structure, error, references } = cache
        ? cache.parse(document.text, entry, parseRule)
        : parseRule(entry);
      loaded = new LoadedEntry(entry, structure, references, wins, error);
    }
    if (sameNames && loaded !== old)
      sameNames =
        old !== undefined && old.name === loaded.name && old.named === loaded.named && old.wins === wins;
    if (fromSameIndex && prefix === index) prefix++;
    if (!fromEnd) tailFrom = index + 1;
    // Only the winning value of a duplicated key is ever parsed by the library.
    if (wins && loaded.error && failure === null) failure = shiftFailure(loaded.error, loaded.base);
    return loaded;
  });
  if (!cache) return { document, entries, failure };
  // The tail stops at the prefix on both sides: no previous entry counts twice.
  const suffix = entries.length - Math.max(tailFrom, prefix, prefix + shift);
  const reuse: EntryReuse | null =
    cache.loadedGeneration >= 0
      ? {
          previousGeneration: cache.loadedGeneration,
          previousCount: previous.length,
          prefix,
          suffix,
          sameNames,
        }
      : null;
  const generation = ++generations;
  cache.loaded = entries;
  cache.loadedGeneration = generation;
  cache.endReading();
  return { document, entries, failure, generation, reuse };
}

/** Read from the same text (one reading, maybe moved since). */
function sameText(a: PolicyEntry, b: PolicyEntry): boolean {
  return a === b || entryIdentity(a) === entryIdentity(b);
}

function loadBehaviourFailure(document: PolicyDocument): LoadFailure | null {
  const load = document.load;
  if (load.kind === 'raises') return raises(load.exception, load.message, load.span);
  if (load.kind === 'unpredictable') return unknown(load.reason, load.span);
  return null;
}

/** The previous reading's winners when every key is the same (the same object, or the same string). */
function cachedWinners(entries: readonly PolicyEntry[], cache: ParsedRuleCache | undefined): Uint8Array {
  const previous = cache?.winners;
  if (previous && previous.keys.length === entries.length) {
    let same = true;
    for (let index = 0; index < entries.length && same; index++) {
      const key = entries[index].key;
      const old = previous.keys[index];
      same = key === old || (key.t === 'str' && old.t === 'str' && key.v === old.v);
    }
    if (same) return previous.winners;
  }
  const winners = winningIndexes(entries);
  if (cache) cache.winners = { keys: entries.map((entry) => entry.key), winners };
  return winners;
}

/** Python dicts keep the first position of a key and its last value: 1 for each last one. */
function winningIndexes(entries: readonly PolicyEntry[]): Uint8Array {
  // String keys by the name itself (the same string object across edits, its hash kept);
  // other keys by an identity string. A str never equals an int, bool or None in Python.
  const lastByName = new Map<string, number>();
  const lastOther = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (entry.key.t === 'str') lastByName.set(entry.key.v, index);
    else lastOther.set(keyIdentity(entry), index);
  });
  const winners = new Uint8Array(entries.length);
  for (const index of lastByName.values()) winners[index] = 1;
  for (const index of lastOther.values()) winners[index] = 1;
  return winners;
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

/** The rule of a value (see `parseValue`) with its `rule:` references. */
function parseRule(entry: PolicyEntry): RelativeParse {
  const { structure, error } = parseValue(entry);
  return { structure, error, references: collectReferences(structure.display) };
}

function shiftFailure(failure: LoadFailure, delta: number): LoadFailure {
  return failure.at ? { ...failure, at: shiftSpan(failure.at, delta) } : failure;
}

/** The rule of a value, spans relative to the value's start (see `ParsedEntry.structure`). */
function parseValue(entry: PolicyEntry): Omit<RelativeParse, 'references'> {
  const base = entry.value.span.start;
  const value = entry.value;
  const whole: Span = { start: 0, end: value.span.end - base };
  if (value.kind === 'string') {
    const structure = parseCheckString(value.text, value.fromStart);
    return { structure, error: parseDepthFailure(structure, whole) };
  }
  if (value.kind === 'list') {
    // Rare: read in document offsets, then moved.
    const reading = parseListRule(value);
    return {
      structure: shiftParsedRule(reading.parsed, -base),
      error: reading.ok ? null : raises(reading.exception, reading.message, whole),
    };
  }
  const absolute = parseOtherValue(value);
  return {
    structure: shiftParsedRule(absolute.parsed, -base),
    error: absolute.error && shiftFailure(absolute.error, -base),
  };
}

function parseOtherValue(value: Extract<PolicyEntry['value'], { kind: 'other' }>): {
  parsed: ParsedRule;
  error: LoadFailure | null;
} {
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
export function loadEffectivePolicy(
  input: PolicyInput,
  /** The policy of the document's previous version, whose reference graph may still hold. */
  previous: EffectivePolicy | null = null,
): EffectivePolicy {
  // Sized once for every entry (trimmed below): pushing 10,000 rules grows and copies it ten times.
  let total = 0;
  for (const file of input.files) total += file.entries.length;
  const fileRules = new Array<FileRule>(total);
  let ruleCount = 0;
  let loadFailure: LoadFailure | null = null;
  const registeredNames = namesOf(input.registered);
  // Not even a lookup when nothing is registered (a file of an unknown service).
  const compares = registeredNames.size > 0;
  for (const file of input.files) {
    loadFailure ??= file.failure;
    // Index loops over the loaded entries' own fields: this runs over every rule after every
    // keystroke, and reaching each entry's reading too cost a cache miss per rule.
    const entries = inDictOrder(file.entries as readonly LoadedEntry[]);
    for (let index = 0; index < entries.length; index++) {
      const parsedEntry = entries[index];
      if (!parsedEntry.wins || !parsedEntry.named) continue;
      const name = parsedEntry.name;
      fileRules[ruleCount++] = parsedEntry.asRule();
      // The name first: most rules are not registered, and their parse is then not touched.
      if (compares && loadFailure === null && registeredNames.has(name)) {
        const enforced = parsedEntry.structure;
        if (enforced.type === 'tree')
          loadFailure = strDepthFailure(enforced.tree, parsedEntry.entry.value.span);
      }
    }
  }
  fileRules.length = ruleCount;
  const generations = input.files.map((file) => file.generation ?? -1);
  const policy = buildEffectivePolicy(
    {
      fileRules,
      registered: input.registered,
      options: input.options,
      loadFailure,
      namesAsPrevious: previous !== null && sameNamesAs(input.files, builtFrom.get(previous)),
    },
    previous,
  );
  builtFrom.set(policy, generations);
  reuseReferenceGraph(policy, previous);
  if (policy.loadFailure) return policy;
  const checkRulesFailure = checkRulesDepthFailure(policy);
  if (!checkRulesFailure) return policy;
  const failing = policy.withLoadFailure(checkRulesFailure);
  builtFrom.set(failing, generations);
  return failing;
}

/**
 * The entries in the order of the dict PyYAML or json makes of them: a key written twice keeps
 * the place where it was first written and takes its last value (`check_rules` walks the rules in
 * this order). The same list when no name is written twice.
 */
function inDictOrder(entries: readonly LoadedEntry[]): readonly LoadedEntry[] {
  let duplicated = false;
  for (let index = 0; index < entries.length && !duplicated; index++)
    duplicated = entries[index].named && !entries[index].wins;
  if (!duplicated) return entries;
  const winners = new Map<string, LoadedEntry>();
  for (const entry of entries) if (entry.named && entry.wins) winners.set(entry.name, entry);
  const ordered: LoadedEntry[] = [];
  for (const entry of entries) {
    const winner = entry.named ? winners.get(entry.name) : undefined;
    if (winner === undefined) continue;
    ordered.push(winner);
    winners.delete(entry.name);
  }
  return ordered;
}

/** The versions (`LoadedFile.generation`) of the files a policy was loaded from. */
const builtFrom = new WeakMap<EffectivePolicy, readonly number[]>();

/**
 * Whether the files define the same names in the same order as the versions a policy was
 * loaded from: each file is one of them, or the next version of it with the same names.
 */
function sameNamesAs(files: readonly LoadedFile[], generations: readonly number[] | undefined): boolean {
  if (!generations || generations.length !== files.length) return false;
  return files.every((file, index) => namesUnchangedSince(file, generations[index]));
}

/**
 * Whether a file has the names (and winning) of the version numbered `generation` (see
 * `LoadedFile.generation`): it is that version, or the next one and the loader saw no name change.
 */
export function namesUnchangedSince(file: LoadedFile, generation: number | undefined): boolean {
  if (generation === undefined || generation < 0) return false;
  return (
    file.generation === generation ||
    (file.reuse?.sameNames === true && file.reuse.previousGeneration === generation)
  );
}

const registeredNameSets = new WeakMap<readonly RegisteredRule[], ReadonlySet<string>>();

/** The names of a registered list, once per list (every version of a document shares it). */
function namesOf(registered: readonly RegisteredRule[]): ReadonlySet<string> {
  let names = registeredNameSets.get(registered);
  if (!names) registeredNameSets.set(registered, (names = new Set(registered.map((rule) => rule.name))));
  return names;
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
 * `not`), each walk stopping at the first cycle (see `checkRulesDepth`). The deepest walk is its
 * recursion depth; a 10,000-rule chain raises.
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
