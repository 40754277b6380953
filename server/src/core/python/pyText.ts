/**
 * Python's notion of whitespace and lower case, as oslo.policy relies on them: the tokenizer
 * splits with `str.split()` semantics (`\s+`, Unicode-aware) and RoleCheck compares
 * `str.lower()` results.
 */
export function isPyWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

export function splitPyWhitespace(text: string): string[] {
  const pieces: string[] = [];
  let index = 0;
  while (index < text.length) {
    while (index < text.length && isPyWhitespace(text.charCodeAt(index))) index++;
    const start = index;
    while (index < text.length && !isPyWhitespace(text.charCodeAt(index))) index++;
    if (index > start) pieces.push(text.slice(start, index));
  }
  return pieces;
}

/**
 * `str.lower()`. JavaScript's `toLowerCase` applies the same Unicode full case mapping
 * (including final sigma and U+0130); the Unicode versions differ only for characters added
 * after Python 3.11's Unicode 14, which the differential test checks.
 */
export function pyLower(text: string): string {
  return text.toLowerCase();
}
