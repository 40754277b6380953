import type { PyValue } from './pyValue';

/** Python truthiness. */
export function pyTruthy(value: PyValue): boolean {
  switch (value.t) {
    case 'none':
      return false;
    case 'bool':
      return value.v;
    case 'int':
      return value.v !== 0n;
    case 'float':
      // NaN is truthy in Python.
      return value.v !== 0;
    case 'complex':
      return value.re !== 0 || value.im !== 0;
    case 'str':
      return value.v.length > 0;
    case 'bytes':
      return value.v.length > 0;
    case 'list':
    case 'tuple':
    case 'set':
      return value.items.length > 0;
    case 'dict':
      return value.map.size > 0;
    case 'ellipsis':
    case 'opaque':
      return true;
  }
}
