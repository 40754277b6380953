import { parseRegisteredRule } from '../check/checkParser';
import { canonicalRuleString } from '../check/checkPrint';
import type { CheckNode, EnforcedRule, LeafCheckNode } from '../check/checkTypes';
import type { RegisteredRule } from '../catalog/catalogTypes';
import type { RuleSet } from './evaluator';
import type { RaisesOutcome, UnknownOutcome } from './outcome';

export interface PolicyOptions {
  /** oslo.policy's `policy_default_rule`; '' or null disables the fallback. */
  readonly defaultRule: string | null;
  readonly enforceNewDefaults: boolean;
  readonly enforceScope: boolean;
  /** oslo.policy before 4.0 raises InvalidScope on a scope mismatch even with do_raise=False. */
  readonly scopeMismatchRaises?: boolean;
  /** oslo.policy before 4.0 does not copy a dict's `system_scope` into `system`. */
  readonly ignoresSystemScope?: boolean;
}

export const DEFAULT_OPTIONS: PolicyOptions = {
  defaultRule: 'default',
  enforceNewDefaults: false,
  enforceScope: false,
};

/** A rule as a policy file defines it, already parsed. */
export interface FileRule {
  readonly name: string;
  readonly rule: EnforcedRule;
  /** The same rule, its spans possibly not document offsets: for its shape alone (cheaper). */
  readonly structure: EnforcedRule;
  /** The same rule as the effective policy holds it (one object can be both). */
  readonly effective: EffectiveRule;
}

/** Why a rule is enforced the way it is. */
export type RuleOrigin =
  | { readonly kind: 'file'; readonly fileRule: FileRule }
  | { readonly kind: 'default'; readonly registered: RegisteredRule }
  /** Unless enforce_new_defaults: the new default OR the deprecated one. */
  | { readonly kind: 'default-or-deprecated'; readonly registered: RegisteredRule }
  /** The file overrides the deprecated (old) name, and its check string now applies to the new name. */
  | {
      readonly kind: 'deprecated-override';
      readonly registered: RegisteredRule;
      readonly fileRule: FileRule;
    };

export interface EffectiveRule {
  readonly name: string;
  readonly rule: EnforcedRule;
  /** The same rule, its spans possibly not document offsets: for its shape alone (cheaper). */
  readonly structure: EnforcedRule;
  readonly origin: RuleOrigin;
}

/**
 * What a service running oslo.policy would hold after `load_rules()`: the policy file's rules,
 * then every registered default not overridden, with deprecated rules handled.
 */
export class EffectivePolicy implements RuleSet {
  readonly rules: ReadonlyMap<string, EffectiveRule>;
  readonly registered: ReadonlyMap<string, RegisteredRule>;
  readonly fileRules: ReadonlyMap<string, FileRule>;
  readonly defaultRule: string | null;
  /** Set when oslo.policy would fail to load: every enforcement then raises (or is unknown). */
  readonly loadFailure: RaisesOutcome | UnknownOutcome | null;

  constructor(
    readonly options: PolicyOptions,
    rules: ReadonlyMap<string, EffectiveRule>,
    registered: ReadonlyMap<string, RegisteredRule>,
    fileRules: ReadonlyMap<string, FileRule>,
    loadFailure: RaisesOutcome | UnknownOutcome | null,
    /** How the names were laid out, for the next version (see `PolicyShape`). */
    readonly shape: PolicyShape | null = null,
    /** `rules`' values in order, for passes that walk them all (no iterator result per rule). */
    readonly ruleList: readonly EffectiveRule[] = [...rules.values()],
  ) {
    this.rules = rules;
    this.registered = registered;
    this.fileRules = fileRules;
    this.defaultRule = options.defaultRule || null;
    this.loadFailure = loadFailure;
  }

  get(name: string): EnforcedRule | undefined {
    return this.rules.get(name)?.rule;
  }

  /**
   * Whether every `rule:` check of a shared parse names a rule of this policy. Remembered per
   * list while the names stay the same (the shape is reused): a keystroke then asks it of
   * 10,000 rules without a lookup of their references.
   */
  definesAll(references: readonly LeafCheckNode[]): boolean {
    if (references.length === 0) return true;
    // Remembering costs a weak-map entry per rule: only worth it once a version reused the
    // shape (an edit), not for a file loaded once (an open, the CLI).
    const shape = this.shape && reusedShapes.has(this.shape) ? this.shape : null;
    const known = shape ? definedByShape.get(shape) : undefined;
    const remembered = known?.get(references);
    if (remembered !== undefined) return remembered;
    let all = true;
    for (const reference of references) if (!this.rules.has(reference.match)) all = false;
    if (shape) {
      if (known) known.set(references, all);
      else definedByShape.set(shape, new WeakMap([[references, all]]));
    }
    return all;
  }

  withLoadFailure(failure: RaisesOutcome | UnknownOutcome): EffectivePolicy {
    return new EffectivePolicy(
      this.options,
      this.rules,
      this.registered,
      this.fileRules,
      failure,
      this.shape,
      this.ruleList,
    );
  }
}

const definedByShape = new WeakMap<PolicyShape, WeakMap<readonly LeafCheckNode[], boolean>>();
/** Shapes a later version took over (see `policyShape`). */
const reusedShapes = new WeakSet<PolicyShape>();

export interface EffectivePolicyInput {
  /**
   * File rules in load order; a later one replaces an earlier one of the same name. The policy
   * may keep this list as its own: the caller makes a fresh one and leaves it alone.
   */
  readonly fileRules: readonly FileRule[];
  /** Registered defaults of every namespace, in registration order. */
  readonly registered: readonly RegisteredRule[];
  readonly options: PolicyOptions;
  /** A failure found while reading the files (syntax, types, depth), decided by the caller. */
  readonly loadFailure?: RaisesOutcome | UnknownOutcome | null;
  /**
   * The caller knows `fileRules` have the names of the previous policy's, in the same order
   * (the same file versions, or versions an edit left the names of): they are not compared.
   */
  readonly namesAsPrevious?: boolean;
}

export function buildEffectivePolicy(
  input: EffectivePolicyInput,
  /** The previous version's policy: when the same names are defined, its key order is reused. */
  previous: EffectivePolicy | null = null,
): EffectivePolicy {
  const { byName: registered, duplicate } = registeredByName(input.registered);
  const shape = policyShape(input, registered, previous?.shape ?? null);
  // Without a name defined twice, the rules are in their slots already (the caller's fresh list).
  let fileSlots = input.fileRules;
  if (!shape.distinctNames) {
    const slots = new Array<FileRule>(shape.fileCount);
    fileSlots.forEach((fileRule, position) => {
      // A later file's rule of the same name replaces the earlier one, in the earlier one's place.
      slots[shape.slotOf[position]] = fileRule;
    });
    fileSlots = slots;
  }
  const fileRules = new IndexedMap(shape.ruleIndex, fileSlots);
  const ruleSlots = new Array<EffectiveRule>(fileSlots.length + shape.defaults.length);
  for (let slot = 0; slot < fileSlots.length; slot++) ruleSlots[slot] = fileSlots[slot].effective;
  for (let index = 0; index < shape.defaults.length; index++)
    ruleSlots[fileSlots.length + index] = applyDefault(shape.defaults[index], fileRules, input.options);
  const rules = new IndexedMap(shape.ruleIndex, ruleSlots);
  const loadFailure = input.loadFailure ?? duplicate;
  return new EffectivePolicy(input.options, rules, registered, fileRules, loadFailure, shape, ruleSlots);
}

/**
 * The names of a policy and their order: the files' rule names as first defined, then the
 * registered defaults they do not override. Typing inside a check string changes no name, so
 * the next version reuses this and builds no map of 10,000 names again.
 */
export interface PolicyShape {
  readonly registeredList: readonly RegisteredRule[];
  /** The file rules' names in input order, to compare with the next version's. */
  readonly fileNames: readonly string[];
  /** Input position → slot in `ruleIndex` order. */
  readonly slotOf: Int32Array;
  /** No name is defined twice: every rule's slot is its position. */
  readonly distinctNames: boolean;
  /** How many distinct names the files define: they take the first slots of `ruleIndex`. */
  readonly fileCount: number;
  /** Every name's slot: the files' names first, then the defaults'. One map for both (10,000 names: no copy). */
  readonly ruleIndex: ReadonlyMap<string, number>;
  /** The registered rules enforced by default, in `ruleIndex` order after the file rules. */
  readonly defaults: readonly RegisteredRule[];
}

function policyShape(
  input: EffectivePolicyInput,
  registered: ReadonlyMap<string, RegisteredRule>,
  previous: PolicyShape | null,
): PolicyShape {
  const fileRules = input.fileRules;
  if (
    previous &&
    previous.registeredList === input.registered &&
    previous.fileNames.length === fileRules.length &&
    (input.namesAsPrevious === true ||
      fileRules.every((rule, position) => rule.name === previous.fileNames[position]))
  ) {
    reusedShapes.add(previous);
    return previous;
  }
  const ruleIndex = new Map<string, number>();
  const slotOf = new Int32Array(fileRules.length);
  const fileNames = fileRules.map((rule, position) => {
    let slot = ruleIndex.get(rule.name);
    if (slot === undefined) ruleIndex.set(rule.name, (slot = ruleIndex.size));
    slotOf[position] = slot;
    return rule.name;
  });
  const fileCount = ruleIndex.size;
  const defaults: RegisteredRule[] = [];
  for (const rule of registered.values()) {
    if (ruleIndex.has(rule.name)) continue;
    ruleIndex.set(rule.name, ruleIndex.size);
    defaults.push(rule);
  }
  return {
    registeredList: input.registered,
    fileNames,
    slotOf,
    distinctNames: fileCount === fileRules.length,
    fileCount,
    ruleIndex,
    defaults,
  };
}

const registeredMaps = new WeakMap<
  readonly RegisteredRule[],
  { byName: ReadonlyMap<string, RegisteredRule>; duplicate: RaisesOutcome | null }
>();

/** The registered rules by name, once per list (the same list serves every version of a document). */
function registeredByName(list: readonly RegisteredRule[]): {
  byName: ReadonlyMap<string, RegisteredRule>;
  duplicate: RaisesOutcome | null;
} {
  let found = registeredMaps.get(list);
  if (found) return found;
  const byName = new Map<string, RegisteredRule>();
  let duplicate: RaisesOutcome | null = null;
  for (const rule of list) {
    if (byName.has(rule.name)) {
      // register_default raises DuplicatePolicyError: the service cannot even start its enforcer.
      duplicate ??= {
        kind: 'raises',
        exception: 'DuplicatePolicyError',
        message: `Policy ${rule.name} is already registered (two namespaces register it)`,
      };
      continue;
    }
    byName.set(rule.name, rule);
  }
  found = { byName, duplicate };
  registeredMaps.set(list, found);
  return found;
}

/**
 * A read-only map over values in slots, its keys' order (and their index) shareable between
 * versions. It holds the first `slots.length` keys of the index (the files' rules are the first
 * slots of an index that goes on with the defaults).
 */
class IndexedMap<V> implements ReadonlyMap<string, V> {
  constructor(
    private readonly index: ReadonlyMap<string, number>,
    private readonly slots: readonly V[],
  ) {}

  get size(): number {
    return this.slots.length;
  }

  get(key: string): V | undefined {
    const slot = this.index.get(key);
    return slot === undefined || slot >= this.slots.length ? undefined : this.slots[slot];
  }

  has(key: string): boolean {
    const slot = this.index.get(key);
    return slot !== undefined && slot < this.slots.length;
  }

  keys(): MapIterator<string> {
    // The whole index natively; a prefix of it (the files' rules) key by key.
    if (this.slots.length === this.index.size) return this.index.keys();
    return this.prefixKeys();
  }

  private *prefixKeys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  values(): MapIterator<V> {
    return this.slots.values();
  }

  *entries(): MapIterator<[string, V]> {
    const count = this.slots.length;
    // The index's first keys are in slot order.
    for (const [key, slot] of this.index) {
      if (slot >= count) return;
      yield [key, this.slots[slot]];
    }
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(visit: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) visit.call(thisArg, value, key, this);
  }
}

/** oslo.policy's `_handle_deprecated_rule`, for a registered rule the files do not override. */
function applyDefault(
  registered: RegisteredRule,
  fileRules: ReadonlyMap<string, FileRule>,
  options: PolicyOptions,
): EffectiveRule {
  const name = registered.name;
  const newRule = parseRegisteredRule(registered.check_str);
  const deprecated = registered.deprecated_rule;
  if (!deprecated)
    return { name, rule: newRule, structure: newRule, origin: { kind: 'default', registered } };
  const oldOverride = deprecated.name !== name ? fileRules.get(deprecated.name) : undefined;
  // The library compares the check objects with `!=`, which is identity, so that test always
  // passes; what remains is: not a mere `rule:<new name>` and the new name not in the files.
  if (oldOverride && canonicalRuleString(oldOverride.structure) !== `rule:${name}` && !fileRules.has(name)) {
    return new DeprecatedOverride(name, registered, oldOverride);
  }
  if (!options.enforceNewDefaults && deprecated.check_str !== registered.check_str && !fileRules.has(name)) {
    const oldRule = parseRegisteredRule(deprecated.check_str);
    if (newRule.type === 'tree' && oldRule.type === 'tree') {
      const tree: CheckNode = { type: 'or', span: newRule.tree.span, operands: [newRule.tree, oldRule.tree] };
      const rule: EnforcedRule = { type: 'tree', tree };
      return { name, rule, structure: rule, origin: { kind: 'default-or-deprecated', registered } };
    }
  }
  return { name, rule: newRule, structure: newRule, origin: { kind: 'default', registered } };
}

/**
 * A registered rule enforced with the file's override of its deprecated name. A class: an object
 * literal with a getter gets a hidden class of its own, kept until a full collection, and through
 * the getter's closure it kept the whole version alive across young-generation collections.
 */
class DeprecatedOverride implements EffectiveRule {
  readonly structure: EnforcedRule;
  readonly origin: RuleOrigin;

  constructor(
    readonly name: string,
    registered: RegisteredRule,
    private readonly oldOverride: FileRule,
  ) {
    this.structure = oldOverride.structure;
    this.origin = { kind: 'deprecated-override', registered, fileRule: oldOverride };
  }

  /** The override's document-offset tree, made only when asked for. */
  get rule(): EnforcedRule {
    return this.oldOverride.rule;
  }
}
