import type { LeafCheckNode, ParsedRule } from '../check/checkTypes';
import type { PolicyEntry } from '../document/documentTypes';
import { GenerationMap } from '../document/generations';
import type { LoadFailure, ParsedEntry } from './loadPolicy';

/** A parse with spans relative to the start of the value it was read from. */
export interface RelativeParse {
  readonly structure: ParsedRule;
  /** Relative too: `at` counts from the value's start. */
  readonly error: LoadFailure | null;
  /** The `rule:` checks of `structure.display`, found once per parse. */
  readonly references: readonly LeafCheckNode[];
}

interface CachedRule extends RelativeParse {
  /** Where the end of the value's text maps to, relative to its start: guards the reuse. */
  readonly valueOffset: number;
  readonly valueText: string | null;
}

/**
 * Parsed rules of one document keyed by the source text of their value, kept across versions.
 * Their spans count from the value's start, so a parse does not depend on where the value is:
 * an edit re-parses only the rules it touched, the rules below it keep their parse unchanged
 * (nothing is copied to move them), and a check string written many times in a file is
 * parsed once and shared.
 */
export class ParsedRuleCache {
  private readonly rules = new GenerationMap<CachedRule>();
  /** The last reading's loaded entries, in order: those an edit did not move are reused. */
  loaded: readonly ParsedEntry[] = [];
  /** The generation of that reading (see `LoadedFile.generation`), -1 before the first. */
  loadedGeneration = -1;
  /** The last reading's keys and which of them won, reused while the keys stay the same. */
  winners: { readonly keys: readonly PolicyEntry['key'][]; readonly winners: Uint8Array } | null = null;

  parse(text: string, entry: PolicyEntry, parse: (entry: PolicyEntry) => RelativeParse): RelativeParse {
    const value = entry.value;
    const start = value.span.start;
    const source = text.slice(start, value.span.end);
    const valueText = value.kind === 'string' ? value.text : null;
    const valueOffset = value.kind === 'string' ? value.fromStart(value.text.length) : 0;
    const cached = this.rules.get(source);
    if (cached && cached.valueText === valueText && cached.valueOffset === valueOffset) return cached;
    const parsed = parse(entry);
    const fresh: CachedRule = {
      valueOffset,
      valueText,
      structure: parsed.structure,
      error: parsed.error,
      references: parsed.references,
    };
    this.rules.set(source, fresh);
    return fresh;
  }

  endReading(): void {
    this.rules.endReading();
  }
}
