/**
 * Python values, as oslo.policy sees them.
 *
 * oslo.policy compares strings produced by Python's `str()` and `%`-formatting, so the
 * evaluator must know more than JSON does: `1` and `1.0` render differently, integers are
 * unbounded, and literal kinds (`'public'`, `0x10`, `b'x'`, `(1,)`) are Python values.
 * Creds and targets arrive as JSON (read the way Python's `json` module reads it) and
 * literal kinds come from `ast.literal_eval`; both produce these values.
 */

import { doubleParts } from './pyDouble';
export type PyValue =
  | PyNone
  | PyBool
  | PyInt
  | PyFloat
  | PyComplex
  | PyStr
  | PyBytes
  | PyList
  | PyTuple
  | PySet
  | PyDict
  | PyEllipsis
  | PyOpaque;

export interface PyNone {
  readonly t: 'none';
}
export interface PyBool {
  readonly t: 'bool';
  readonly v: boolean;
}
/** Python ints are unbounded: keep them as bigint. */
export interface PyInt {
  readonly t: 'int';
  readonly v: bigint;
}
export interface PyFloat {
  readonly t: 'float';
  readonly v: number;
}
export interface PyComplex {
  readonly t: 'complex';
  readonly re: number;
  readonly im: number;
}
export interface PyStr {
  readonly t: 'str';
  readonly v: string;
}
export interface PyBytes {
  readonly t: 'bytes';
  readonly v: Uint8Array;
}
export interface PyList {
  readonly t: 'list';
  readonly items: readonly PyValue[];
}
export interface PyTuple {
  readonly t: 'tuple';
  readonly items: readonly PyValue[];
}
/** A set keeps its elements deduplicated by Python equality; iteration order is CPython's hash order. */
export interface PySet {
  readonly t: 'set';
  readonly items: readonly PyValue[];
}
/** Dicts here only ever have string keys (JSON objects, the empty `{}` literal). Insertion order is kept. */
export interface PyDict {
  readonly t: 'dict';
  readonly map: ReadonlyMap<string, PyValue>;
}
export interface PyEllipsis {
  readonly t: 'ellipsis';
}
/**
 * A value we can carry but not render faithfully (for example a YAML timestamp that PyYAML
 * turns into a datetime). `description` names it for messages.
 */
export interface PyOpaque {
  readonly t: 'opaque';
  readonly typeName: string;
  readonly description: string;
}

export const PY_NONE: PyNone = { t: 'none' };
export const PY_TRUE: PyBool = { t: 'bool', v: true };
export const PY_FALSE: PyBool = { t: 'bool', v: false };

export function pyStr(v: string): PyStr {
  return { t: 'str', v };
}

export function pyInt(v: bigint | number): PyInt {
  return { t: 'int', v: typeof v === 'bigint' ? v : BigInt(v) };
}

export function pyDict(entries: Iterable<readonly [string, PyValue]>): PyDict {
  return { t: 'dict', map: new Map(entries) };
}

/** The Python type name, as used in Python's own error messages (`'int' object is not subscriptable`). */
export function pyTypeName(value: PyValue): string {
  switch (value.t) {
    case 'none':
      return 'NoneType';
    case 'ellipsis':
      return 'ellipsis';
    case 'opaque':
      return value.typeName;
    default:
      return value.t;
  }
}

/**
 * Python `==` between values (numbers compare by value across int, bool, float and complex,
 * exactly: `2**53 + 1 != 2.0**53`). Used where Python deduplicates (set and dict literals).
 */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const x = numericParts(a);
  const y = numericParts(b);
  if (x && y) return realEquals(x.re, y.re) && realEquals(x.im, y.im);
  if (x || y) return false;
  switch (a.t) {
    case 'none':
    case 'ellipsis':
      return b.t === a.t;
    case 'str':
      return b.t === 'str' && a.v === b.v;
    case 'bytes':
      return b.t === 'bytes' && a.v.length === b.v.length && a.v.every((byte, i) => byte === b.v[i]);
    case 'list':
    case 'tuple':
      return (
        b.t === a.t &&
        a.items.length === b.items.length &&
        a.items.every((item, i) => pyEquals(item, b.items[i]))
      );
    case 'set':
      return (
        b.t === 'set' &&
        a.items.length === b.items.length &&
        a.items.every((item) => b.items.some((other) => pyEquals(item, other)))
      );
    case 'dict': {
      if (b.t !== 'dict' || a.map.size !== b.map.size) return false;
      for (const [key, value] of a.map) {
        const other = b.map.get(key);
        if (other === undefined || !pyEquals(value, other)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

type Real = bigint | number;

function numericParts(value: PyValue): { re: Real; im: Real } | null {
  switch (value.t) {
    case 'bool':
      return { re: value.v ? 1n : 0n, im: 0n };
    case 'int':
      return { re: value.v, im: 0n };
    case 'float':
      return { re: value.v, im: 0n };
    case 'complex':
      return { re: value.re, im: value.im };
    default:
      return null;
  }
}

/** Exact comparison of an int and a float, as CPython's float_richcompare does it. */
function realEquals(a: Real, b: Real): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const float = (typeof a === 'number' ? a : b) as number;
  const int = (typeof a === 'bigint' ? a : b) as bigint;
  return Number.isInteger(float) && BigInt(float) === int;
}

const HASH_MODULUS = (1n << 61n) - 1n;
const HASH_INF = 314159n;
const U64 = (1n << 64n) - 1n;

/** A Python exception raised while hashing (an unhashable element of a set literal). */
export class PyHashError extends Error {
  constructor(readonly typeName: string) {
    super(`unhashable type: '${typeName}'`);
  }
}

/**
 * CPython 3.11's `hash(value)` as a signed 64-bit bigint, or null when it is not reproducible:
 * str and bytes hashes are salted per process (PYTHONHASHSEED), and None, Ellipsis and NaN hash
 * by address. The empty str and bytes always hash to 0. Throws PyHashError for unhashable values.
 */
export function pyHash(value: PyValue): bigint | null {
  switch (value.t) {
    case 'bool':
      return value.v ? 1n : 0n;
    case 'int':
      return intHash(value.v);
    case 'float':
      return floatHash(value.v);
    case 'complex': {
      const re = floatHash(value.re);
      const im = floatHash(value.im);
      if (re === null || im === null) return null;
      return signed64(fixMinusOne((re + 1000003n * im) & U64));
    }
    case 'str':
    case 'bytes':
      return value.v.length === 0 ? 0n : null;
    case 'tuple': {
      // xxHash-style tuplehash; every element is hashed (an unhashable one raises) before giving up.
      const PRIME_1 = 11400714785074694791n;
      const PRIME_2 = 14029467366897019727n;
      const PRIME_5 = 2870177450012600261n;
      let known = true;
      let acc = PRIME_5;
      for (const item of value.items) {
        const lane = pyHash(item);
        if (lane === null) {
          known = false;
          continue;
        }
        acc = (acc + (lane & U64) * PRIME_2) & U64;
        acc = ((acc << 31n) | (acc >> 33n)) & U64;
        acc = (acc * PRIME_1) & U64;
      }
      if (!known) return null;
      acc = (acc + (BigInt(value.items.length) ^ (PRIME_5 ^ 3527539n))) & U64;
      return acc === U64 ? 1546275796n : signed64(acc);
    }
    case 'list':
    case 'set':
    case 'dict':
      throw new PyHashError(value.t);
    case 'none':
    case 'ellipsis':
    case 'opaque':
      return null;
  }
}

function intHash(n: bigint): bigint {
  const magnitude = (n < 0n ? -n : n) % HASH_MODULUS;
  const hash = n < 0n ? -magnitude : magnitude;
  return hash === -1n ? -2n : hash;
}

/** `_Py_HashDouble`: the value as a rational reduced modulo 2**61 - 1 (so equal to the int hash when integral). */
function floatHash(v: number): bigint | null {
  if (Number.isNaN(v)) return null;
  if (!Number.isFinite(v)) return v > 0 ? HASH_INF : -HASH_INF;
  if (v === 0) return 0n;
  const { mantissa, exponent } = doubleParts(Math.abs(v));
  // 2**61 ≡ 1 (mod 2**61 - 1), so a power of two reduces its exponent modulo 61.
  const shift = BigInt(((exponent % 61) + 61) % 61);
  const magnitude = ((mantissa % HASH_MODULUS) << shift) % HASH_MODULUS;
  const hash = v < 0 ? -magnitude : magnitude;
  return hash === -1n ? -2n : hash;
}

function fixMinusOne(unsigned: bigint): bigint {
  return unsigned === U64 ? U64 - 1n : unsigned;
}

function signed64(unsigned: bigint): bigint {
  return unsigned >= 1n << 63n ? unsigned - (1n << 64n) : unsigned;
}

/**
 * `set(items)`: duplicates dropped by Python equality (the first one stays), then ordered the
 * way CPython 3.11's hash table iterates them when every hash is reproducible. Otherwise the
 * order is left as inserted and `predictable` is false (repr must not trust it).
 * Throws PyHashError for an unhashable element, after the elements before it.
 */
export function pySetOf(items: readonly PyValue[]): { set: PySet; predictable: boolean } {
  const unique: PyValue[] = [];
  const hashes: (bigint | null)[] = [];
  for (const item of items) {
    const hash = pyHash(item);
    if (unique.some((other) => pyEquals(other, item))) continue;
    unique.push(item);
    hashes.push(hash);
  }
  if (unique.length < 2) return { set: { t: 'set', items: unique }, predictable: true };
  if (hashes.some((hash) => hash === null)) return { set: { t: 'set', items: unique }, predictable: false };
  return { set: { t: 'set', items: cpythonSetOrder(unique, hashes as bigint[]) }, predictable: true };
}

/** Whether a set's stored order is CPython's iteration order (every element's hash is reproducible). */
export function pySetOrderKnown(set: PySet): boolean {
  if (set.items.length < 2) return true;
  try {
    return set.items.every((item) => pyHash(item) !== null);
  } catch {
    return false;
  }
}

/** Inserts into a simulated CPython set table (setobject.c: linear probes, then perturbation). */
function cpythonSetOrder(items: readonly PyValue[], hashes: readonly bigint[]): PyValue[] {
  const LINEAR_PROBES = 9;
  let size = 8;
  let slots: number[] = new Array<number>(size).fill(-1);
  let fill = 0;
  const insert = (table: number[], index: number): void => {
    const mask = BigInt(table.length - 1);
    const maskNumber = table.length - 1;
    const hash = hashes[index] & U64;
    let perturb = hash;
    let i = Number(hash & mask);
    for (;;) {
      const probes = i + LINEAR_PROBES <= maskNumber ? LINEAR_PROBES : 0;
      for (let j = 0; j <= probes; j++) {
        if (table[i + j] === -1) {
          table[i + j] = index;
          return;
        }
      }
      perturb >>= 5n;
      i = Number((BigInt(i) * 5n + 1n + perturb) & mask);
    }
  };
  for (let index = 0; index < items.length; index++) {
    insert(slots, index);
    fill++;
    if (fill * 5 >= (size - 1) * 3) {
      // set_table_resize(so, used * 4): the smallest power of two above it, entries re-inserted in table order.
      let newSize = 8;
      while (newSize <= fill * 4) newSize *= 2;
      const old = slots;
      size = newSize;
      slots = new Array<number>(size).fill(-1);
      for (const entry of old) if (entry !== -1) insert(slots, entry);
    }
  }
  return slots.filter((entry) => entry !== -1).map((entry) => items[entry]);
}
