import { parseRegisteredRule } from '../check/checkParser';
import { canonicalRuleString } from '../check/checkPrint';
import type { CheckNode, EnforcedRule, ParsedRule } from '../check/checkTypes';
import type { RegisteredRule } from '../catalog/catalogTypes';
import type { Vocabulary } from '../catalog/vocabulary';
import { readKind, type KindReading } from '../engine/leafCache';
import { percentFormat, type FormatResult } from '../python/pyFormat';
import { pyDict, pyStr } from '../python/pyValue';
import type { PolicyDiagnostic } from './diagnosticTypes';
import { EntryPassMemo } from './entryPassMemo';

/** The per-entry diagnostic passes, each remembering its last answers (see `EntryPassMemo`). */
export interface DiagnosticPasses {
  /** Entries whose value has parse problems: their (relative) parse. */
  readonly problems: EntryPassMemo<ParsedRule>;
  /** `rule:` references to undefined rules, spans relative to the entry's value. */
  readonly undefinedRules: EntryPassMemo<readonly PolicyDiagnostic[]>;
  /** What the checks reveal at enforcement, spans relative to the entry's value. */
  readonly checks: EntryPassMemo<readonly PolicyDiagnostic[]>;
}

export function diagnosticPasses(): DiagnosticPasses {
  return { problems: new EntryPassMemo(), undefinedRules: new EntryPassMemo(), checks: new EntryPassMemo() };
}

/** Above this many remembered answers a map starts again: a bound on memory, not a cache policy. */
const LIMIT = 20_000;

/**
 * Answers the features compute from a string alone, remembered across the versions of a
 * document: re-diagnosing after an edit then costs a lookup per check, not a parse of the
 * registered default, a `literal_eval` of the kind and a `%` format per check.
 */
export class FeatureMemo {
  private readonly kinds = new Map<string, KindReading>();
  private readonly formats = new Map<string, { keys: string[]; probe: FormatResult }>();

  private readonly canonicals = new WeakMap<EnforcedRule, string>();
  private checksContext: { readonly vocabulary: Vocabulary; readonly key: string } | null = null;
  private checks = new WeakMap<CheckNode, readonly PolicyDiagnostic[]>();
  readonly passes: DiagnosticPasses = diagnosticPasses();

  private readonly messages = new Map<string, Map<string, string>>();
  private messagesContext: object | null = null;

  /**
   * A diagnostic's message by group (its code and whatever else the text depends on) and name,
   * made once. Built afresh after every keystroke, the messages of a file of 5,000 unknown names
   * (600 KB of strings) survived each young-generation collection and were promoted, for no
   * reason found in the code (no reference kept them); the same string objects each time avoid
   * it and the work.
   */
  message(context: object, group: string, name: string, build: () => string): string {
    // Messages quote the registered rules: another registration (release, custom catalog) starts over.
    if (context !== this.messagesContext) {
      this.messages.clear();
      this.messagesContext = context;
    }
    let byName = this.messages.get(group);
    if (!byName) this.messages.set(group, (byName = new Map<string, string>()));
    let found = byName.get(name);
    if (found === undefined) {
      if (byName.size >= LIMIT) byName.clear();
      found = build();
      byName.set(name, found);
    }
    return found;
  }

  /** The canonical form of a rule (spans do not matter): remembered per parse. */
  canonical(rule: EnforcedRule): string {
    let found = this.canonicals.get(rule);
    if (found === undefined) {
      found = canonicalRuleString(rule);
      this.canonicals.set(rule, found);
    }
    return found;
  }

  /** The diagnostics of one check tree in one vocabulary and namespace choice, computed once. */
  checkDiagnostics<C>(
    root: CheckNode,
    vocabulary: Vocabulary,
    key: string,
    // A function and its argument rather than a closure: asked of every rule after every keystroke.
    compute: (root: CheckNode, argument: C) => readonly PolicyDiagnostic[],
    argument: C,
  ): readonly PolicyDiagnostic[] {
    if (this.checksContext?.vocabulary !== vocabulary || this.checksContext.key !== key) {
      this.checksContext = { vocabulary, key };
      this.checks = new WeakMap();
    }
    let found = this.checks.get(root);
    if (!found) {
      found = compute(root, argument);
      this.checks.set(root, found);
    }
    return found;
  }

  /** The canonical form of a registered default, as `oslopolicy-list-redundant` compares it. */
  defaultCanonical(rule: RegisteredRule): string {
    return this.canonical(parseRegisteredRule(rule.check_str));
  }

  kind(kind: string): KindReading {
    return remember(this.kinds, kind, readKind);
  }

  /** The `%(key)s` keys of a match and what formatting it with every key present does. */
  format(match: string): { keys: string[]; probe: FormatResult } {
    return remember(this.formats, match, (text) => {
      const keys = [...text.matchAll(/%\(([^)]*)\)/g)].map((m) => m[1]);
      return { keys, probe: percentFormat(text, pyDict(keys.map((key) => [key, pyStr('x')]))) };
    });
  }
}

function remember<T>(map: Map<string, T>, key: string, compute: (key: string) => T): T {
  let found = map.get(key);
  if (found === undefined) {
    if (map.size >= LIMIT) map.clear();
    found = compute(key);
    map.set(key, found);
  }
  return found;
}
