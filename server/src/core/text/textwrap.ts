/**
 * Python's `textwrap.wrap(text, width, initial_indent, subsequent_indent)` with its defaults
 * (break long words, break on hyphens, drop whitespace), because oslo.policy's sample
 * generator wraps descriptions with it and our sample files must read the same.
 */
const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]';
const WORD_PUNCT = `[\\p{L}\\p{N}_!"'&.,?]`;
const LETTER = '[\\p{L}_]';
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WORD_PUNCT})-{2,}(?=[\\p{L}\\p{N}_])|${NWS}+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})|(?=${WS}|$)|(?<=${WORD_PUNCT})(?=-{2,}[\\p{L}\\p{N}_])))`,
  'u',
);

export function textwrap(text: string, width: number, initialIndent = '', subsequentIndent = ''): string[] {
  const munged = text.replace(/\t/g, '        ').replace(/[\t\n\x0b\x0c\r]/g, ' ');
  const chunks = munged.split(WORDSEP).filter((chunk) => chunk !== undefined && chunk.length > 0);
  chunks.reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let length = 0;
    const indent = lines.length > 0 ? subsequentIndent : initialIndent;
    const room = width - indent.length;
    if (chunks[chunks.length - 1].trim() === '' && lines.length > 0) chunks.pop();
    while (chunks.length > 0) {
      const size = chunks[chunks.length - 1].length;
      if (length + size <= room) {
        line.push(chunks.pop()!);
        length += size;
      } else break;
    }
    if (chunks.length > 0 && chunks[chunks.length - 1].length > room) {
      const spaceLeft = room < 1 ? 1 : room - length;
      const chunk = chunks[chunks.length - 1];
      let end = spaceLeft;
      if (chunk.length > spaceLeft) {
        const hyphen = chunk.lastIndexOf('-', spaceLeft - 1);
        if (hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen))) end = hyphen + 1;
      }
      line.push(chunk.slice(0, end));
      chunks[chunks.length - 1] = chunk.slice(end);
      length = line.reduce((sum, piece) => sum + piece.length, 0);
    }
    if (line.length > 0 && line[line.length - 1].trim() === '') {
      length -= line[line.length - 1].length;
      line.pop();
    }
    if (line.length > 0) lines.push(indent + line.join(''));
  }
  return lines;
}
