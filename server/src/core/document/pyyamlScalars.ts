import { PY_FALSE, PY_NONE, PY_TRUE, pyStr, type PyValue } from '../python/pyValue';

/**
 * PyYAML's implicit typing of plain (unquoted) scalars, YAML 1.1 style, as `yaml.safe_load`
 * does it (resolver.py and constructor.py of PyYAML 6). `yes`, `on`, `off` are booleans,
 * `1.0e5` is a string but `1.0e+5` a float, `1:30` is 90, `017` is octal, `2001-01-01` a date.
 * Some plain scalars make the constructor raise (`0b_`, `2001-13-01`, `=`): safe_load fails.
 */
export type ScalarReading =
  | { readonly ok: true; readonly value: PyValue }
  | { readonly ok: false; readonly exception: string; readonly message: string };

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP =
  /^(?:([0-9]{4})-([0-9]{2})-([0-9]{2})|([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9]{2}))?))?)$/;

type Resolver = 'bool' | 'float' | 'int' | 'merge' | 'null' | 'timestamp' | 'value';

/** Resolvers are looked up by the first character, in registration order. */
function resolverFor(text: string): Resolver | null {
  const first = text.length === 0 ? '' : text[0];
  if ('yYnNtTfFoO'.includes(first) && first !== '' && BOOL.test(text)) return 'bool';
  if (first !== '' && '-+0123456789.'.includes(first) && FLOAT.test(text)) return 'float';
  if (first !== '' && '-+0123456789'.includes(first) && INT.test(text)) return 'int';
  if (first === '<' && text === '<<') return 'merge';
  if ((first === '' || first === '~' || first === 'n' || first === 'N') && NULL.test(text)) return 'null';
  if (first !== '' && '0123456789'.includes(first) && TIMESTAMP.test(text)) return 'timestamp';
  if (text === '=') return 'value';
  return null;
}

export function readPlainScalar(text: string): ScalarReading {
  switch (resolverFor(text)) {
    case null:
      return { ok: true, value: pyStr(text) };
    case 'bool':
      return { ok: true, value: ['yes', 'true', 'on'].includes(text.toLowerCase()) ? PY_TRUE : PY_FALSE };
    case 'null':
      return { ok: true, value: PY_NONE };
    case 'int':
      return readInt(text);
    case 'float':
      return { ok: true, value: { t: 'float', v: readFloat(text) } };
    case 'timestamp':
      return readTimestamp(text);
    case 'merge':
      return noConstructor('tag:yaml.org,2002:merge');
    case 'value':
      return noConstructor('tag:yaml.org,2002:value');
  }
}

function noConstructor(tag: string): ScalarReading {
  return {
    ok: false,
    exception: 'ConstructorError',
    message: `could not determine a constructor for the tag '${tag}'`,
  };
}

/** `construct_yaml_int`. */
function readInt(raw: string): ScalarReading {
  let text = raw.replace(/_/g, '');
  let sign = 1n;
  if (text[0] === '-') sign = -1n;
  if (text[0] === '+' || text[0] === '-') text = text.slice(1);
  const parse = (digits: string, base: number, prefix: string): ScalarReading => {
    if (digits.length === 0) {
      return {
        ok: false,
        exception: 'ValueError',
        message: `invalid literal for int() with base ${base}: ''`,
      };
    }
    return { ok: true, value: { t: 'int', v: sign * BigInt(prefix + digits) } };
  };
  if (text === '0') return { ok: true, value: { t: 'int', v: 0n } };
  if (text.startsWith('0b')) return parse(text.slice(2), 2, '0b');
  if (text.startsWith('0x')) return parse(text.slice(2), 16, '0x');
  if (text[0] === '0') return parse(text.slice(1), 8, '0o');
  if (text.includes(':')) {
    let value = 0n;
    let base = 1n;
    for (const part of text.split(':').reverse()) {
      value += BigInt(part) * base;
      base *= 60n;
    }
    return { ok: true, value: { t: 'int', v: sign * value } };
  }
  return { ok: true, value: { t: 'int', v: sign * BigInt(text) } };
}

/** `construct_yaml_float`. */
function readFloat(raw: string): number {
  let text = raw.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (text[0] === '-') sign = -1;
  if (text[0] === '+' || text[0] === '-') text = text.slice(1);
  if (text === '.inf') return sign * Infinity;
  if (text === '.nan') return NaN;
  if (text.includes(':')) {
    let value = 0;
    let base = 1;
    for (const part of text.split(':').reverse()) {
      value += Number(part) * base;
      base *= 60;
    }
    return sign * value;
  }
  return sign * Number(text);
}

/** `construct_yaml_timestamp`: a date or datetime, or the ValueError datetime raises. */
function readTimestamp(text: string): ScalarReading {
  const match = TIMESTAMP.exec(text)!;
  const dateOnly = match[1] !== undefined;
  const year = Number(dateOnly ? match[1] : match[4]);
  const month = Number(dateOnly ? match[2] : match[5]);
  const day = Number(dateOnly ? match[3] : match[6]);
  const invalid = (message: string): ScalarReading => ({ ok: false, exception: 'ValueError', message });
  if (year < 1) return invalid(`year ${year} is out of range`);
  if (month < 1 || month > 12) return invalid('month must be in 1..12');
  if (day < 1 || day > daysInMonth(year, month)) return invalid('day is out of range for month');
  if (dateOnly) return { ok: true, value: { t: 'opaque', typeName: 'datetime.date', description: text } };
  const [hour, minute, second] = [Number(match[7]), Number(match[8]), Number(match[9])];
  if (hour > 23) return invalid('hour must be in 0..23');
  if (minute > 59) return invalid('minute must be in 0..59');
  if (second > 59) return invalid('second must be in 0..59');
  if (match[11] && match[11] !== 'Z') {
    const offsetMinutes = Number(match[13]) * 60 + Number(match[14] ?? 0);
    if (offsetMinutes >= 24 * 60) {
      return invalid(
        'offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24)',
      );
    }
  }
  return { ok: true, value: { t: 'opaque', typeName: 'datetime.datetime', description: text } };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
