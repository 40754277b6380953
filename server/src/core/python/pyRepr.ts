import { isPyPrintable } from './pyText';
import { pySetOrderKnown, type PyValue } from './pyValue';

/**
 * A Python exception raised by an emulated operation (`exception` is its class name). It is an
 * answer, not a bug: evaluation throws it on hot paths (a `%`-format that raises), so it is
 * built without a JavaScript stack trace, which would cost more than the whole check.
 */
export class PyError extends Error {
  readonly exception: string;

  constructor(exception: string, message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.exception = exception;
  }
}

/** The result depends on something this tool cannot know (CPython's hash order, a datetime). */
export class PyUnpredictableError extends Error {}

export const INT_MAX_STR_DIGITS = 4300;

/**
 * Containers nested deeper than this may make `repr()` raise RecursionError: CPython counts
 * each level against the same limit (1000) as the Python frames already on the stack, and
 * how many of those a service has when it formats a value is not knowable here.
 */
export const REPR_SAFE_DEPTH = 800;

/** `str(int)`: Python 3.11 refuses more than 4300 decimal digits (CVE-2020-10735). */
export function intToDecimal(value: bigint): string {
  const text = value.toString();
  const digits = value < 0n ? text.length - 1 : text.length;
  if (digits > INT_MAX_STR_DIGITS) {
    throw new PyError(
      'ValueError',
      `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion; ` +
        'use sys.set_int_max_str_digits() to increase the limit',
    );
  }
  return text;
}

/** The shortest round-trip digits of a finite non-zero double, and its decimal exponent (d.ddd × 10^exponent). */
export function shortestDigits(value: number): { digits: string; exponent: number } {
  // JavaScript's Number-to-string is also the shortest round-trip form (closest on ties), like Python's repr.
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  return { digits: mantissa.replace('.', ''), exponent: Number(exponentText) };
}

/**
 * `repr(float)` (also `str`): the shortest digits, fixed notation for exponents -4..15 and
 * `1e+16` style otherwise. `addDotZero` is false inside complex numbers (`(1+2j)`).
 */
export function floatRepr(value: number, addDotZero = true): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (value === 0) return addDotZero ? `${sign}0.0` : `${sign}0`;
  const { digits, exponent } = shortestDigits(value);
  if (exponent >= -4 && exponent < 16) {
    let text: string;
    if (exponent < 0) text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    else if (digits.length <= exponent + 1) {
      text = digits + '0'.repeat(exponent + 1 - digits.length);
      if (addDotZero) text += '.0';
    } else text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
    return sign + text;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** `repr(complex)`: `2j` when the real part is +0, else `(re±imj)` with both parts in short repr. */
export function complexRepr(re: number, im: number): string {
  const imText = floatRepr(im, false);
  if (re === 0 && !Object.is(re, -0)) return `${imText}j`;
  const imSigned = imText.startsWith('-') ? imText : `+${imText}`;
  return `(${floatRepr(re, false)}${imSigned}j)`;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** `repr(str)` (or `ascii(str)`): single quotes unless the text has `'` and no `"`; escapes non-printables. */
export function strRepr(text: string, asciiOnly = false): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x7f && code >= 0x20) out += char === quote || char === '\\' ? `\\${char}` : char;
    else if (code === 0x0a) out += '\\n';
    else if (code === 0x0d) out += '\\r';
    else if (code === 0x09) out += '\\t';
    else if (code < 0x80) out += `\\x${hex(code, 2)}`;
    else if (!asciiOnly && isPyPrintable(code)) out += char;
    else if (code < 0x100) out += `\\x${hex(code, 2)}`;
    else if (code < 0x10000) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return out + quote;
}

/** `repr(bytes)`: `b'...'`, the same quote rule as str, `\xhh` outside printable ASCII. */
export function bytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${hex(byte, 2)}`;
    else out += char;
  }
  return out + quote;
}

/** `repr(value)`; `asciiOnly` gives `ascii(value)`. Throws PyError or PyUnpredictableError. */
export function pyRepr(value: PyValue, asciiOnly = false): string {
  return reprAt(value, asciiOnly, 0);
}

/** `ascii(value)`. */
export function pyAscii(value: PyValue): string {
  return reprAt(value, true, 0);
}

function reprAt(value: PyValue, asciiOnly: boolean, depth: number): string {
  switch (value.t) {
    case 'none':
      return 'None';
    case 'bool':
      return value.v ? 'True' : 'False';
    case 'int':
      return intToDecimal(value.v);
    case 'float':
      return floatRepr(value.v);
    case 'complex':
      return complexRepr(value.re, value.im);
    case 'str':
      return strRepr(value.v, asciiOnly);
    case 'bytes':
      return bytesRepr(value.v);
    case 'ellipsis':
      return 'Ellipsis';
    case 'opaque':
      throw new PyUnpredictableError(`Python's rendering of ${value.description}`);
    default:
      break;
  }
  if (depth >= REPR_SAFE_DEPTH) {
    throw new PyUnpredictableError(
      `the repr of containers nested ${REPR_SAFE_DEPTH} deep may raise RecursionError, depending on the Python stack`,
    );
  }
  const inner = (item: PyValue): string => reprAt(item, asciiOnly, depth + 1);
  switch (value.t) {
    case 'list':
      return `[${value.items.map(inner).join(', ')}]`;
    case 'tuple':
      if (value.items.length === 1) return `(${inner(value.items[0])},)`;
      return `(${value.items.map(inner).join(', ')})`;
    case 'set':
      if (value.items.length === 0) return 'set()';
      if (!pySetOrderKnown(value)) {
        throw new PyUnpredictableError(
          "the order of this set's elements follows CPython's string hashing, salted per process",
        );
      }
      return `{${value.items.map(inner).join(', ')}}`;
    case 'dict':
      return `{${[...value.map].map(([key, item]) => `${strRepr(key, asciiOnly)}: ${inner(item)}`).join(', ')}}`;
  }
}

/** `str(value)`: like repr, except that a string is itself. */
export function pyToStr(value: PyValue): string {
  return value.t === 'str' ? value.v : pyRepr(value);
}
