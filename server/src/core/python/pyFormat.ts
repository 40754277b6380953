import { PyError, pyRepr, pyToStr } from './pyRepr';
import { pyTypeName, type PyValue } from './pyValue';

export type FormatResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly exception: string; readonly message: string };

/**
 * Python's printf-style `format % args`, as oslo.policy applies it to a check's match with the
 * target (`'%(project_id)s' % target`). Errors carry Python's exception class and message:
 * KeyError's message is the key's repr, as `str(KeyError('x'))` prints it.
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
 * The common case, `%(key)s` specs and `%%` with a dict, without the general machinery (or
 * exceptions). Null when the format has anything else, for the general formatter.
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
    if (value.t === 'str') out += value.v;
    else {
      try {
        out += pyToStr(value);
      } catch {
        return null;
      }
    }
    index = close + 2;
  }
}

/** Mapping protocol as `PyMapping_Check` sees it: dicts and lists (which have `__getitem__`), not tuples or strings. */
function mappingOf(args: PyValue): PyValue | null {
  return args.t === 'dict' || args.t === 'list' ? args : null;
}

class Formatter {
  private argIndex: number;
  private argLength: number;
  private readonly mapping: PyValue | null;
  private current: PyValue;
  private index = 0;
  private readonly out: string[] = [];

  constructor(
    private readonly format: string,
    private readonly args: PyValue,
  ) {
    if (args.t === 'tuple') {
      this.argLength = args.items.length;
      this.argIndex = 0;
    } else {
      this.argLength = -1;
      this.argIndex = -2;
    }
    this.current = args;
    this.mapping = mappingOf(args);
  }

  run(): string {
    const format = this.format;
    while (this.index < format.length) {
      const percent = format.indexOf('%', this.index);
      if (percent < 0) {
        this.out.push(format.slice(this.index));
        break;
      }
      this.out.push(format.slice(this.index, percent));
      this.index = percent + 1;
      this.spec();
    }
    if (this.argIndex < this.argLength && this.mapping === null) {
      throw new PyError('TypeError', 'not all arguments converted during string formatting');
    }
    return this.out.join('');
  }

  private nextArg(): PyValue {
    if (this.argIndex < this.argLength) {
      this.argIndex++;
      if (this.argLength < 0) return this.current;
      return (this.args as { items: readonly PyValue[] }).items[this.argIndex - 1];
    }
    throw new PyError('TypeError', 'not enough arguments for format string');
  }

  private peek(): string | undefined {
    return this.format[this.index];
  }

  private spec(): void {
    const format = this.format;
    let value: PyValue | null = null;
    if (this.peek() === '(') {
      if (this.mapping === null) throw new PyError('TypeError', 'format requires a mapping');
      let depth = 1;
      const keyStart = ++this.index;
      while (this.index < format.length && depth > 0) {
        if (format[this.index] === '(') depth++;
        else if (format[this.index] === ')') depth--;
        this.index++;
      }
      if (depth > 0) throw new PyError('ValueError', 'incomplete format key');
      const key = format.slice(keyStart, this.index - 1);
      value = this.lookup(key);
      this.current = value;
      this.argLength = -1;
      this.argIndex = -1;
    }
    let flags = '';
    while (this.index < format.length && '-+ #0'.includes(format[this.index])) flags += format[this.index++];
    let width: number | null = null;
    if (this.peek() === '*') {
      this.index++;
      width = this.intArg();
      if (width < 0) {
        flags += '-';
        width = -width;
      }
    } else width = this.digits();
    let precision: number | null = null;
    if (this.peek() === '.') {
      this.index++;
      if (this.peek() === '*') {
        this.index++;
        precision = Math.max(0, this.intArg());
      } else precision = this.digits() ?? 0;
    }
    while (this.index < format.length && 'hlL'.includes(format[this.index])) this.index++;
    if (this.index >= format.length) throw new PyError('ValueError', 'incomplete format');
    const conversion = format[this.index++];
    if (conversion === '%') {
      this.out.push('%');
      return;
    }
    const argument = value ?? this.nextArg();
    const body = this.convert(conversion, argument, flags, precision);
    this.out.push(pad(body, width, flags, /[diouxXeEfFgG]/.test(conversion)));
  }

  private lookup(key: string): PyValue {
    const mapping = this.mapping!;
    if (mapping.t === 'dict') {
      const found = mapping.map.get(key);
      if (found === undefined) throw new PyError('KeyError', pyRepr({ t: 'str', v: key }));
      return found;
    }
    throw new PyError('TypeError', `${pyTypeName(mapping)} indices must be integers or slices, not str`);
  }

  private intArg(): number {
    const argument = this.nextArg();
    if (argument.t === 'int') return Number(argument.v);
    if (argument.t === 'bool') return argument.v ? 1 : 0;
    throw new PyError('TypeError', '* wants int');
  }

  private digits(): number | null {
    const start = this.index;
    while (
      this.index < this.format.length &&
      this.format[this.index] >= '0' &&
      this.format[this.index] <= '9'
    )
      this.index++;
    return this.index > start ? Number(this.format.slice(start, this.index)) : null;
  }

  private convert(conversion: string, value: PyValue, flags: string, precision: number | null): string {
    switch (conversion) {
      case 's':
      case 'r':
      case 'a': {
        const text = conversion === 's' ? pyToStr(value) : pyRepr(value, conversion === 'a');
        return precision === null ? text : [...text].slice(0, precision).join('');
      }
      case 'd':
      case 'i':
      case 'u':
        return signed(integerOf(value, conversion, true), flags, (n) => n.toString(), precision);
      case 'o':
      case 'x':
      case 'X': {
        const n = integerOf(value, conversion, false);
        const radix = conversion === 'o' ? 8 : 16;
        const prefix = flags.includes('#')
          ? conversion === 'o'
            ? '0o'
            : conversion === 'x'
              ? '0x'
              : '0X'
          : '';
        const text = signed(n, flags, (m) => m.toString(radix), precision, prefix);
        return conversion === 'X' ? text.toUpperCase() : text;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
        return formatFloat(floatOf(value), conversion, flags, precision ?? 6);
      case 'c':
        return charOf(value);
      default: {
        const code = conversion.codePointAt(0)!;
        throw new PyError(
          'ValueError',
          `unsupported format character '${conversion}' (0x${code.toString(16)}) at index ${this.index - 1}`,
        );
      }
    }
  }
}

function integerOf(value: PyValue, conversion: string, acceptFloat: boolean): bigint {
  if (value.t === 'int') return value.v;
  if (value.t === 'bool') return value.v ? 1n : 0n;
  if (value.t === 'float' && acceptFloat) {
    if (Number.isNaN(value.v)) throw new PyError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(value.v))
      throw new PyError('OverflowError', 'cannot convert float infinity to integer');
    return BigInt(Math.trunc(value.v));
  }
  const what = acceptFloat ? 'a real number' : 'an integer';
  throw new PyError('TypeError', `%${conversion} format: ${what} is required, not ${pyTypeName(value)}`);
}

function floatOf(value: PyValue): number {
  if (value.t === 'float') return value.v;
  if (value.t === 'int') {
    const n = Number(value.v);
    if (!Number.isFinite(n)) throw new PyError('OverflowError', 'int too large to convert to float');
    return n;
  }
  if (value.t === 'bool') return value.v ? 1 : 0;
  throw new PyError('TypeError', `must be real number, not ${pyTypeName(value)}`);
}

function charOf(value: PyValue): string {
  if (value.t === 'str' && [...value.v].length === 1) return value.v;
  if (value.t === 'int' || value.t === 'bool') {
    const code = value.t === 'int' ? value.v : value.v ? 1n : 0n;
    if (code < 0n || code > 0x10ffffn) throw new PyError('OverflowError', '%c arg not in range(0x110000)');
    return String.fromCodePoint(Number(code));
  }
  throw new PyError('TypeError', '%c requires int or char');
}

function signed(
  n: bigint,
  flags: string,
  digitsOf: (n: bigint) => string,
  precision: number | null,
  prefix = '',
): string {
  const negative = n < 0n;
  let digits = digitsOf(negative ? -n : n);
  if (precision !== null && digits.length < precision)
    digits = '0'.repeat(precision - digits.length) + digits;
  const sign = negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  return `${sign}${prefix}\u0000${digits}`;
}

/** Width padding; numbers zero-pad after their sign and prefix (marked by a NUL). */
function pad(body: string, width: number | null, flags: string, numeric: boolean): string {
  const marker = numeric ? body.indexOf('\u0000') : -1;
  const head = marker >= 0 ? body.slice(0, marker) : '';
  const tail = marker >= 0 ? body.slice(marker + 1) : body;
  const length = [...head].length + [...tail].length;
  if (width === null || length >= width) return head + tail;
  const fill = width - length;
  if (flags.includes('-')) return head + tail + ' '.repeat(fill);
  if (numeric && flags.includes('0')) return head + '0'.repeat(fill) + tail;
  return ' '.repeat(fill) + head + tail;
}

/** Exact decimal expansion of a finite double, as digits and the position of the decimal point. */
function exactDecimal(value: number): { digits: string; point: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(value));
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent: number;
  if (exponentBits === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  if (mantissa === 0n) return { digits: '0', point: 1 };
  if (exponent >= 0) {
    const digits = (mantissa << BigInt(exponent)).toString();
    return { digits, point: digits.length };
  }
  // mantissa / 2^-e = mantissa * 5^-e / 10^-e
  const scaled = (mantissa * 5n ** BigInt(-exponent)).toString();
  return { digits: scaled, point: scaled.length + exponent };
}

/** Rounds digits (with the point) to `keep` significant-from-start digits, half to even. */
function roundDigits(digits: string, point: number, keep: number): { digits: string; point: number } {
  if (keep < 0) return { digits: '0', point: point };
  if (digits.length <= keep) return { digits: digits.padEnd(keep, '0'), point };
  const head = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const beyond = /[1-9]/.test(rest.slice(1));
  const last = keep > 0 ? head.charCodeAt(keep - 1) - 48 : 0;
  const up = first > 5 || (first === 5 && (beyond || last % 2 === 1));
  if (!up) return { digits: head, point };
  if (keep === 0) return { digits: '1', point: point + 1 };
  const bumped = (BigInt(head) + 1n).toString().padStart(keep, '0');
  if (bumped.length > keep) return { digits: bumped.slice(0, keep), point: point + 1 };
  return { digits: bumped, point };
}

function fixed(value: number, precision: number): string {
  const { digits, point } = exactDecimal(value);
  const rounded = roundDigits(digits, point, point + precision);
  let all = rounded.digits;
  let integerLength = rounded.point;
  if (integerLength <= 0) {
    all = '0'.repeat(1 - integerLength) + all;
    integerLength = 1;
  }
  all = all.padEnd(integerLength + precision, '0');
  const integer = all.slice(0, integerLength) || '0';
  const fraction = all.slice(integerLength, integerLength + precision);
  return precision > 0 ? `${integer.replace(/^0+(?=\d)/, '')}.${fraction}` : integer.replace(/^0+(?=\d)/, '');
}

function scientific(value: number, precision: number, upper: boolean): string {
  const { digits, point } = exactDecimal(value);
  const firstNonZero = digits.search(/[1-9]/);
  let mantissaDigits: string;
  let exponent: number;
  if (firstNonZero < 0) {
    mantissaDigits = '0'.repeat(precision + 1);
    exponent = 0;
  } else {
    const trimmed = digits.slice(firstNonZero);
    const rounded = roundDigits(trimmed, point - firstNonZero, precision + 1);
    mantissaDigits = rounded.digits;
    exponent = rounded.point - 1;
  }
  const mantissa = precision > 0 ? `${mantissaDigits[0]}.${mantissaDigits.slice(1)}` : mantissaDigits[0];
  const e = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${mantissa}${upper ? 'E' : 'e'}${e}`;
}

function formatFloat(value: number, conversion: string, flags: string, precision: number): string {
  const upper = conversion === conversion.toUpperCase();
  const negative = value < 0 || Object.is(value, -0);
  const sign = negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  if (!Number.isFinite(value)) {
    const text = Number.isNaN(value) ? 'nan' : 'inf';
    return `${Number.isNaN(value) ? (flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') : sign}${upper ? text.toUpperCase() : text}`;
  }
  const magnitude = Math.abs(value);
  let body: string;
  const lower = conversion.toLowerCase();
  if (lower === 'f') body = fixed(magnitude, precision);
  else if (lower === 'e') body = scientific(magnitude, precision, upper);
  else {
    const p = precision === 0 ? 1 : precision;
    const probe = scientific(magnitude, p - 1, false);
    const exponent = Number(probe.slice(probe.indexOf('e') + 1));
    body =
      exponent >= -4 && exponent < p
        ? fixed(magnitude, p - 1 - exponent)
        : scientific(magnitude, p - 1, upper);
    if (!flags.includes('#')) {
      body = body.replace(/(\.\d*?)0+(?=$|[eE])/, '$1').replace(/\.(?=$|[eE])/, '');
    }
  }
  if (flags.includes('#') && !body.includes('.') && lower !== 'g') {
    const e = body.search(/[eE]/);
    body = e >= 0 ? `${body.slice(0, e)}.${body.slice(e)}` : `${body}.`;
  }
  return `${sign}\u0000${body}`;
}
