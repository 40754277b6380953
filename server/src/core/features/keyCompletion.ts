import type { Span } from '../check/checkTypes';

/**
 * Where a completed policy name goes, so that the text stays what it was plus one entry: the
 * typed start of the key with its opening quote, and the closing quote the editor added
 * after the cursor (VS Code closes `"` as it is typed, so without it the quote would double).
 */
export interface KeyPlacement {
  readonly range: Span;
  /** The key already has a value (`"get_im|": "role:x"`): only the name is replaced. */
  readonly existingKey: boolean;
  /** The quote typed before the name, for the editor's filtering. */
  readonly quote: string;
  /** In `{...}`: a comma goes after the previous entry (at this offset), and after the new one. */
  readonly commaBefore: number | null;
  readonly commaAfter: boolean;
}

/** The top-level mapping is written `{...}` (JSON, or a YAML flow mapping), at this offset. */
export function flowMappingStart(text: string): number {
  const match = /^(?:\s|#[^\n]*)*\{/.exec(text);
  return match ? match[0].length - 1 : -1;
}

/** The key being typed before `offset`; `typed` holds its opening quote. */
export function placeKey(text: string, offset: number, typed: string, flow: boolean): KeyPlacement {
  const quote = /^["']/.test(typed) ? typed[0] : '';
  const start = offset - typed.length;
  const lineEnd = text.indexOf('\n', offset) < 0 ? text.length : text.indexOf('\n', offset);
  const after = text.slice(offset, lineEnd);
  // The rest of the word under the cursor, with its closing quote.
  const rest = quote
    ? (new RegExp(`^[^${quote}\\n]*${quote}`).exec(after)?.[0] ?? '')
    : /^[^\s"':,{}#]*/.exec(after)![0];
  const end = offset + rest.length;
  const existingKey = /^[ \t]*:/.test(text.slice(end, lineEnd));
  if (!flow || existingKey)
    return { range: { start, end }, existingKey, quote, commaBefore: null, commaAfter: false };
  const next = /\S/.exec(text.slice(end));
  const commaAfter = next !== null && next[0] !== '}' && next[0] !== ',';
  const previous = /\S(?=\s*$)/.exec(text.slice(0, start));
  const commaBefore = previous && !'{,:['.includes(previous[0]) ? previous.index + 1 : null;
  return { range: { start, end }, existingKey, quote, commaBefore, commaAfter };
}

/**
 * On a line of a `{...}` mapping: the key typed so far (with its quote), or where the value
 * under the cursor starts (after its quote). A scan of the line: JSON strings do not span lines.
 */
export function flowPosition(before: string): { key: string } | { valueStart: number } {
  let open = -1;
  let openedAfter = 'start';
  let punct = 'start';
  let punctAt = -1;
  let closedSincePunct = false;
  for (let index = 0; index < before.length; index++) {
    const char = before[index];
    if (open >= 0) {
      const quote = before[open];
      if (quote === '"' && char === '\\') index++;
      else if (char === quote && quote === "'" && before[index + 1] === "'") index++;
      else if (char === quote) {
        open = -1;
        closedSincePunct = true;
      }
    } else if (char === '"' || char === "'") {
      open = index;
      openedAfter = closedSincePunct ? 'string' : punct;
    } else if (
      char === '{' ||
      char === ',' ||
      // A mapping colon, not the one of `role:x` in a plain value.
      (char === ':' && (closedSincePunct || /[\s"']/.test(before[index + 1] ?? ' ')))
    ) {
      punct = char;
      punctAt = index;
      closedSincePunct = false;
    }
  }
  if (open >= 0) return openedAfter === ':' ? { valueStart: open + 1 } : { key: before.slice(open) };
  if (punct === ':' && !closedSincePunct) {
    return { valueStart: punctAt + 1 + /^\s*/.exec(before.slice(punctAt + 1))![0].length };
  }
  return { key: /[^\s"':,{}]*$/.exec(before)![0] };
}
