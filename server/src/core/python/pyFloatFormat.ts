import { doubleParts } from './pyDouble';

/**
 * CPython's `PyOS_double_to_string` for the `e`, `f` and `g` codes of `%`-formatting:
 * correctly rounded (half to even on the exact binary value, like David Gay's dtoa), with
 * Python's layout rules (`%g` drops trailing zeros unless `#`, exponents have two digits or more).
 */

/** The exact decimal value of a finite non-negative double: 0.digits × 10^point, digits without leading zeros. */
function exactDecimal(value: number): { digits: string; point: number } {
  const { mantissa, exponent } = doubleParts(value);
  if (exponent >= 0) {
    const digits = (mantissa << BigInt(exponent)).toString();
    return { digits, point: digits.length };
  }
  // mantissa / 2^-e = mantissa × 5^-e / 10^-e
  const digits = (mantissa * 5n ** BigInt(-exponent)).toString();
  return { digits, point: digits.length + exponent };
}

/**
 * `_Py_dg_dtoa` in mode 2 (`ndigits` significant digits) or mode 3 (`ndigits` after the
 * point): the rounded digits without trailing zeros, and `decpt` (value = 0.digits × 10^decpt).
 * Zero gives "0" with decpt 1; a value that rounds away to nothing in mode 3 gives "".
 */
function dtoa(value: number, mode: 2 | 3, ndigits: number): { digits: string; decpt: number } {
  if (value === 0) return { digits: '0', decpt: 1 };
  const exact = exactDecimal(value);
  const keep = mode === 2 ? ndigits : exact.point + ndigits;
  if (keep < 0) return { digits: '', decpt: -ndigits };
  let digits: string;
  let decpt = exact.point;
  if (exact.digits.length <= keep) digits = exact.digits;
  else {
    const head = exact.digits.slice(0, keep);
    const first = exact.digits.charCodeAt(keep) - 48;
    const rest = exact.digits.slice(keep + 1);
    const last = keep > 0 ? head.charCodeAt(keep - 1) - 48 : 0;
    const up = first > 5 || (first === 5 && (/[1-9]/.test(rest) || last % 2 === 1));
    if (!up) digits = head;
    else if (keep === 0) {
      digits = '1';
      decpt += 1;
    } else {
      const bumped = (BigInt(head) + 1n).toString().padStart(keep, '0');
      if (bumped.length > keep) {
        digits = bumped.slice(0, keep);
        decpt += 1;
      } else digits = bumped;
    }
  }
  digits = digits.replace(/0+$/, '');
  if (digits === '') return { digits: '', decpt: -ndigits };
  return { digits, decpt };
}

/** `PyOS_double_to_string(value, code, precision, alt ? Py_DTSF_ALT : 0)` for code in eEfFgG. */
export function formatFloat(value: number, code: string, precision: number, alt: boolean): string {
  const upper = code === 'E' || code === 'F' || code === 'G';
  const lower = code.toLowerCase();
  const negative = value < 0 || Object.is(value, -0);
  if (Number.isNaN(value)) return upper ? 'NAN' : 'nan';
  if (!Number.isFinite(value)) return `${negative ? '-' : ''}${upper ? 'INF' : 'inf'}`;
  let mode: 2 | 3;
  let ndigits = precision;
  if (lower === 'e') {
    mode = 2;
    ndigits = precision + 1;
  } else if (lower === 'f') mode = 3;
  else {
    mode = 2;
    if (ndigits === 0) ndigits = 1;
  }
  const result = dtoa(Math.abs(value), mode, ndigits);
  const digits = result.digits;
  let decpt = result.decpt;
  const digitsLength = digits.length;

  // format_float_short: a slice [start, end) of the digits padded with zeros on both sides.
  let useExp = false;
  let vEnd = digitsLength;
  if (lower === 'e') {
    useExp = true;
    vEnd = ndigits;
  } else if (lower === 'f') vEnd = decpt + ndigits;
  else {
    if (decpt <= -4 || decpt > ndigits) useExp = true;
    if (alt) vEnd = ndigits;
  }
  let exponent = 0;
  if (useExp) {
    exponent = decpt - 1;
    decpt = 1;
  }
  const vStart = decpt <= 0 ? decpt - 1 : 0;
  vEnd = Math.max(vEnd, decpt);

  let out = negative ? '-' : '';
  if (decpt <= 0) out += `${'0'.repeat(decpt - vStart)}.${'0'.repeat(-decpt)}`;
  else out += '0'.repeat(-vStart);
  if (decpt > 0 && decpt <= digitsLength) out += `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  else out += digits;
  if (digitsLength < decpt) out += `${'0'.repeat(decpt - digitsLength)}.${'0'.repeat(vEnd - decpt)}`;
  else out += '0'.repeat(vEnd - digitsLength);
  if (out.endsWith('.') && !alt) out = out.slice(0, -1);
  if (useExp) {
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    out += `${upper ? 'E' : 'e'}${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  return out;
}
