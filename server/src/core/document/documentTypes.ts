import type { OffsetMap } from '../check/checkTokenizer';
import type { Span } from '../check/checkTypes';
import type { PyValue } from '../python/pyValue';

/**
 * A policy file as oslo.policy reads it: JSON when `json.loads` accepts the text, else YAML
 * (PyYAML's `safe_load`, YAML 1.1 typing), then a mapping of rule name to rule value.
 * Offsets are UTF-16 offsets into the document text.
 */
export type DocumentFormat = 'json' | 'yaml';

/** The value of a rule as written. */
export type RuleValue = StringRuleValue | ListRuleValue | OtherRuleValue;

export interface StringRuleValue {
  readonly kind: 'string';
  readonly text: string;
  /**
   * Maps an index in `text` to its offset from `span.start` (see `docOffsets` for document
   * offsets): relative, so that a value moved by an edit keeps it, and verbatim values of a style
   * share one (no function per value of a file's first reading).
   */
  readonly fromStart: OffsetMap;
  readonly span: Span;
  /** How it is written; `exact` is false when offsets inside are approximate. */
  readonly style: 'plain' | 'single' | 'double' | 'block' | 'json';
  readonly exact: boolean;
}

/** The old list form: an outer list ORs inner lists, whose elements AND. */
export interface ListRuleValue {
  readonly kind: 'list';
  readonly items: readonly ListItem[];
  readonly span: Span;
}

export type ListItem =
  | { readonly kind: 'string'; readonly value: StringRuleValue }
  | { readonly kind: 'list'; readonly items: readonly ListItem[]; readonly span: Span }
  | { readonly kind: 'other'; readonly value: PyValue; readonly span: Span };

/** Anything else PyYAML or json can produce: null, booleans, numbers, mappings, dates. */
export interface OtherRuleValue {
  readonly kind: 'other';
  readonly value: PyValue;
  readonly span: Span;
  /** How the value was written, for messages (`no`, `0`, `~`). */
  readonly source: string;
}

export interface PolicyEntry {
  /** The rule name, when the key is a string in Python (the only names a rule can be found by). */
  readonly name: string | null;
  /** The key as Python sees it (PyYAML reads `1:` as an int, `yes:` as True). */
  readonly key: PyValue;
  readonly keySpan: Span;
  readonly value: RuleValue;
  /** From the start of the key to the end of the value (comments excluded). */
  readonly span: Span;
}

export type SyntaxSeverity = 'error' | 'warning';

export interface SyntaxProblem {
  readonly span: Span;
  readonly message: string;
  readonly severity: SyntaxSeverity;
  readonly code: string;
}

/**
 * What oslo.policy does when it loads this text: nothing special, raise (every enforcement
 * fails), or something this tool cannot predict.
 */
export type LoadBehaviour =
  | { readonly kind: 'loads' }
  | { readonly kind: 'raises'; readonly exception: string; readonly message: string; readonly span: Span }
  | { readonly kind: 'unpredictable'; readonly reason: string; readonly span: Span };

export interface Comment {
  readonly span: Span;
  readonly text: string;
}

export interface PolicyDocument {
  readonly text: string;
  readonly format: DocumentFormat;
  /** Every top-level entry in order, duplicates included (the last one wins, as in Python). */
  readonly entries: readonly PolicyEntry[];
  readonly problems: readonly SyntaxProblem[];
  readonly load: LoadBehaviour;
  /** Top-level `#` comments (YAML), for keeping them across conversions. */
  readonly comments: readonly Comment[];
}
