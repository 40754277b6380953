import type { Span } from '../check/checkTypes';
import type { PyValue } from '../python/pyValue';
import type { LoadBehaviour, ListItem, PolicyEntry, RuleValue } from './documentTypes';

/**
 * Moves what was read from a piece of text to where the same text now is. An edit shifts every
 * later rule by the length of the change; copying their readings is many times cheaper than
 * reading them again, and what the reading means cannot change with its position.
 */
export function shiftSpan(span: Span, delta: number): Span {
  return { start: span.start + delta, end: span.end + delta };
}

/**
 * An entry read at another place. Its spans are moved when first asked for: after an edit,
 * the thousands of rules below it are moved on every keystroke, and most passes over them
 * only look at names and shared parses.
 */
class ShiftedEntry implements PolicyEntry {
  readonly name: string | null;
  readonly key: PyValue;
  private movedKeySpan: Span | null = null;
  private movedValue: RuleValue | null = null;
  private movedSpan: Span | null = null;

  constructor(
    /** The entry as first read: the same object for every place this text moves to. */
    readonly original: PolicyEntry,
    readonly delta: number,
  ) {
    this.name = original.name;
    this.key = original.key;
  }

  get keySpan(): Span {
    return (this.movedKeySpan ??= shiftSpan(this.original.keySpan, this.delta));
  }

  get value(): RuleValue {
    return (this.movedValue ??= shiftValue(this.original.value, this.delta));
  }

  get span(): Span {
    return (this.movedSpan ??= shiftSpan(this.original.span, this.delta));
  }

  toJSON(): PolicyEntry {
    return { name: this.name, key: this.key, keySpan: this.keySpan, value: this.value, span: this.span };
  }
}

export function shiftEntry(entry: PolicyEntry, delta: number): PolicyEntry {
  if (delta === 0) return entry;
  if (entry instanceof ShiftedEntry) {
    const total = entry.delta + delta;
    return total === 0 ? entry.original : new ShiftedEntry(entry.original, total);
  }
  return new ShiftedEntry(entry, delta);
}

/**
 * The entry as first read, whichever place it has moved to: what was computed from an entry's
 * text (its parse) holds for every entry with the same identity.
 */
export function entryIdentity(entry: PolicyEntry): PolicyEntry {
  return entry instanceof ShiftedEntry ? entry.original : entry;
}

function shiftValue(value: RuleValue, delta: number): RuleValue {
  switch (value.kind) {
    case 'string':
      // Its offset map counts from its start: nothing to move but the span.
      return { ...value, span: shiftSpan(value.span, delta) };
    case 'list':
      return {
        kind: 'list',
        items: value.items.map((item) => shiftItem(item, delta)),
        span: shiftSpan(value.span, delta),
      };
    case 'other':
      return { ...value, span: shiftSpan(value.span, delta) };
  }
}

function shiftItem(item: ListItem, delta: number): ListItem {
  switch (item.kind) {
    case 'string': {
      const value = shiftValue(item.value, delta);
      return value.kind === 'string' ? { kind: 'string', value } : item;
    }
    case 'list':
      return {
        kind: 'list',
        items: item.items.map((i) => shiftItem(i, delta)),
        span: shiftSpan(item.span, delta),
      };
    case 'other':
      return { ...item, span: shiftSpan(item.span, delta) };
  }
}

export function shiftLoad(load: LoadBehaviour, delta: number): LoadBehaviour {
  return load.kind === 'loads' ? load : { ...load, span: shiftSpan(load.span, delta) };
}
