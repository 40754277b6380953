import { formatFloat } from './pyFloatFormat';
import { PyError, PyUnpredictableError, pyAscii, pyRepr, pyToStr } from './pyRepr';
import { pyTypeName, type PyValue } from './pyValue';

export type FormatResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly exception: string; readonly message: string };

/**
 * Python's printf-style `format % args` (CPython 3.11's PyUnicode_Format), as oslo.policy
 * applies it to a check's match with the target (`'%(project_id)s' % target`). Errors carry
 * Python's exception class and message; KeyError's message is the key's repr, as
 * `str(KeyError('x'))` prints it.
 *
 * Throws PyUnpredictableError when the text cannot be known here (`str()` of a set ordered by
 * string hashes, a datetime, or a field so wide that Python may run out of memory).
 */
export function percentFormat(format: string, args: PyValue): FormatResult {
  const simple = args.t === 'dict' ? simpleMappingFormat(format, args.map) : null;
  if (simple) return simple;
  try {
    return { ok: true, text: new Formatter(format, args).run() };
  } catch (error) {
    if (error instanceof PyError) return { ok: false, exception: error.exception, message: error.message };
    throw error;
  }
}

/**
 * The common case, only `%(key)s` and `%%` with a dict, without the general machinery. Null
 * when the format has anything else, for the general formatter.
 */
function simpleMappingFormat(format: string, map: ReadonlyMap<string, PyValue>): FormatResult | null {
  let out = '';
  let index = 0;
  for (;;) {
    const percent = format.indexOf('%', index);
    if (percent < 0) return { ok: true, text: out + format.slice(index) };
    out += format.slice(index, percent);
    if (format.charCodeAt(percent + 1) === 0x25) {
      out += '%';
      index = percent + 2;
      continue;
    }
    if (format.charCodeAt(percent + 1) !== 0x28) return null;
    const close = format.indexOf(')', percent + 2);
    if (close < 0 || format.charCodeAt(close + 1) !== 0x73 /* s */) return null;
    const key = format.slice(percent + 2, close);
    if (key.includes('(')) return null;
    const value = map.get(key);
    if (value === undefined)
      return { ok: false, exception: 'KeyError', message: pyRepr({ t: 'str', v: key }) };
    if (value.t !== 'str') return null;
    out += value.v;
    index = close + 2;
  }
}

const F_LJUST = 1;
const F_SIGN = 2;
const F_BLANK = 4;
const F_ALT = 8;
const F_ZERO = 16;

const SSIZE_MAX = (1n << 63n) - 1n;
const INT_MAX = 2 ** 31 - 1;
/** Beyond this many characters of output for one field, Python may well raise MemoryError. */
const LARGEST_FIELD = 10_000_000;

interface Spec {
  ch: number;
  flags: number;
  width: number;
  prec: number;
}

/** `PyMapping_Check(args) && !tuple && !str`: what makes `%(key)s` legal (bytes and lists qualify). */
function isMapping(args: PyValue): boolean {
  return args.t === 'dict' || args.t === 'list' || args.t === 'bytes';
}

/** A port of PyUnicode_Format: positions and counts are in code points, as Python's are. */
class Formatter {
  private readonly codes: number[];
  private pos = 0;
  private count: number;
  private args: PyValue;
  private argLength: number;
  private argIndex: number;
  private readonly dict: PyValue | null;
  private out = '';

  constructor(format: string, original: PyValue) {
    this.codes = Array.from(format, (char) => char.codePointAt(0)!);
    this.count = this.codes.length;
    this.args = original;
    if (original.t === 'tuple') {
      this.argLength = original.items.length;
      this.argIndex = 0;
    } else {
      this.argLength = -1;
      this.argIndex = -2;
    }
    this.dict = isMapping(original) ? original : null;
  }

  /** The code at `pos`; 0 past the end, like the NUL after a CPython string. */
  private read(): number {
    return this.codes[this.pos] ?? 0;
  }

  run(): string {
    while (--this.count >= 0) {
      if (this.read() !== 0x25) {
        const start = this.pos++;
        while (this.count >= 0 && this.read() !== 0x25) {
          this.pos++;
          this.count--;
        }
        if (this.count < 0) this.pos--;
        this.out += String.fromCodePoint(...this.codes.slice(start, this.pos));
      } else {
        this.pos++;
        this.formatArg();
      }
    }
    if (this.argIndex < this.argLength && this.dict === null) {
      throw new PyError('TypeError', 'not all arguments converted during string formatting');
    }
    return this.out;
  }

  private nextArg(): PyValue {
    const index = this.argIndex;
    if (index < this.argLength) {
      this.argIndex++;
      if (this.argLength < 0) return this.args;
      return (this.args as { items: readonly PyValue[] }).items[index];
    }
    throw new PyError('TypeError', 'not enough arguments for format string');
  }

  private formatArg(): void {
    const spec: Spec = { ch: this.read(), flags: 0, width: -1, prec: -1 };
    if (spec.ch === 0x25) {
      this.pos++;
      this.count--;
      this.out += '%';
      return;
    }
    this.parseSpec(spec);
    const value = this.nextArg();
    const formatted = this.convert(spec, value);
    this.out += output(spec, formatted.text, formatted.numeric);
  }

  private parseSpec(spec: Spec): void {
    if (spec.ch === 0x28) this.mappingKey(spec);
    while (--this.count >= 0) {
      spec.ch = this.read();
      this.pos++;
      const flag =
        spec.ch === 0x2d
          ? F_LJUST
          : spec.ch === 0x2b
            ? F_SIGN
            : spec.ch === 0x20
              ? F_BLANK
              : spec.ch === 0x23
                ? F_ALT
                : spec.ch === 0x30
                  ? F_ZERO
                  : 0;
      if (flag === 0) break;
      spec.flags |= flag;
    }
    if (spec.ch === 0x2a) {
      const width = this.starArgument();
      if (width < -SSIZE_MAX - 1n || width > SSIZE_MAX) {
        throw new PyError('OverflowError', 'Python int too large to convert to C ssize_t');
      }
      spec.width = Number(width < 0n ? -width : width);
      if (width < 0n) spec.flags |= F_LJUST;
      this.advance(spec);
    } else if (isDigit(spec.ch)) {
      let width = BigInt(spec.ch - 0x30);
      while (--this.count >= 0) {
        spec.ch = this.read();
        this.pos++;
        if (!isDigit(spec.ch)) break;
        const digit = BigInt(spec.ch - 0x30);
        if (width > (SSIZE_MAX - digit) / 10n) throw new PyError('ValueError', 'width too big');
        width = width * 10n + digit;
      }
      spec.width = Number(width);
    }
    if (spec.ch === 0x2e) {
      spec.prec = 0;
      if (this.advance(spec) === 0x2a) {
        const prec = this.starArgument();
        if (prec < -(2n ** 31n) || prec > BigInt(INT_MAX)) {
          throw new PyError('OverflowError', 'Python int too large to convert to C int');
        }
        spec.prec = Math.max(0, Number(prec));
        this.advance(spec);
      } else if (isDigit(spec.ch)) {
        spec.prec = spec.ch - 0x30;
        while (--this.count >= 0) {
          spec.ch = this.read();
          this.pos++;
          if (!isDigit(spec.ch)) break;
          const digit = spec.ch - 0x30;
          if (spec.prec > Math.trunc((INT_MAX - digit) / 10)) {
            throw new PyError('ValueError', 'precision too big');
          }
          spec.prec = spec.prec * 10 + digit;
        }
      }
    }
    // `%hd`, `%ld`, `%Ld`: one length modifier is ignored.
    if (this.count >= 0 && (spec.ch === 0x68 || spec.ch === 0x6c || spec.ch === 0x4c)) this.advance(spec);
    if (this.count < 0) throw new PyError('ValueError', 'incomplete format');
  }

  /** Moves to the next code of the spec, if any, and returns the current one. */
  private advance(spec: Spec): number {
    if (--this.count >= 0) {
      spec.ch = this.read();
      this.pos++;
    }
    return spec.ch;
  }

  /** `%(key)`: balanced parentheses; the value replaces the arguments for this one spec. */
  private mappingKey(spec: Spec): void {
    if (this.dict === null) throw new PyError('TypeError', 'format requires a mapping');
    ++this.pos;
    --this.count;
    const keyStart = this.pos;
    let depth = 1;
    while (depth > 0 && --this.count >= 0) {
      spec.ch = this.read();
      if (spec.ch === 0x29) depth--;
      else if (spec.ch === 0x28) depth++;
      this.pos++;
    }
    if (this.count < 0 || depth > 0) throw new PyError('ValueError', 'incomplete format key');
    const key = String.fromCodePoint(...this.codes.slice(keyStart, this.pos - 1));
    this.args = this.lookup(this.dict, key);
    this.argLength = -1;
    this.argIndex = -2;
  }

  private lookup(mapping: PyValue, key: string): PyValue {
    if (mapping.t === 'dict') {
      const found = mapping.map.get(key);
      if (found === undefined) throw new PyError('KeyError', pyRepr({ t: 'str', v: key }));
      return found;
    }
    const what = mapping.t === 'bytes' ? 'byte' : pyTypeName(mapping);
    throw new PyError('TypeError', `${what} indices must be integers or slices, not str`);
  }

  /** `*` takes its number from the arguments: an int (or bool), nothing else. */
  private starArgument(): bigint {
    const value = this.nextArg();
    if (value.t === 'int') return value.v;
    if (value.t === 'bool') return value.v ? 1n : 0n;
    throw new PyError('TypeError', '* wants int');
  }

  private convert(spec: Spec, value: PyValue): { text: string; numeric: boolean } {
    const ch = spec.ch;
    switch (String.fromCodePoint(ch)) {
      case 's':
        return { text: pyToStr(value), numeric: false };
      case 'r':
        return { text: pyRepr(value), numeric: false };
      case 'a':
        return { text: pyAscii(value), numeric: false };
      case 'd':
      case 'i':
      case 'u':
      case 'o':
      case 'x':
      case 'X':
        return { text: formatLong(value, spec), numeric: true };
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G': {
        const prec = spec.prec < 0 ? 6 : spec.prec;
        if (prec > LARGEST_FIELD) throw tooLarge(prec);
        const text = formatFloat(floatOf(value), String.fromCodePoint(ch), prec, (spec.flags & F_ALT) !== 0);
        return { text, numeric: true };
      }
      case 'c':
        return { text: charOf(value), numeric: false };
      default: {
        const shown = ch >= 31 && ch <= 126 ? String.fromCharCode(ch) : '?';
        throw new PyError(
          'ValueError',
          `unsupported format character '${shown}' (0x${ch.toString(16)}) at index ${this.pos - 1}`,
        );
      }
    }
  }
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function tooLarge(size: number): PyUnpredictableError {
  return new PyUnpredictableError(`a formatted field of ${size} characters (Python may raise MemoryError)`);
}

/** mainformatlong + _PyUnicode_FormatLong: int() of the value, digits padded to the precision. */
function formatLong(value: PyValue, spec: Spec): string {
  const type = String.fromCodePoint(spec.ch);
  let n: bigint;
  if (value.t === 'int') n = value.v;
  else if (value.t === 'bool') n = value.v ? 1n : 0n;
  else if (value.t === 'float' && (type === 'd' || type === 'i' || type === 'u')) {
    if (Number.isNaN(value.v)) throw new PyError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(value.v))
      throw new PyError('OverflowError', 'cannot convert float infinity to integer');
    n = BigInt(Math.trunc(value.v));
  } else {
    if (value.t === 'opaque') throw new PyUnpredictableError(`formatting ${value.description} as a number`);
    const what = type === 'o' || type === 'x' || type === 'X' ? 'an integer' : 'a real number';
    throw new PyError('TypeError', `%${type} format: ${what} is required, not ${pyTypeName(value)}`);
  }
  const negative = n < 0n;
  const magnitude = negative ? -n : n;
  let digits: string;
  if (type === 'o') digits = magnitude.toString(8);
  else if (type === 'x' || type === 'X') digits = magnitude.toString(16);
  else digits = magnitude.toString(10);
  if (type !== 'o' && type !== 'x' && type !== 'X') {
    if (digits.length > 4300) {
      throw new PyError(
        'ValueError',
        'Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit',
      );
    }
  }
  if (spec.prec > LARGEST_FIELD) throw tooLarge(spec.prec);
  if (spec.prec > digits.length) digits = '0'.repeat(spec.prec - digits.length) + digits;
  const prefix = (spec.flags & F_ALT) !== 0 && type !== 'd' && type !== 'i' && type !== 'u' ? `0${type}` : '';
  const text = `${negative ? '-' : ''}${prefix}${digits}`;
  return type === 'X' ? text.toUpperCase() : text;
}

/** PyFloat_AsDouble: floats, ints (if they fit) and bools. */
function floatOf(value: PyValue): number {
  if (value.t === 'float') return value.v;
  if (value.t === 'bool') return value.v ? 1 : 0;
  if (value.t === 'int') {
    const n = Number(value.v);
    // Number() rounds to nearest like PyLong_AsDouble; only values past the largest double overflow.
    if (!Number.isFinite(n)) throw new PyError('OverflowError', 'int too large to convert to float');
    return n;
  }
  if (value.t === 'opaque') throw new PyUnpredictableError(`formatting ${value.description} as a float`);
  throw new PyError('TypeError', `must be real number, not ${pyTypeName(value)}`);
}

/** formatchar: a one-character str, or an int (or bool) code point. */
function charOf(value: PyValue): string {
  if (value.t === 'str') {
    const codes = Array.from(value.v);
    if (codes.length === 1) return value.v;
  } else if (value.t === 'int' || value.t === 'bool') {
    const code = value.t === 'int' ? value.v : value.v ? 1n : 0n;
    if (code < 0n || code > 0x10ffffn) throw new PyError('OverflowError', '%c arg not in range(0x110000)');
    return String.fromCodePoint(Number(code));
  }
  throw new PyError('TypeError', '%c requires int or char');
}

/** unicode_format_arg_output: precision truncation, sign, `0x` prefix, zero or space padding. */
function output(spec: Spec, text: string, numeric: boolean): string {
  let codes = Array.from(text);
  const ch = String.fromCodePoint(spec.ch);
  if ((ch === 's' || ch === 'r' || ch === 'a') && spec.prec >= 0 && codes.length > spec.prec) {
    codes = codes.slice(0, spec.prec);
  }
  let width = spec.width;
  if (width > LARGEST_FIELD && width > codes.length) throw tooLarge(width);
  const fill = numeric && (spec.flags & F_ZERO) !== 0 ? '0' : ' ';
  let sign = '';
  let hasSign = numeric;
  if (hasSign) {
    if (codes[0] === '-' || codes[0] === '+') sign = codes.shift()!;
    else if ((spec.flags & F_SIGN) !== 0) sign = '+';
    else if ((spec.flags & F_BLANK) !== 0) sign = ' ';
    else hasSign = false;
  }
  let len = codes.length;
  if (width < len) width = len;
  let out = '';
  if (hasSign) {
    if (fill !== ' ') out += sign;
    if (width > len) width--;
  }
  const alt = (spec.flags & F_ALT) !== 0 && (ch === 'x' || ch === 'X' || ch === 'o');
  let prefix = '';
  if (alt) {
    prefix = codes.slice(0, 2).join('');
    codes = codes.slice(2);
    if (fill !== ' ') out += prefix;
    width = Math.max(0, width - 2);
    len -= 2;
  }
  if (width > len && (spec.flags & F_LJUST) === 0) {
    out += fill.repeat(width - len);
    width = len;
  }
  if (fill === ' ') {
    if (hasSign) out += sign;
    if (alt) out += prefix;
  }
  out += codes.join('');
  if (width > len) out += ' '.repeat(width - len);
  return out;
}
