/**
 * Python's string order, by code point, which oslo.policy's `sorted()` of policy.d names uses.
 * JavaScript's `<` and default `sort()` compare UTF-16 code units instead: a character past
 * U+FFFF (a surrogate pair, units 0xD800-0xDFFF) then sorts before U+E000-U+FFFF, not after.
 * Only that case differs, so units at or above 0xE000 are moved below the surrogates.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
