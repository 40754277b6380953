import { pyStr, type PyValue } from '../python/pyValue';
import type { LoadBehaviour, PolicyEntry, RuleValue } from './documentTypes';
import { readPlainScalar } from './pyyamlScalars';
import { offsetsFromStart, verbatimFromStart } from './scalarSource';
import {
  matchQuotedValueLine,
  quotedNameLength,
  readLineByCharacter,
  type FastLine,
  type FastScalar,
} from './yamlFastLine';

/** The entry of a one-line piece read without the YAML library, and why loading it fails, if it does. */
export interface FastEntry {
  readonly entry: PolicyEntry;
  readonly failure: LoadBehaviour | null;
}

/** The entry of a line `readLineByCharacter` reads, null for one it leaves to the YAML library. */
export function readFastEntry(text: string, start: number, end: number): FastEntry | null {
  const quoted = quotedValueEntry(text, start, end);
  if (quoted) return quoted;
  const line = readLineByCharacter(text, start, end);
  return line && fastEntry(line);
}

/**
 * The entry of a `"name": "check"` line (see `matchQuotedValueLine`), built straight from the
 * match: the same entry as `fastEntry` of the line read by character (the tests compare them),
 * without its ten intermediate objects per line (scalars, offset maps, values), which a file's
 * first reading allocates in code the JIT has not compiled yet.
 */
export function quotedValueEntry(text: string, start: number, end: number): FastEntry | null {
  const match = matchQuotedValueLine(text, start, end);
  if (match === null) return null;
  const [, quotedName, plainName, blanks, check] = match;
  const keySpan = { start, end: start + quotedNameLength(match) };
  let key: PyValue;
  let failure: LoadBehaviour | null = null;
  if (quotedName !== undefined) key = pyStr(quotedName);
  else {
    const reading = readPlainScalar(plainName);
    key = reading.ok ? reading.value : pyStr(plainName);
    if (!reading.ok)
      failure = { kind: 'raises', exception: 'ValueError', message: reading.message, span: keySpan };
  }
  const valueStart = keySpan.end + 1 + blanks.length;
  const valueEnd = valueStart + check.length + 2;
  const value: RuleValue = {
    kind: 'string',
    text: check,
    fromStart: verbatimFromStart(1),
    span: { start: valueStart, end: valueEnd },
    style: 'double',
    exact: true,
  };
  const entry: PolicyEntry = {
    name: key.t === 'str' ? key.v : null,
    key,
    keySpan,
    value,
    span: { start, end: valueEnd },
  };
  return { entry, failure };
}

function fastScalarValue(scalar: FastScalar): { value: PyValue; failure: LoadBehaviour | null } {
  if (scalar.style !== 'plain') return { value: pyStr(scalar.decoded.text), failure: null };
  const reading = readPlainScalar(scalar.decoded.text);
  if (reading.ok) return { value: reading.value, failure: null };
  return {
    value: pyStr(scalar.decoded.text),
    failure: { kind: 'raises', exception: 'ValueError', message: reading.message, span: scalar.span },
  };
}

/** The entry of a line read by character. */
export function fastEntry(line: FastLine): FastEntry {
  // A plain `=` key is the string '=' (PyYAML's flatten_mapping), not the value tag's error.
  const key =
    line.key.style === 'plain' && line.key.decoded.text === '='
      ? { value: pyStr('='), failure: null }
      : fastScalarValue(line.key);
  let value: RuleValue;
  let failure = key.failure;
  if (line.value === null) {
    const at = { start: line.key.span.end + 1, end: line.key.span.end + 1 };
    value = { kind: 'other', value: { t: 'none' }, span: at, source: '' };
  } else {
    const read = fastScalarValue(line.value);
    failure ??= read.failure;
    value =
      read.value.t === 'str'
        ? {
            kind: 'string',
            text: read.value.v,
            fromStart: offsetsFromStart(line.value.decoded, line.value.span.start),
            span: line.value.span,
            style: line.value.style,
            exact: line.value.decoded.exact,
          }
        : { kind: 'other', value: read.value, span: line.value.span, source: line.value.decoded.text };
  }
  const keyValue = key.value;
  const entry: PolicyEntry = {
    name: keyValue.t === 'str' ? keyValue.v : null,
    key: keyValue,
    keySpan: line.key.span,
    value,
    span: { start: line.key.span.start, end: Math.max(line.end, value.span.end) },
  };
  return { entry, failure };
}
