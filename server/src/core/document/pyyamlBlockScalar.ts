/**
 * PyYAML's `scan_block_scalar` (scanner.py, 6.0), ported for the value of a block scalar: the
 * `yaml` package differs from it on lines of spaces beyond the indentation (content to PyYAML)
 * and on what keep chomping keeps. The value matters to oslo.policy: a rule of only whitespace
 * denies (`FalseCheck`), an empty one allows.
 *
 * `header` is the offset of the `|` or `>`; `parentIndent` the column of the block collection
 * holding the scalar (0 for a value of a top-level rule). Returns null where PyYAML would raise
 * (a bad header) or where this port does not follow it (YAML 1.1's NEL, LS and PS breaks, which
 * the reading reports as not modelled anyway).
 */
export function pyyamlBlockScalar(text: string, header: number, parentIndent: number): string | null {
  const folded = text[header] === '>';
  let index = header + 1;
  let chomping: boolean | null = null;
  let increment: number | null = null;
  const digit = (char: string | undefined): boolean => char !== undefined && char >= '0' && char <= '9';
  if (text[index] === '+' || text[index] === '-') {
    chomping = text[index] === '+';
    index++;
    if (digit(text[index])) {
      increment = Number(text[index]);
      index++;
    }
  } else if (digit(text[index])) {
    increment = Number(text[index]);
    index++;
    if (text[index] === '+' || text[index] === '-') {
      chomping = text[index] === '+';
      index++;
    }
  }
  if (increment === 0) return null;
  // The rest of the header line: spaces, perhaps a comment, then the line break.
  while (text[index] === ' ') index++;
  if (text[index] === '#') while (index < text.length && !isBreak(text[index])) index++;
  if (index < text.length && !isBreak(text[index])) return null;
  // Where the current line starts, kept as breaks are passed (a column is index - lineStart).
  let lineStart = 0;
  const passBreak = (): void => {
    index = skipBreak(text, index);
    lineStart = index;
  };
  passBreak();
  const column = (): number => index - lineStart;
  const minIndent = Math.max(1, parentIndent + 1);
  let breaks: string[] = [];
  let indent: number;
  if (increment === null) {
    let maxIndent = 0;
    while (index < text.length && (text[index] === ' ' || isBreak(text[index]))) {
      if (text[index] !== ' ') {
        breaks.push('\n');
        passBreak();
      } else {
        index++;
        if (column() > maxIndent) maxIndent = column();
      }
    }
    indent = Math.max(minIndent, maxIndent);
  } else {
    indent = minIndent + increment - 1;
    breaks = scanBreaks();
  }
  function scanBreaks(): string[] {
    const found: string[] = [];
    while (column() < indent && text[index] === ' ') index++;
    while (index < text.length && isBreak(text[index])) {
      found.push('\n');
      passBreak();
      while (column() < indent && text[index] === ' ') index++;
    }
    return found;
  }
  const chunks: string[] = [];
  let lineBreak = '';
  while (column() === indent && index < text.length) {
    chunks.push(...breaks);
    const leadingNonSpace = text[index] !== ' ' && text[index] !== '\t';
    const start = index;
    while (index < text.length && !isBreak(text[index])) index++;
    chunks.push(text.slice(start, index));
    lineBreak = index < text.length ? '\n' : '';
    if (index < text.length) passBreak();
    breaks = scanBreaks();
    if (column() === indent && index < text.length) {
      // PyYAML's own comment: "Unfortunately, folding rules are ambiguous."
      if (folded && lineBreak === '\n' && leadingNonSpace && text[index] !== ' ' && text[index] !== '\t') {
        if (breaks.length === 0) chunks.push(' ');
      } else chunks.push(lineBreak);
    } else break;
  }
  if (chomping !== false) chunks.push(lineBreak);
  if (chomping === true) chunks.push(...breaks);
  return chunks.join('');
}

function isBreak(char: string | undefined): boolean {
  return char === '\n' || char === '\r';
}

function skipBreak(text: string, index: number): number {
  if (text[index] === '\r' && text[index + 1] === '\n') return index + 2;
  return isBreak(text[index]) ? index + 1 : index;
}
