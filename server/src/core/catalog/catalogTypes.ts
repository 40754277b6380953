/**
 * The registered defaults of a service namespace, as oslo.policy's generator reports them
 * (`oslo_policy.generator.get_policies_dict`). Field names follow oslo.policy's own
 * (`check_str`, `scope_types`, ...) so the JSON form reads like the library.
 */
export interface Operation {
  readonly method: string;
  readonly path: string;
}

export interface DeprecatedRuleInfo {
  readonly name: string;
  readonly check_str: string;
  readonly deprecated_reason: string | null;
  readonly deprecated_since: string | null;
}

export interface RegisteredRule {
  readonly name: string;
  readonly check_str: string;
  readonly description: string | null;
  /** Empty for a plain `RuleDefault` (not a `DocumentedRuleDefault`). */
  readonly operations: readonly Operation[];
  /** Empty means the rule has no scope types (oslo.policy's `None`). */
  readonly scope_types: readonly string[];
  readonly deprecated_rule: DeprecatedRuleInfo | null;
  readonly deprecated_for_removal: boolean;
  readonly deprecated_reason: string | null;
  readonly deprecated_since: string | null;
}

export interface NamespaceCatalog {
  readonly namespace: string;
  /** A release series name such as `zed`, or `custom` for a catalog read from a user's file. */
  readonly release: string;
  /** Where the data came from, for hover and `catalog list`. */
  readonly source: string;
  /** In registration order, which is the order of the sample file. */
  readonly rules: readonly RegisteredRule[];
}

/**
 * On disk (`catalog/<release>/<namespace>.json`) a rule omits fields that are null, false or
 * empty, to keep the committed data compact; `expandRule` restores them.
 */
export interface CompactRule {
  n: string;
  c: string;
  d?: string;
  o?: [string, string][];
  s?: string[];
  dr?: { n: string; c: string; r?: string; v?: string };
  dfr?: true;
  r?: string;
  v?: string;
}

export interface CompactNamespaceFile {
  namespace: string;
  release: string;
  source: string;
  rules: CompactRule[];
}

export function expandRule(rule: CompactRule): RegisteredRule {
  return {
    name: rule.n,
    check_str: rule.c,
    description: rule.d ?? null,
    operations: (rule.o ?? []).map(([method, path]) => ({ method, path })),
    scope_types: rule.s ?? [],
    deprecated_rule: rule.dr
      ? {
          name: rule.dr.n,
          check_str: rule.dr.c,
          deprecated_reason: rule.dr.r ?? null,
          deprecated_since: rule.dr.v ?? null,
        }
      : null,
    deprecated_for_removal: rule.dfr === true,
    deprecated_reason: rule.r ?? null,
    deprecated_since: rule.v ?? null,
  };
}

export function compactRule(rule: RegisteredRule): CompactRule {
  const compact: CompactRule = { n: rule.name, c: rule.check_str };
  if (rule.description !== null) compact.d = rule.description;
  if (rule.operations.length > 0) compact.o = rule.operations.map((op) => [op.method, op.path]);
  if (rule.scope_types.length > 0) compact.s = [...rule.scope_types];
  if (rule.deprecated_rule) {
    const dr = rule.deprecated_rule;
    compact.dr = { n: dr.name, c: dr.check_str };
    if (dr.deprecated_reason !== null) compact.dr.r = dr.deprecated_reason;
    if (dr.deprecated_since !== null) compact.dr.v = dr.deprecated_since;
  }
  if (rule.deprecated_for_removal) compact.dfr = true;
  if (rule.deprecated_reason !== null) compact.r = rule.deprecated_reason;
  if (rule.deprecated_since !== null) compact.v = rule.deprecated_since;
  return compact;
}

/** `catalog/index.json`: what exists, so listing needs no namespace file. */
export interface CatalogIndexEntry {
  readonly namespace: string;
  readonly release: string;
  readonly count: number;
  readonly file: string;
}

export interface CatalogIndex {
  /** Release series in chronological order, with their year aliases (`zed` → `2022.2`). */
  readonly releases: readonly {
    readonly name: string;
    readonly alias: string | null;
    /** A file of every namespace's rule names (`epoxy.names.json`), for content detection. */
    readonly names?: string;
  }[];
  readonly entries: readonly CatalogIndexEntry[];
}
