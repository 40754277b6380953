import type { ParsedRule } from '../check/checkTypes';
import { shiftParsedRule } from '../check/shiftRule';
import type { PolicyEntry } from '../document/documentTypes';
import { GenerationMap, type GenerationRecord } from '../document/generations';
import type { LoadFailure } from './loadPolicy';

interface CachedRule {
  readonly start: number;
  /** Where the end of the value's text maps to, relative to its start: guards the shift. */
  readonly valueOffset: number;
  readonly valueText: string | null;
  readonly parsed: ParsedRule;
  readonly error: LoadFailure | null;
}

/**
 * Parsed rules of one document keyed by the source text of their value, kept across versions:
 * an edit re-parses only the rules it touched and moves the others, and a check string written
 * many times in a file is parsed once. Everything a parse holds lies inside the value.
 */
export class ParsedRuleCache {
  private readonly rules = new GenerationMap<CachedRule>();
  /**
   * The same entry object (the piece cache hands back unchanged readings as they were) has the
   * same parse: one lookup without slicing its text, and a check string written many times in
   * a file does not move its one text-keyed parse back and forth on every reading.
   */
  private readonly byEntry = new WeakMap<
    PolicyEntry,
    { readonly rule: CachedRule; readonly record: GenerationRecord<CachedRule> }
  >();

  parse(
    text: string,
    entry: PolicyEntry,
    parse: (entry: PolicyEntry) => { parsed: ParsedRule; error: LoadFailure | null },
  ): { parsed: ParsedRule; error: LoadFailure | null } {
    const known = this.byEntry.get(entry);
    // Touching keeps the text-keyed parse alive for the entries an edit moves next time.
    // The record may hold the same text's parse at another place by now: the entry keeps its own.
    if (known && this.rules.touch(known.record)) return known.rule;
    const value = entry.value;
    const start = value.span.start;
    const source = text.slice(start, value.span.end);
    const valueText = value.kind === 'string' ? value.text : null;
    const valueOffset = value.kind === 'string' ? value.toDoc(value.text.length) - start : 0;
    let cached = this.rules.get(source);
    if (cached && (cached.valueText !== valueText || cached.valueOffset !== valueOffset)) cached = undefined;
    if (cached && cached.start === start) {
      this.byEntry.set(entry, { rule: cached, record: this.rules.set(source, cached) });
      return cached;
    }
    if (cached) {
      const delta = start - cached.start;
      const at = cached.error?.at;
      cached = {
        start,
        valueOffset,
        valueText,
        parsed: shiftParsedRule(cached.parsed, delta),
        error:
          cached.error && at
            ? { ...cached.error, at: { start: at.start + delta, end: at.end + delta } }
            : cached.error,
      };
    }
    if (!cached) cached = { start, valueOffset, valueText, ...parse(entry) };
    this.byEntry.set(entry, { rule: cached, record: this.rules.set(source, cached) });
    return cached;
  }

  endReading(): void {
    this.rules.endReading();
  }
}
