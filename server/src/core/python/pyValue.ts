/**
 * Python values, as oslo.policy sees them.
 *
 * oslo.policy compares strings produced by Python's `str()` and `%`-formatting, so the
 * evaluator must know more than JSON does: `1` and `1.0` render differently, integers are
 * unbounded, and literal kinds (`'public'`, `0x10`, `b'x'`, `(1,)`) are Python values.
 * Creds and targets arrive as JSON (read the way Python's `json` module reads it) and
 * literal kinds come from `ast.literal_eval`; both produce these values.
 */
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
