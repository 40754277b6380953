import type { PyValue } from './pyValue';

/** A Python exception raised by an emulated operation (`exception` is its class name). */
export class PyError extends Error {
  constructor(
    readonly exception: string,
    message: string,
  ) {
    super(message);
  }
}

/** The result depends on something this tool cannot know (CPython's hash order, a datetime). */
export class PyUnpredictableError extends Error {}

const INT_DIGITS_LIMIT = 4300;

function intText(value: bigint): string {
  const text = value.toString();
  const digits = value < 0n ? text.length - 1 : text.length;
  if (digits > INT_DIGITS_LIMIT) {
    throw new PyError(
      'ValueError',
      `Exceeds the limit (${INT_DIGITS_LIMIT} digits) for integer string conversion; ` +
        'use sys.set_int_max_str_digits() to increase the limit',
    );
  }
  return text;
}

/** The shortest round-trip digits of a finite double and its decimal exponent (d.ddd × 10^exp). */
function shortestDigits(value: number): { negative: boolean; digits: string; exponent: number } {
  const negative = value < 0 || Object.is(value, -0);
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  return { negative, digits: mantissa.replace('.', ''), exponent: Number(exponentText) };
}

/** `repr(float)` (and `str`): fixed notation for exponents -4..15, else `1e+16` style. */
export function floatRepr(value: number, addDotZero = true): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const { negative, digits, exponent } = shortestDigits(value);
  const sign = negative ? '-' : '';
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
  const expSign = exponent < 0 ? '-' : '+';
  return `${sign}${mantissa}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

function complexRepr(re: number, im: number): string {
  const imText = floatRepr(im, false);
  if (re === 0 && !Object.is(re, -0)) return `${imText}j`;
  const reText = floatRepr(re, false);
  const imSigned = imText.startsWith('-') ? imText : `+${imText}`;
  return `(${reText}${imSigned}j)`;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** `repr(str)`: single quotes unless the text has `'` and no `"`; escapes for non-printables. */
export function strRepr(text: string, asciiOnly = false): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (code < 0x7f) out += char;
    else if (!asciiOnly && !(char !== ' ' && NON_PRINTABLE.test(char))) out += char;
    else if (code < 0x100) out += `\\x${hex(code, 2)}`;
    else if (code < 0x10000) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return out + quote;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

function bytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x09) out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${hex(byte, 2)}`;
    else out += char;
  }
  return out + quote;
}

export function pyRepr(value: PyValue, asciiOnly = false): string {
  switch (value.t) {
    case 'none':
      return 'None';
    case 'bool':
      return value.v ? 'True' : 'False';
    case 'int':
      return intText(value.v);
    case 'float':
      return floatRepr(value.v);
    case 'complex':
      return complexRepr(value.re, value.im);
    case 'str':
      return strRepr(value.v, asciiOnly);
    case 'bytes':
      return bytesRepr(value.v);
    case 'list':
      return `[${value.items.map((item) => pyRepr(item, asciiOnly)).join(', ')}]`;
    case 'tuple':
      if (value.items.length === 1) return `(${pyRepr(value.items[0], asciiOnly)},)`;
      return `(${value.items.map((item) => pyRepr(item, asciiOnly)).join(', ')})`;
    case 'set':
      if (value.items.length === 0) return 'set()';
      // Iteration order is CPython's hash-table order: only certain for one element.
      if (value.items.length > 1)
        throw new PyUnpredictableError("the order of a set's elements is CPython's hash order");
      return `{${pyRepr(value.items[0], asciiOnly)}}`;
    case 'dict':
      return `{${[...value.map].map(([key, item]) => `${strRepr(key, asciiOnly)}: ${pyRepr(item, asciiOnly)}`).join(', ')}}`;
    case 'ellipsis':
      return 'Ellipsis';
    case 'opaque':
      throw new PyUnpredictableError(`Python's rendering of ${value.description}`);
  }
}

/** `str(value)`: like repr, except a string is itself. */
export function pyToStr(value: PyValue): string {
  return value.t === 'str' ? value.v : pyRepr(value);
}
