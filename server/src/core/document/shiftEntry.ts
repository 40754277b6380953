import type { OffsetMap } from '../check/checkTokenizer';
import type { Span } from '../check/checkTypes';
import type { LoadBehaviour, ListItem, PolicyEntry, RuleValue } from './documentTypes';

/**
 * Moves what was read from a piece of text to where the same text now is. An edit shifts every
 * later rule by the length of the change; copying their readings is many times cheaper than
 * reading them again, and what the reading means cannot change with its position.
 */
export function shiftSpan(span: Span, delta: number): Span {
  return { start: span.start + delta, end: span.end + delta };
}

/** A shifted offset map carries what it shifts, so that moving it again adds no layer. */
type ShiftedOffsets = OffsetMap & { readonly base?: OffsetMap; readonly delta?: number };

function shiftOffsets(toDoc: ShiftedOffsets, delta: number): OffsetMap {
  const base = toDoc.base ?? toDoc;
  const total = (toDoc.delta ?? 0) + delta;
  return Object.assign((index: number) => base(index) + total, { base, delta: total });
}

export function shiftEntry(entry: PolicyEntry, delta: number): PolicyEntry {
  return {
    name: entry.name,
    key: entry.key,
    keySpan: shiftSpan(entry.keySpan, delta),
    value: shiftValue(entry.value, delta),
    span: shiftSpan(entry.span, delta),
  };
}

function shiftValue(value: RuleValue, delta: number): RuleValue {
  switch (value.kind) {
    case 'string':
      return { ...value, toDoc: shiftOffsets(value.toDoc, delta), span: shiftSpan(value.span, delta) };
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
